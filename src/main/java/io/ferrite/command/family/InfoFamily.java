package io.ferrite.command.family;

import io.ferrite.command.CommandRegistry;

/** (being written) */
public final class InfoFamily {
    private InfoFamily() {
    }

    public static void register(CommandRegistry r) {
    }
}
