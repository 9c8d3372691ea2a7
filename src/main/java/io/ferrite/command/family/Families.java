package io.ferrite.command.family;

import io.ferrite.engine.command.CommandRegistry;

/** Every command family, registered in one place: the table of contents of the command set. */
public final class Families {
    private Families() {
    }

    public static void registerAll(CommandRegistry r) {
        ConnectionFamily.register(r);
        TransactionFamily.register(r);
        StringFamily.register(r);
        KeyFamily.register(r);
        BitmapFamily.register(r);
        ListFamily.register(r);
        HashFamily.register(r);
        SetFamily.register(r);
        ZSetFamily.register(r);
        StreamFamily.register(r);
        GeoFamily.register(r);
        BlockingFamily.register(r);
        HyperLogLogFamily.register(r);
        SortFamily.register(r);
        ServerFamily.register(r);
        ClientFamily.register(r);
        ClientPauseCommands.register(r);
        ConfigFamily.register(r);
        InfoFamily.register(r);
        IntrospectionFamily.register(r);
        MemoryFamily.register(r);
        DebugFamily.register(r);
        PubSubFamily.register(r);
        SlowlogFamily.register(r);
        LatencyFamily.register(r);
        MonitorFamily.register(r);
        ClusterFamily.register(r);
    }
}
