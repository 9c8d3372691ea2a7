package io.ferrite.server.replication.replica;

import io.ferrite.common.Log;
import io.ferrite.server.ServerConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;

/**
 * One connection to the master, from the handshake to the command stream (Redis's
 * syncWithMaster, slaveTryPartialResynchronization and readSyncBulkPayload, then the master
 * client's reads). The handshake is sent as Redis sends it: PING, then AUTH (with masterauth and
 * masteruser), REPLCONF listening-port, REPLCONF ip-address and REPLCONF capa eof capa psync2
 * together, then PSYNC; each reply is a line. What the replies mean for the replica as a whole
 * (a full sync to load, a partial resync) is the {@link Replica}'s to decide. On the link's loop.
 */
final class MasterLink extends ChannelInboundHandlerAdapter implements MasterClient.Listener {
    /** The master's stream is not read further while this many of its commands wait to run. */
    private static final int MAX_QUEUED = 4096;
    /** The longest reply line of the handshake. */
    private static final int MAX_LINE = 64 * 1024;

    private enum Phase { CONNECTING, PING_REPLY, HANDSHAKE_REPLIES, PSYNC_REPLY, BULK_HEADER, BULK, LOADING, STREAM, CLOSED }

    private final Replica replica;
    private final ReplicaHost host;
    private final ByteBuf in = Unpooled.buffer(64 * 1024);
    private final ArrayDeque<String> awaited = new ArrayDeque<>();
    private Channel channel;
    private Phase phase = Phase.CONNECTING;
    private Payload transfer;
    /** Set while a load of this link's full sync runs: a close then waits for the load's end to be handled. */
    private boolean loaderRunning;
    private MasterClient master;
    private boolean parsing;
    private boolean closeRequested;
    /** The PSYNC sent carried FAILOVER: its reply decides the failover. */
    private boolean failoverPsync;
    /** The master's replication id and offset from +FULLRESYNC (-1 for the offset: unknown, after SYNC). */
    private String fullSyncReplid;
    private long fullSyncOffset = -1;
    /** Unix ms of the last bytes from the master (Redis's repl_transfer_lastio, then the master client's lastinteraction). */
    private volatile long lastIoMillis = System.currentTimeMillis();
    /** Redis's read_reploff: the stream's offset up to the last byte read. */
    private volatile long readReploff;

    MasterLink(Replica replica, ReplicaHost host) {
        this.replica = replica;
        this.host = host;
    }

    long lastIoMillis() {
        return lastIoMillis;
    }

    long readReploff() {
        return readReploff;
    }

    Payload transfer() {
        return transfer;
    }

    void loaderRunning(boolean on) {
        loaderRunning = on;
    }

    MasterClient master() {
        return master;
    }

    boolean loading() {
        return phase == Phase.LOADING;
    }

    boolean closed() {
        return phase == Phase.CLOSED;
    }

    /** Closes the connection (at once, or as soon as a connect in progress ends); {@link Replica#linkClosed} follows. */
    void close() {
        closeRequested = true;
        if (channel != null) {
            channel.close();
        }
    }

