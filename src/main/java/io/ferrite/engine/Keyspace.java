package io.ferrite.engine;

import io.ferrite.engine.feed.EffectFeed;
import io.ferrite.store.Encoding;
import io.ferrite.store.Entry;
import io.ferrite.store.ValueType;

/**
 * What a command sees of one database: lookups that apply lazy expiry and keep statistics, and
 * mutations that keep TTLs, memory and WATCH in step. Commands never touch the raw store, so the
 * same command code runs on a shard's own data or on entries moved in for a cross-shard command.
 */
public interface Keyspace {
    int index();

    /** The command's clock in Unix milliseconds, fixed for the whole command as Redis fixes it. */
    long now();

    /** lookupKeyRead: counts a hit or miss and refreshes the key's LRU clock. */
    Entry read(byte[] key);

    /** Expiry-aware lookup that counts nothing and leaves the LRU clock alone (TYPE, TTL, OBJECT). */
    Entry peek(byte[] key);

    /**
     * The entry as stored, a logically expired one included, deleting nothing (Redis's dictFind
     * in DEBUG OBJECT): a view that cannot reach its shard's table answers as {@link #peek} does.
     */
    default Entry stored(byte[] key) {
        return peek(key);
    }

    /** lookupKeyWrite: for a command about to change the key. */
    Entry write(byte[] key);

    /** Adds a key known to be absent. */
    Entry add(byte[] key, ValueType type, Object value, Encoding encoding);

    /** Replaces an existing key's value, keeping its TTL. */
    void replace(Entry e, ValueType type, Object value, Encoding encoding);

    /** SET's setKey: stores a string, replacing any value of any type, dropping the TTL unless asked to keep it. */
    Entry setString(byte[] key, byte[] value, Encoding encoding, boolean keepTtl);

    boolean delete(byte[] key);

    /** Counts {@code objects} in INFO's lazyfreed_objects on the shard owning {@code key} (UNLINK of a large value). */
    void lazyFreed(byte[] key, long objects);

    /** Sets the absolute expiry in Unix ms, or removes it with {@link Entry#NO_EXPIRY}. */
    void expire(Entry e, long at);

    /** Signals a change made in place to a key's value (a collection grew, say): WATCH, and memory by {@code memoryDelta}. */
    void modified(Entry e, long memoryDelta);

    /**
     * Accounts a change in a value's size that Redis does not count as a change of the key, so
     * WATCH is not touched: a stream's consumer groups and pending entries, or an encoding
     * conversion such as SORT turning a listpack sorted set into a skiplist.
     */
    default void resized(Entry e, long memoryDelta) {
        modified(e, memoryDelta);
    }

    /**
     * Counts {@code n} changes beyond the one each mutation above counts, for a command Redis counts
     * as several changes of one key (BITFIELD counts each field it changed).
     */
    default void countChanges(long n) {
    }

    /** Keys in this database on this shard (the whole database for a staged view). */
    int size();

    /** The same shard's or staged view of another database, for MOVE, COPY ... DB and SWAPDB. */
    Keyspace other(int db);

    /**
     * Reports a change as Redis's notifyKeyspaceEvent does: {@code type} is a {@link Notify} class
     * bit, {@code event} the event name Redis uses ("lpush", "del", "expire" ...). Commands call it
     * after the change, in the order the changes happen.
     */
    default void notify(Notify type, String event, byte[] key) {
    }

    /**
     * Tells clients blocked on {@code key} (BLPOP, BZPOPMIN, XREAD BLOCK ...) that it may now
     * serve them, as Redis's signalKeyAsReady: called when a list, sorted set or stream gains data.
     */
    default void signalReady(byte[] key) {
    }

    /** Changes counted so far where this keyspace counts them (Redis's server.dirty): a call that grows it propagates. */
    default long dirty() {
        return 0;
    }

    /** The effects feed of the server this keyspace belongs to. */
    default EffectFeed feed() {
        return null;
    }

    /**
     * Redis's checkAlreadyExpired exemption: while the data set is loaded (the append-only file's
     * commands), and on a replica, an expiry in the past is set rather than the key deleted, so
     * later commands of the file find the key as its writer did, and a replica waits for its
     * master's DEL.
     */
    default boolean keepsPastExpiries() {
        return false;
    }
}
