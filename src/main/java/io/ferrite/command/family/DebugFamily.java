package io.ferrite.command.family;

import io.ferrite.command.CommandRegistry;

/** (being written) */
public final class DebugFamily {
    private DebugFamily() {
    }

    public static void register(CommandRegistry r) {
    }
}
