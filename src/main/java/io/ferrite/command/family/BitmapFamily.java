package io.ferrite.command.family;

import io.ferrite.command.CommandRegistry;

/** (being written) */
public final class BitmapFamily {
    private BitmapFamily() {
    }

    public static void register(CommandRegistry r) {
    }
}
