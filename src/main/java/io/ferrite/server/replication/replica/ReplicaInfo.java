package io.ferrite.server.replication.replica;

import io.ferrite.reply.Reply;
import io.ferrite.server.ServerConfig;

import java.util.Locale;

/**
 * The replica's part of INFO replication and its form of ROLE, field for field as Redis 7.0's
 * genRedisInfoString and roleCommand write them. The replication section's owner calls these
 * when the server is a replica.
 */
public final class ReplicaInfo {
    private ReplicaInfo() {
    }

    /** The fields after "role:slave" and before connected_slaves. */
    public static void append(StringBuilder out, Replica r, ServerConfig config) {
        field(out, "master_host", r.masterHost());
        field(out, "master_port", r.masterPort());
        field(out, "master_link_status", r.linkUp() ? "up" : "down");
        field(out, "master_last_io_seconds_ago", r.lastIoSecondsAgo());
        LinkState s = r.state();
        field(out, "master_sync_in_progress", s == LinkState.TRANSFER ? 1 : 0);
        field(out, "slave_read_repl_offset", r.readOffset());
        field(out, "slave_repl_offset", r.processedOffset());
        Payload t = r.transfer();
        if (s == LinkState.TRANSFER) {
            long size = t == null ? -1 : t.size();
            long read = t == null ? 0 : t.read();
            double perc = size > 0 ? (double) read / size * 100 : 0;
            field(out, "master_sync_total_bytes", size);
            field(out, "master_sync_read_bytes", read);
            field(out, "master_sync_left_bytes", size - read);
            field(out, "master_sync_perc", String.format(Locale.ROOT, "%.2f", perc));
            field(out, "master_sync_last_io_seconds_ago", (System.currentTimeMillis() - r.lastIoMillis()) / 1000);
        }
        if (s != LinkState.CONNECTED) {
            long since = r.downSince();
            field(out, "master_link_down_since_seconds", since != 0 ? System.currentTimeMillis() / 1000 - since : -1);
        }
        field(out, "slave_priority", config.getInt("replica-priority"));
        field(out, "slave_read_only", config.getBool("replica-read-only") ? 1 : 0);
        field(out, "replica_announced", config.getBool("replica-announced") ? 1 : 0);
    }

    /** ROLE on a replica: slave, the master's host and port, the link's state, the processed offset. */
    public static void role(Reply reply, Replica r) {
        reply.array(5);
        reply.bulk("slave");
        reply.bulk(r.masterHost());
        reply.integer(r.masterPort());
        reply.bulk(r.state().roleName());
        reply.integer(r.roleOffset());
    }

    private static void field(StringBuilder out, String name, Object value) {
        out.append(name).append(':').append(value).append("\r\n");
    }
}
