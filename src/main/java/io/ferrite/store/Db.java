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
    private final KeyTable table = new KeyTable();
    private final ExpireIndex expires = new ExpireIndex();
    private long memory;

    public int size() {
        return table.size();
    }

    public int expiresCount() {
        return expires.size();
    }

    public long memory() {
        return memory;
    }

    public Entry find(byte[] key) {
        return table.get(key);
    }

    public Entry add(byte[] key, ValueType type, Object value, Encoding encoding) {
        Entry e = table.add(key);
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

    public void clear() {
        table.clear();
        expires.clear();
        memory = 0;
    }
}
