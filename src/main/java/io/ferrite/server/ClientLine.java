package io.ferrite.server;

import io.ferrite.engine.Client;
import io.ferrite.protocol.resp.QueryBuffer;
import io.netty.channel.Channel;
import io.netty.channel.unix.UnixChannel;

/** A client's CLIENT LIST / CLIENT INFO line, also written in log messages (Redis's catClientInfoString). */
public final class ClientLine {
    private ClientLine() {
    }

    /**
     * The CLIENT LIST line of client {@code cl} as seen by {@code caller} (null in a log message);
     * {@code qb} and {@code ch} are its connection's query buffer and channel, null if it has none.
     */
    public static String of(Client caller, byte[][] args, Client cl, QueryBuffer qb, Channel ch) {
        long now = System.currentTimeMillis();
        boolean self = cl == caller;
        // the connection's own thread sees its query buffer as it is; others see the last published figures
        boolean live = ch != null && ch.eventLoop().inEventLoop();
        long qbuf = qb == null ? 0 : live ? (self && args != null ? qb.lengthRunning(args) : qb.length()) : qb.shownLength();
        long qbufFree = qb == null ? 0 : live ? Math.max(0, qb.allocated() - qbuf) : qb.shownFree();
        long argvMem = qb == null ? 0 : live ? qb.argvBytes() : qb.shownArgvBytes();
        if (self && qb == null) {
            for (byte[] a : args) {
                argvMem += a.length;
            }
        }
        // another connection's state is read only as its own thread publishes it (volatile figures)
        Client.MultiFigures queuedFigures = cl.multiFigures();
        int multi = queuedFigures.count();
        long multiMem = queuedFigures.memory();
        // replies flushed to Netty but not yet written to the socket: Redis's reply list. Its byte
        // count is kept atomically; its length only on the channel's own loop, so other loops skip it
        io.netty.channel.ChannelOutboundBuffer outbound = ch == null ? null : ch.unsafe().outboundBuffer();
        long omem = outbound == null ? 0 : outbound.totalPendingWriteBytes();
        int oll = outbound == null || !ch.eventLoop().inEventLoop() ? 0 : outbound.size();
        return "id=" + cl.id
            + " addr=" + cl.addr
            + " laddr=" + cl.laddr
            + " fd=" + fd(ch)
            + " name=" + cl.name()
            + " age=" + (now - cl.createdMillis) / 1000
            + " idle=" + (self ? 0 : Math.max(0, now - cl.lastInteraction()) / 1000)
            + " flags=" + cl.flags()
            + " db=" + cl.db()
            + " sub=" + cl.subscriptions.channelCount()
            + " psub=" + cl.subscriptions.patternCount()
            + " ssub=" + cl.subscriptions.shardChannelCount()
            + " multi=" + multi
            + " qbuf=" + qbuf + " qbuf-free=" + qbufFree
            + " argv-mem=" + argvMem
            + " multi-mem=" + multiMem
            // read buffers are Netty's pooled buffers, not per client: 0
            + " rbs=0 rbp=0"
            // replies are gathered per read batch and handed to Netty's outbound buffer: no fixed buffer (obl)
            + " obl=0 oll=" + oll + " omem=" + omem
            // what maxmemory-clients weighs: buffers, arguments, the MULTI queue, watched keys, subscriptions, prefixes
            + " tot-mem=" + ClientMemory.usage(qbuf + qbufFree, argvMem, multiMem, omem, cl.watchedCount(),
                cl.subscriptions.channelCount() + cl.subscriptions.patternCount() + cl.subscriptions.shardChannelCount(),
                cl.tracking.prefixes.size())
            + " events=r"
            + " cmd=" + cl.lastCommand()
            + " user=" + (cl.user() == null ? "default" : cl.user().name())
            + " redir=" + (cl.tracking.on() ? cl.tracking.redirect() : -1)
            + " resp=" + cl.resp();
    }

    /** The socket's file descriptor with the epoll transport; 0 with NIO, which does not expose it. */
    private static int fd(Channel ch) {
        if (ch instanceof UnixChannel u) {
            try {
                return u.fd().intValue();
            } catch (RuntimeException e) {
                return 0;
            }
        }
        return 0;
    }
}
