package io.ferrite.engine.command;

/**
 * The keys of a command whose key specs cannot describe them (Redis's getkeys_proc, such as
 * sortGetKeys for SORT's STORE destination), and whether a call also reaches keys that no
 * argument names at all: SORT's BY and GET patterns now, scripts later. For such a call the
 * engine holds every shard and runs it against a keyspace that reaches any key on its owning shard
 * (see {@code engine.AnyKeyKeyspace}); every other call keeps the ordinary routing by its keys.
 */
public interface CommandKeys {
    /** Receives one key: its argument position and the index of the key spec describing it (for its flags). */
    @FunctionalInterface
    interface Sink {
        void key(int position, int spec);
    }

    /** Reports each key the arguments name, as Redis's getkeys_proc would. */
    void positions(byte[][] args, Sink sink);

    /** True when this call may read or write keys that are not among its arguments. */
    default boolean undeclared(byte[][] args) {
        return false;
    }

    /**
     * True for a call that may run for long (a script): the engine runs it on a thread of its own,
     * with every shard held, so the event loops stay free to answer other clients (-BUSY, SCRIPT KILL).
     */
    default boolean runsLong(byte[][] args) {
        return false;
    }

    /**
     * The flags this call has, when they depend on its arguments (Redis's getCommandFlags: a
     * script's shebang flags decide whether EVAL writes); {@code declared} otherwise.
     */
    default long flags(byte[][] args, long declared) {
        return declared;
    }
}
