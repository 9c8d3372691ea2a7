package io.ferrite.command.family;

import io.ferrite.command.CommandRegistry;

/** (being written) */
public final class ServerFamily {
    private ServerFamily() {
    }

    public static void register(CommandRegistry r) {
    }
}
