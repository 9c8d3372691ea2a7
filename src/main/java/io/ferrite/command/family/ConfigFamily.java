package io.ferrite.command.family;

import io.ferrite.command.CommandRegistry;

/** (being written) */
public final class ConfigFamily {
    private ConfigFamily() {
    }

    public static void register(CommandRegistry r) {
    }
}
