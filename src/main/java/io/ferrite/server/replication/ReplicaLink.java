package io.ferrite.server.replication;

import io.ferrite.engine.Client;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;

import java.net.InetSocketAddress;

/**
 * One replica's connection as the master sees it (Redis's client fields slave_*, repl_*): what it
 * told REPLCONF, where its synchronisation stands, how far it acknowledged. The handshake fields
 * and the acknowledgements are written on the connection's thread and read anywhere (INFO, ROLE,
 * WAIT); the stream position ({@link #startOffset}, {@link #sentOffset}) belongs to the pump.
 */
final class ReplicaLink {
    /** Redis's SLAVE_STATE_*; {@link #info} is how INFO names each (replstateToString). */
    enum State {
        /** Asked for a full sync; no snapshot has taken its cut for it yet. */
        WAIT_BGSAVE_START("wait_bgsave"),
        /** Its stream starts at the snapshot's cut; the RDB is being written. */
        WAIT_BGSAVE_END("wait_bgsave"),
        /** The RDB is on its way. */
        SEND_BULK("send_bulk"),
        /** Receives the stream. */
        ONLINE("online");

        final String info;

        State(String info) {
            this.info = info;
        }
    }

    final Client client;
    final Channel channel;
    volatile int listeningPort;
    /** REPLCONF ip-address, or null: the peer's address is shown instead. */
    volatile String announcedIp;
    volatile boolean capaEof;
    volatile boolean capaPsync2;
    /** Came with SYNC, not PSYNC (CLIENT_PRE_PSYNC): no +FULLRESYNC line, no ACKs expected. */
    volatile boolean prePsync;
    volatile State state;
    /** repl_ack_off. */
    volatile long ackOffset;
    /** repl_ack_time, in milliseconds. */
    volatile long ackMillis = System.currentTimeMillis();

    /** The last byte of the stream before this replica's (its RDB's offset); pump only. */
    long startOffset = -1;
    /** The last byte handed to the channel; pump only. */
    long sentOffset = -1;
    /** Its full sync goes over the socket (diskless): no newlines while the RDB streams. */
    volatile boolean diskless;
    /** Online after a diskless sync: the stream starts with its first REPLCONF ACK (repl_start_cmd_stream_on_ack). */
    volatile boolean awaitingAck;
    /** When it started waiting for a full sync's snapshot (the diskless delay counts from there). */
    volatile long waitingSinceMillis;
    /** When the output first went over the soft limit, -1 while under it; pump only. */
    long softSince = -1;
    /** Whether it is one of the pump's replicas (Redis's server.slaves); pump only. */
    boolean attached;

    ReplicaLink(Client client, Channel channel) {
        this.client = client;
        this.channel = channel;
    }

    /** The address INFO and ROLE show: the announced one, else the peer's. */
    String ip() {
        String ip = announcedIp;
        if (ip != null) {
            return ip;
        }
        if (channel.remoteAddress() instanceof InetSocketAddress a) {
            return a.getAddress().getHostAddress();
        }
        return "?";
    }

    /** replicationGetSlaveName: ip:listening-port, as Redis prints it while the port is unknown too. */
    String name() {
        int port = listeningPort;
        return ip() + ":" + (port != 0 ? Integer.toString(port) : "<unknown-replica-port>");
    }

    /** Bytes queued in the channel and not yet on the socket. */
    long outboundBytes() {
        ChannelOutboundBuffer out = channel.unsafe().outboundBuffer();
        return out == null ? 0 : out.totalPendingWriteBytes();
    }

    void ack(long offset, long nowMillis) {
        if (offset > ackOffset) {
            ackOffset = offset;
        }
        ackMillis = nowMillis;
        awaitingAck = false;
    }
}
