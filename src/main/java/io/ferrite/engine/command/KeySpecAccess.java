package io.ferrite.engine.command;

import java.util.function.IntConsumer;

/** Lets COMMAND GETKEYS walk one key spec at a time, to pair each key with its spec's flags. */
public final class KeySpecAccess {
    private KeySpecAccess() {
    }

    public static boolean positions(KeySpec spec, byte[][] args, int argc, IntConsumer sink) {
        return spec.positions(args, argc, sink);
    }
}
