package io.ferrite.engine;

/**
 * Keyspace-notification classes of Redis's {@code notify-keyspace-events} (server.h's NOTIFY_*),
 * so a command names the class of the change it reports exactly as Redis does. The configured
 * set is kept as a bit set of {@link #bit}s, tested on every change.
 */
public enum Notify {
    KEYSPACE('K'),
    KEYEVENT('E'),
    GENERIC('g'),
    STRING('$'),
    LIST('l'),
    SET('s'),
    HASH('h'),
    ZSET('z'),
    EXPIRED('x'),
    EVICTED('e'),
    STREAM('t'),
    KEY_MISS('m'),
    /** Modules only: never configurable. */
    LOADED('\0'),
    MODULE('d'),
    NEW('n');

    private final char letter;
    private final int bit;

    Notify(char letter) {
        this.letter = letter;
        this.bit = 1 << ordinal();
    }

    public int bit() {
        return bit;
    }

    public char letter() {
        return letter;
    }

    /** Whether {@code flags}, a set of bits, includes this class. */
    public boolean in(int flags) {
        return (flags & bit) != 0;
    }
}
