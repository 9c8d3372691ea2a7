package io.ferrite.command.family;

import io.ferrite.engine.command.CommandRegistry;

/** MULTI, EXEC, DISCARD, WATCH, UNWATCH: carried out by the engine's transaction machinery. */
public final class TransactionFamily {
    private TransactionFamily() {
    }

    public static void register(CommandRegistry r) {
        for (String name : new String[] {"multi", "exec", "discard", "watch", "unwatch"}) {
            r.addTransaction(name);
        }
    }
}
