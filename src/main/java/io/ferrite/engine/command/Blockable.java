package io.ferrite.engine.command;

/**
 * How a blocking command (BLPOP, BZPOPMIN, BLMOVE, XREAD BLOCK ...) serves a client that is waiting
 * for one of its keys. The handler first tries to serve at once; when it cannot, and
 * {@link Call#mayBlock()}, it calls {@link Call#block} with the keys and one of these, and the
 * engine keeps the client waiting: each shard keeps, per database and key, the clients blocked on
 * it in arrival order, and after a command (or a whole MULTI/EXEC, or a cross-shard command) makes
 * a key ready ({@code Keyspace.signalReady}, or creating a list, sorted set or stream), the shard
 * offers the key to its waiters in that order by calling {@link #serve} (Redis 7.0's
 * handleClientsBlockedOnKeys). A client blocked on keys of several shards is served exactly once.
 */
public interface Blockable {
    /**
     * Tries to serve the waiting call from {@code key}, which may now hold data: {@code call.ks()}
     * holds the key (and {@link #alsoTouches} keys), {@code call.reply()} is the waiting client's
     * reply. Returns true when it replied (served, or an error such as WRONGTYPE on BLMOVE's
     * destination): the client is unblocked. Returns false, having replied nothing, to keep
     * waiting (the key holds another type, or nothing this command wants).
     */
    boolean serve(Call call, byte[] key);

    /** The reply when the timeout passes or CLIENT UNBLOCK ... TIMEOUT: a null array, as Redis replies for lists, sorted sets and streams. */
    default void timedOut(Call call) {
        call.reply().nilArray();
    }

    /** Keys besides the ready one that {@link #serve} reads or writes (BLMOVE's destination): they are gathered with it, from any shard. */
    default byte[][] alsoTouches() {
        return NO_KEYS;
    }

    byte[][] NO_KEYS = new byte[0][];

    /**
     * True if {@link #serve} must be offered its key even when the key no longer exists: deleting
     * or overwriting a stream signals it (Redis's dbGenericDelete and dbOverwrite), so that
     * XREADGROUP's waiters can fail with their error. Other waiters are not offered a missing key.
     */
    default boolean servesMissingKey() {
        return false;
    }

    /** What a handler asks for when it cannot serve now: wait on {@code keys} until {@code deadline} (Unix ms, 0 = forever). */
    record Request(byte[][] keys, long deadline, Blockable how) {
    }
}
