package io.ferrite.server.commands;

import io.ferrite.server.Server;
import io.ferrite.engine.command.CommandRegistry;
import io.ferrite.server.RespConnection;

/**
 * MONITOR (Redis 7.0 replication.c monitorCommand): the connection then receives a line for every
 * command the server runs (see {@link io.ferrite.server.metrics.Monitors}). A connection already
 * monitoring gets no reply, as in Redis.
 */
public final class MonitorFamily {
    private MonitorFamily() {
    }

    public static void register(CommandRegistry r) {
        r.add("monitor", c -> {
            if (c.client.monitor()) {
                return;
            }
            RespConnection conn = Server.of(c).client(c.client.id);
            // inside MULTI/EXEC Redis's CLIENT_DENY_BLOCKING refuses it
            if (conn == null || !c.mayBlock()) {
                c.reply().error("ERR MONITOR isn't allowed for DENY BLOCKING client");
                return;
            }
            Server.of(c).observer().monitors().add(conn);
            c.reply().ok();
        });
    }
}
