package io.ferrite.command.family;

import io.ferrite.command.CommandRegistry;

/** (being written) */
public final class ClientFamily {
    private ClientFamily() {
    }

    public static void register(CommandRegistry r) {
    }
}
