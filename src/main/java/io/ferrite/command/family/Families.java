package io.ferrite.command.family;

import io.ferrite.engine.command.CommandRegistry;

/**
 * Every family of data and engine commands, registered in one place: the table of contents of
 * the command set. The commands about the server itself are registered by the server
 * (ServerCommands in the server layer).
 */
public final class Families {
    private Families() {
    }

    public static void registerAll(CommandRegistry r) {
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
        ClientPauseCommands.register(r);
        IntrospectionFamily.register(r);
        MemoryFamily.register(r);
        PubSubFamily.register(r);
        SlowlogFamily.register(r);
        LatencyFamily.register(r);
        ClusterFamily.register(r);
        DumpFamily.register(r);
    }
}
