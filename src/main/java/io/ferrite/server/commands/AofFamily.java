package io.ferrite.server.commands;

import io.ferrite.engine.command.CommandRegistry;
import io.ferrite.server.aof.BaseAtCut;

/** BGREWRITEAOF: the append-only file rewritten from a consistent cut of every shard. */
public final class AofFamily {
    private AofFamily() {
    }

    public static void register(CommandRegistry r) {
        r.addSharded("bgrewriteaof", new BaseAtCut());
    }
}
