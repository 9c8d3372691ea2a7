package io.ferrite.store;

import io.ferrite.common.ShardConfined;

import java.util.random.RandomGenerator;

/**
 * One numbered database's part on one shard: the key table, the index of keys with a TTL, and the
 * memory the entries use. Raw storage only: expiry rules, statistics and watchers live in the
 * engine's keyspace view.
 */
@ShardConfined
public final class Db {
    private KeyTable table;
    /** maxmemory's say on the key table's growth (see {@link KeyTable#KeyTable(java.util.function.LongPredicate)}). */
    private final java.util.function.LongPredicate mayGrowBy;
    private final ExpireIndex expires = new ExpireIndex();
    private long memory;
    /** The snapshot mark new entries get: the current generation's (see {@link Entry#snapshotMark}). */
    private int mark;

    /** A database whose key table grows whenever it is full. */
    public Db() {
        this(more -> true);
    }

    public Db(java.util.function.LongPredicate mayGrowBy) {
        this.mayGrowBy = mayGrowBy;
        this.table = new KeyTable(mayGrowBy);
    }

    public int size() {
        return table.size();
    }

    public int expiresCount() {
        return expires.size();
    }

    public long memory() {
        return memory;
    }

    /**
     * MEMORY STATS's overhead.hashtable.main and .expires: what the key table and the expiry index
     * take beside the keys and values. Read from any thread as an instant's figure.
     */
    public long tableOverhead() {
        return table.overhead();
    }

    public long expiresOverhead() {
        return expires.overhead();
    }

    public Entry find(byte[] key) {
        return table.get(key);
    }

    public Entry add(byte[] key, ValueType type, Object value, Encoding encoding) {
        Entry e = table.add(key);
        e.snapshotMark(mark);
        e.set(type, value, encoding);
        memory += MemoryEstimate.entry(e);
        return e;
    }

    public Entry remove(byte[] key) {
        Entry e = table.remove(key);
        if (e != null) {
            expires.remove(e);
            memory -= MemoryEstimate.entry(e);
        }
        return e;
    }

    /** Removes an entry {@link #find} returned, without looking its key up again. */
    public void remove(Entry e) {
        if (table.remove(e)) {
            expires.remove(e);
            memory -= MemoryEstimate.entry(e);
        }
    }

    /** Links back an entry detached by {@link #remove} (possibly on another shard's database). */
    public void attach(Entry e) {
        e.snapshotMark(mark);
        table.attach(e);
        if (e.expireAt != Entry.NO_EXPIRY) {
            expires.add(e);
        }
        memory += MemoryEstimate.entry(e);
    }

    /** Replaces a string or whole value in place, keeping the memory figure right. */
    public void replaceValue(Entry e, ValueType type, Object value, Encoding encoding) {
        memory -= MemoryEstimate.entry(e);
        e.set(type, value, encoding);
        memory += MemoryEstimate.entry(e);
    }

    /** For collections that grow or shrink in place and report their own change in size. */
    public void adjustMemory(long delta) {
        memory += delta;
    }

    public void setExpire(Entry e, long at) {
        e.expireAt = at;
        if (at == Entry.NO_EXPIRY) {
            expires.remove(e);
        } else {
            expires.add(e);
        }
    }

    public Entry randomEntry(RandomGenerator rnd) {
        return table.random(rnd);
    }

    public Entry randomExpiring(RandomGenerator rnd) {
        return expires.random(rnd);
    }

    public long scan(long cursor, java.util.function.Consumer<Entry> visitor) {
        return table.scan(cursor, visitor);
    }

    public void forEach(java.util.function.Consumer<Entry> visitor) {
        table.forEach(visitor);
    }

    /** The generation entries added from now on belong to; a snapshot's cut flips it. */
    public int mark() {
        return mark;
    }

    public void mark(int generation) {
        mark = generation;
    }

    /**
     * The key table as it is now, for a snapshot to walk: {@link #clear} gives the database a new
     * table rather than emptying this one, so a snapshot walking it after a FLUSHDB still finds
     * the keys of its cut, which nothing else can reach or change any more.
     */
    public KeyTable table() {
        return table;
    }

    public void clear() {
        table = new KeyTable(mayGrowBy);
        expires.clear();
        memory = 0;
    }
}
