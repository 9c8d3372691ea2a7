package io.ferrite.server.replication.replica;

import io.ferrite.engine.command.Call;
import io.ferrite.engine.command.CommandRegistry;

/** REPLICAOF and its old name SLAVEOF (Redis's replicaofCommand). */
public final class ReplicaCommands {
    private ReplicaCommands() {
    }

    public static void register(CommandRegistry r) {
        r.add("replicaof", ReplicaCommands::replicaOf);
        r.add("slaveof", ReplicaCommands::replicaOf);
    }

    /**
     * REPLICAOF host port | NO ONE. "NO ONE" on a master does nothing and answers +OK; the master
     * already set answers "+OK Already connected to specified master" and keeps its link.
     */
    static void replicaOf(Call c) {
        ReplicaHost server = (ReplicaHost) c.server;
        if (server.failoverUnderway()) {
            c.reply().error("ERR REPLICAOF not allowed while failing over.");
            return;
        }
        Replica replica = server.replica();
        if (c.argIs(1, "no") && c.argIs(2, "one")) {
            replica.noOne();
            c.reply().ok();
            return;
        }
        long port = port(c.argString(2));
        if (port < 0 || port > 65535) {
            c.reply().error("ERR Invalid master port");
            return;
        }
        String host = c.argString(1);
        if (replica.alreadyReplicating(host, (int) port)) {
            c.reply().simple("OK Already connected to specified master");
            return;
        }
        replica.replicaOf(host, (int) port);
        c.reply().ok();
    }

    /** The port as Redis's getLongLongFromObject reads it; -1 when it is no integer. */
    private static long port(String s) {
        if (s.startsWith("+")) {
            return -1;
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