    // ---------------------------------------------------------------- the handshake

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        if (closeRequested || !replica.handshaking(this)) {
            // REPLICAOF moved on while this link was connecting
            ctx.close();
            return;
        }
        lastIoMillis = System.currentTimeMillis();
        phase = Phase.PING_REPLY;
        send("PING");
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf b = (ByteBuf) msg;
        try {
            lastIoMillis = System.currentTimeMillis();
            if (phase == Phase.STREAM || phase == Phase.LOADING) {
                readReploff += b.readableBytes();
            }
            in.writeBytes(b);
        } finally {
            b.release();
        }
        process();
    }

    private void process() {
        try {
            while (phase != Phase.CLOSED) {
                if (phase == Phase.BULK) {
                    if (!transfer.consume(in)) {
                        if (transfer instanceof DisklessTransfer d && d.stalled()) {
                            // the loader is behind: read again once it took a chunk
                            channel.config().setAutoRead(false);
                        }
                        break;
                    }
                    transferred();
                    continue;
                }
                if (phase == Phase.STREAM) {
                    stream();
                    break;
                }
                if (phase == Phase.LOADING || phase == Phase.CONNECTING) {
                    break;
                }
                String line = readLine();
                if (line == null) {
                    break;
                }
                reply(line);
            }
        } catch (IOException | StreamParser.StreamError | RuntimeException e) {
            Log.warning("Error in the link with MASTER: " + e.getMessage());
            close();
        }
        if (phase != Phase.CLOSED) {
            in.discardSomeReadBytes();
        }
    }

    /** A line without its newline (and carriage return), or null if none is complete. */
    private String readLine() {
        int eol = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
        if (eol < 0) {
            if (in.readableBytes() > MAX_LINE) {
                throw new IllegalStateException("reply line too long from MASTER");
            }
            return null;
        }
        int end = eol > in.readerIndex() && in.getByte(eol - 1) == '\r' ? eol - 1 : eol;
        String line = in.toString(in.readerIndex(), end - in.readerIndex(), StandardCharsets.ISO_8859_1);
        in.readerIndex(eol + 1);
        return line;
    }

    private void reply(String line) throws IOException {
        switch (phase) {
            case PING_REPLY -> pong(line);
            case HANDSHAKE_REPLIES -> handshakeReply(line);
            case PSYNC_REPLY -> psyncReply(line);
            case BULK_HEADER -> bulkHeader(line);
            default -> throw new IllegalStateException("unexpected reply in the handshake: " + line);
        }
    }

    /**
     * The PING's reply: "+" anything, or an authentication error (the AUTH that follows deals
     * with it), as Redis accepts them.
     */
    private void pong(String line) {
        if (!line.startsWith("+") && !line.startsWith("-NOAUTH") && !line.startsWith("-NOPERM")
                && !line.startsWith("-ERR operation not permitted")) {
            Log.warning("Error reply to PING from master: '" + line + "'");
            close();
            return;
        }
        Log.notice("Master replied to PING, replication can continue...");
        ServerConfig c = host.config();
        String auth = c.get("masterauth");
        if (!auth.isEmpty()) {
            String user = c.get("masteruser");
            if (user.isEmpty()) {
                send("AUTH", auth);
            } else {
                send("AUTH", user, auth);
            }
            awaited.add("auth");
        }
        int port = c.getInt("replica-announce-port");
        send("REPLCONF", "listening-port", Integer.toString(port != 0 ? port : host.replicationPort()));
        awaited.add("listening-port");
        String ip = c.get("replica-announce-ip");
        if (!ip.isEmpty()) {
            send("REPLCONF", "ip-address", ip);
            awaited.add("ip-address");
        }
        send("REPLCONF", "capa", "eof", "capa", "psync2");
        awaited.add("capa");
        phase = Phase.HANDSHAKE_REPLIES;
    }

    /** AUTH must succeed; the REPLCONFs' errors are only noted (older masters lack them). */
    private void handshakeReply(String line) {
        String what = awaited.poll();
        if (line.startsWith("-")) {
            if ("auth".equals(what)) {
                Log.warning("Unable to AUTH to MASTER: " + line);
                close();
                return;
            }
            Log.notice("(Non critical) Master does not understand REPLCONF " + what + ": " + line);
        }
        if (awaited.isEmpty()) {
            Replica.Psync p = replica.psyncRequest();
            if (p.replid().equals("?")) {
                Log.notice("Partial resynchronization not possible (no cached master)");
            } else {
                Log.notice("Trying a partial resynchronization (request " + p.replid() + ":" + p.offset() + ").");
            }
            // a master failing over to this one asks it to take over (slaveTryPartialResynchronization)
            failoverPsync = replica.failoverPsync();
            if (failoverPsync) {
                send("PSYNC", p.replid(), Long.toString(p.offset()), "FAILOVER");
            } else {
                send("PSYNC", p.replid(), Long.toString(p.offset()));
            }
            phase = Phase.PSYNC_REPLY;
        }
    }

    private void psyncReply(String line) throws IOException {
        if (line.isEmpty()) {
            // newlines keep the link alive while the master prepares its reply
            return;
        }
        if (failoverPsync) {
            // anything but a resync means the target did not take over: this server is a master again
            failoverPsync = false;
            boolean accepted = line.startsWith("+FULLRESYNC") || line.startsWith("+CONTINUE");
            replica.failoverAnswered(accepted);
            if (!accepted) {
                close();
                return;
            }
        }
        if (line.startsWith("+FULLRESYNC")) {
            String[] f = line.split(" ");
            if (f.length >= 3 && f[1].length() == Payload.MARK_LENGTH) {
                fullSyncReplid = f[1];
                fullSyncOffset = Long.parseLong(f[2].trim());
                Log.notice("Full resync from master: " + fullSyncReplid + ":" + fullSyncOffset);
            } else {
                Log.warning("Master replied with wrong +FULLRESYNC syntax.");
            }
            expectBulk();
            return;
        }
        if (line.startsWith("+CONTINUE")) {
            Log.notice("Successful partial resynchronization with master.");
            String id = line.length() >= 10 + Payload.MARK_LENGTH ? line.substring(10, 10 + Payload.MARK_LENGTH) : null;
            Log.notice("MASTER <-> REPLICA sync: Master accepted a Partial Resynchronization.");
            replica.continued(this, id);
            return;
        }
        if (line.startsWith("-NOMASTERLINK") || line.startsWith("-LOADING")) {
            Log.notice("Master is currently unable to PSYNC but should be in the future: " + line);
            close();
            return;
        }
        if (line.startsWith("-ERR")) {
            Log.notice("Master does not support PSYNC or is in error state (reply: " + line + ")");
        } else {
            Log.warning("Unexpected reply to PSYNC from master: " + line);
        }
        // Redis falls back to SYNC, whose offset it does not learn
        Log.notice("Retrying with SYNC...");
        channel.writeAndFlush(Unpooled.copiedBuffer("SYNC\r\n", StandardCharsets.US_ASCII));
        fullSyncReplid = null;
        fullSyncOffset = -1;
        expectBulk();
    }

    private void expectBulk() {
        phase = Phase.BULK_HEADER;
        replica.transferring(this);
    }

    private void bulkHeader(String line) throws IOException {
        if (line.isEmpty()) {
            return;
        }
        if (line.startsWith("-")) {
            Log.warning("MASTER aborted replication with an error: " + line.substring(1));
            close();
            return;
        }
        if (!line.startsWith("$")) {
            Log.warning("Bad protocol from MASTER, the first byte is not '$' (we received '" + line
                + "'), are you sure the host and port are right?");
            close();
            return;
        }
        boolean diskless = replica.disklessLoad();
        String to = diskless ? "to parser" : "to disk";
        if (diskless) {
            DisklessTransfer d = new DisklessTransfer(line, () -> channel.eventLoop().execute(this::loaderCaughtUp));
            transfer = d;
            replica.streaming(this, d, fullSyncReplid, fullSyncOffset);
        } else {
            transfer = SyncTransfer.open(host.config().resolve("."), line);
        }
        if (transfer.withMark()) {
            Log.notice("MASTER <-> REPLICA sync: receiving streamed RDB from master with EOF " + to);
        } else {
            Log.notice("MASTER <-> REPLICA sync: receiving " + transfer.size() + " bytes from master " + to);
        }
        phase = Phase.BULK;
    }

    /** A diskless load took a chunk after the link stopped reading for it. */
    private void loaderCaughtUp() {
        if (phase == Phase.BULK) {
            channel.config().setAutoRead(true);
            process();
        }
    }

    /**
     * The whole RDB arrived: reading stops while the replica loads it (from disk), or while the
     * loader finishes what it was given (diskless).
     */
    private void transferred() throws IOException {
        phase = Phase.LOADING;
        channel.config().setAutoRead(false);
        readReploff = fullSyncOffset;
        if (transfer instanceof SyncTransfer t) {
            Path file = t.finish();
            replica.transferred(this, file, fullSyncReplid, fullSyncOffset);
        }
    }

    // ---------------------------------------------------------------- the command stream

    /** The sync is done: the master's commands run through {@code client} from here. */
    void startStream(MasterClient client, long offset, boolean ackNow) {
        master = client;
        readReploff = offset + in.readableBytes();
        phase = Phase.STREAM;
        if (ackNow) {
            // a streamed RDB's master waits for this first ACK before it starts the stream
            sendAck(client.reploff());
        }
        channel.config().setAutoRead(true);
        process();
    }

    private void stream() throws StreamParser.StreamError {
        parsing = true;
        try {
            while (in.isReadable() && master.backlog() < MAX_QUEUED && phase == Phase.STREAM) {
                int start = in.readerIndex();
                byte[][] args = StreamParser.next(in);
                if (args == null) {
                    break;
                }
                if (args.length == 0) {
                    // a bare newline: a keep-alive, no command, nothing applied
                    continue;
                }
                master.submit(args, in.copy(start, in.readerIndex() - start));
            }
            master.run();
            if (master.backlog() >= MAX_QUEUED) {
                channel.config().setAutoRead(false);
            }
        } finally {
            parsing = false;
        }
    }

    @Override
    public boolean applying() {
        return replica.applying(this);
    }

    @Override
    public void applied(ByteBuf raw) {
        if (replica.applying(this)) {
            host.masterStream(raw);
        } else {
            raw.release();
        }
    }

    @Override
    public void ackRequested(long offset) {
        sendAck(offset);
    }

    @Override
    public void drained() {
        if (!parsing && phase == Phase.STREAM && !channel.config().isAutoRead()) {
            channel.config().setAutoRead(true);
            process();
        }
    }

    /** REPLCONF ACK <offset>: the master learns how far this replica processed its stream. */
    void sendAck(long offset) {
        if (channel != null && channel.isActive()) {
            send("REPLCONF", "ACK", Long.toString(offset));
        }
    }

    private void send(String... args) {
        StringBuilder sb = new StringBuilder().append('*').append(args.length).append("\r\n");
        for (String a : args) {
            byte[] b = a.getBytes(StandardCharsets.UTF_8);
            sb.append('$').append(b.length).append("\r\n").append(a).append("\r\n");
        }
        channel.writeAndFlush(Unpooled.copiedBuffer(sb, StandardCharsets.UTF_8));
    }

    // ---------------------------------------------------------------- the end

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        Phase was = phase;
        phase = Phase.CLOSED;
        if (transfer != null && was != Phase.LOADING && was != Phase.STREAM) {
            transfer.abort();
        }
        if (master != null) {
            master.stop();
        }
        in.release();
        replica.linkClosed(this, was == Phase.LOADING || loaderRunning);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Log.warning("Error condition on the link with MASTER: " + cause.getMessage());
        ctx.close();
    }
}
