package io.ferrite.server.metrics;

import io.ferrite.common.Log;
import io.ferrite.engine.Client;
import io.ferrite.engine.command.Call;
import io.ferrite.server.RespConnection;
import io.ferrite.server.ServerStats;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The clients in MONITOR mode, and the feed they get (Redis's replicationFeedMonitors): one status
 * line per executed command, {@code +<unix time with µs> [<db> <addr>] "arg" ...}. Commands run
 * on every shard's thread, so a line is handed to the monitor's own event loop, which writes it
 * after whatever that connection is flushing. Costs nothing but a volatile read while nobody
 * monitors.
 */
public final class Monitors {
    /** Redis's default hard output limit for replicas, which is what a monitor is to Redis: 256 MB. */
    static final long OUTPUT_LIMIT = 256L * 1024 * 1024;

    private final Map<Long, RespConnection> monitors = new ConcurrentHashMap<>();
    private final ServerStats stats;
    private volatile boolean any;

    Monitors(ServerStats stats) {
        this.stats = stats;
    }

    public void add(RespConnection conn) {
        conn.client().monitor(true);
        monitors.put(conn.client().id, conn);
        any = true;
    }

    /** Takes a client out of MONITOR mode (RESET, disconnect). */
    public void remove(Client client) {
        if (client == null || !client.monitor()) {
            return;
        }
        client.monitor(false);
        monitors.remove(client.id);
        any = !monitors.isEmpty();
    }

    public int size() {
        return monitors.size();
    }

    public boolean active() {
        return any;
    }

    void feed(Call call) {
        byte[] line = line(call.client.db(), origin(call.client), CommandArgs.redacted(call.command, call.args),
            nowMicros());
        for (RespConnection m : monitors.values()) {
            Channel ch = m.channel();
            ch.eventLoop().execute(() -> {
                if (!ch.isActive()) {
                    return;
                }
                io.netty.channel.ChannelOutboundBuffer pending = ch.unsafe().outboundBuffer();
                if (pending != null && pending.totalPendingWriteBytes() > OUTPUT_LIMIT) {
                    // a monitor that does not read would make the server buffer without bound: Redis's
                    // client-output-buffer-limit for replicas (which monitors are) closes it
                    Log.warning("Client id=" + m.client().id + " addr=" + m.client().addr
                        + " closed for overcoming of output buffer limits.");
                    remove(m.client());
                    ch.close();
                    return;
                }
                stats.netOutputBytes.add(line.length);
                ch.writeAndFlush(Unpooled.wrappedBuffer(line), ch.voidPromise());
            });
        }
    }

    /** Where a command came from in a feed line: the address, or "unix:PATH" for a unix socket client, as Redis writes it. */
    static String origin(Client c) {
        // a unix socket client's addr is "PATH:0" (Redis's genClientAddrString)
        return c.unixSocket() ? "unix:" + c.addr.substring(0, c.addr.length() - ":0".length()) : c.addr;
    }

    static long nowMicros() {
        java.time.Instant t = java.time.Instant.now();
        return t.getEpochSecond() * 1_000_000 + t.getNano() / 1000;
    }

    /** One feed line; {@code micros} is the Unix time in microseconds. */
    static byte[] line(int db, String addr, byte[][] args, long micros) {
        StringBuilder sb = new StringBuilder(64);
        sb.append('+').append(micros / 1_000_000).append('.');
        String frac = Long.toString(micros % 1_000_000);
        sb.append("0".repeat(6 - frac.length())).append(frac);
        sb.append(" [").append(db).append(' ').append(addr).append(']');
        for (byte[] a : args) {
            sb.append(' ');
            CommandArgs.repr(sb, a);
        }
        sb.append("\r\n");
        return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    }
}
