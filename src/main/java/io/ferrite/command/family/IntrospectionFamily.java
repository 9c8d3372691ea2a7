package io.ferrite.command.family;

import io.ferrite.command.CommandRegistry;

/** (being written) */
public final class IntrospectionFamily {
    private IntrospectionFamily() {
    }

    public static void register(CommandRegistry r) {
    }
}
