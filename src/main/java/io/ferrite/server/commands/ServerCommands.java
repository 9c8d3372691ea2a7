package io.ferrite.server.commands;

import io.ferrite.engine.command.CommandRegistry;
import io.ferrite.server.replication.ReplicationCommands;
import io.ferrite.server.replication.replica.ReplicaCommands;

/** The commands about the server itself: connections, clients, configuration, INFO, DEBUG, MONITOR, SHUTDOWN, replication. */
public final class ServerCommands {
    private ServerCommands() {
    }

    public static void registerAll(CommandRegistry r) {
        ConnectionFamily.register(r);
        AclFamily.register(r);
        ServerFamily.register(r);
        ClientFamily.register(r);
        ConfigFamily.register(r);
        InfoFamily.register(r);
        MemoryReport.register(r);
        DebugFamily.register(r);
        MonitorFamily.register(r);
        PersistenceFamily.register(r);
        MigrateFamily.register(r);
        AofFamily.register(r);
        ReplicationCommands.register(r);
        ReplicaCommands.register(r);
    }
}
