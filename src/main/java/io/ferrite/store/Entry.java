package io.ferrite.store;

import io.ferrite.common.ShardConfined;

/**
 * One key of one database on one shard: the key's bytes, its value and the metadata Redis keeps
 * beside it (expiry, LRU clock or LFU counter). Entries chain inside {@link KeyTable} buckets.
 * Only the owning shard's thread reads or writes an entry.
 */
@ShardConfined
public final class Entry {
    public static final long NO_EXPIRY = -1;

    public final byte[] key;
    final int hash;
    Entry next;

    /** byte[] for strings; type-specific objects for collections. */
    private Object value;
    private ValueType type;
    private Encoding encoding;

    /** Absolute Unix time in milliseconds, or {@link #NO_EXPIRY}. */
    long expireAt = NO_EXPIRY;
    /** Position in the database's {@link ExpireIndex}, so removal is O(1). */
    int expireSlot = -1;
    /**
     * Redis's 24-bit LRU clock in seconds, or the LFU counter and decay time when LFU is on, in
     * the low bits; the top bit is the snapshot mark (see {@link #snapshotMark}), kept here
     * rather than in a field of its own because an entry's size is what every key pays.
     */
    private int lru;
    private static final int MARK = 1 << 31;

    Entry(byte[] key, int hash) {
        this.key = key;
        this.hash = hash;
    }

    /** A free-standing entry for a key created outside any table (a cross-shard command's new key). */
    public static Entry detached(byte[] key) {
        return new Entry(key, Bytes.hash(key));
    }

    /** Sets the expiry of an entry that is in no table at the moment (detached for a cross-shard command). */
    public void expireAtDetached(long at) {
        if (expireSlot >= 0) {
            throw new IllegalStateException("entry is indexed");
        }
        expireAt = at;
    }

    public long expireAt() {
        return expireAt;
    }

    public boolean hasExpiry() {
        return expireAt != NO_EXPIRY;
    }

    public byte[] bytes() {
        return (byte[]) value;
    }

    /** byte[] for strings; the type's value object ({@code ListValue} ...) for collections. */
    public Object value() {
        return value;
    }

    /**
     * Changes a value in place without the keyspace's accounting: for a string rewritten where it
     * lies (an HLL register update), whose size the command reports itself.
     */
    public void value(Object v) {
        value = v;
    }

    /** A whole new value; {@link Db} keeps the memory figure in step. */
    public void set(ValueType type, Object value, Encoding encoding) {
        this.type = type;
        this.value = value;
        this.encoding = encoding;
    }

    public ValueType type() {
        return type;
    }

    public Encoding encoding() {
        return encoding;
    }

    /** Records an encoding change made in place (a listpack grown into a hash table, SORT's skiplist). */
    public void encoding(Encoding e) {
        encoding = e;
    }

    /** The LRU clock, or the LFU counter and decay time when an LFU policy is on. */
    public int lru() {
        return lru & ~MARK;
    }

    public void lru(int clock) {
        lru = (lru & MARK) | (clock & ~MARK);
    }

    /**
     * Which snapshot generation this entry was last saved for (0 or 1). A fork-less snapshot
     * flips its databases' mark at the cut; an entry whose mark differs still holds its value of
     * the cut and must be saved before it changes (Dragonfly's bucket versions, per entry). Two
     * values suffice because every snapshot visits every entry before the next one starts.
     */
    public int snapshotMark() {
        return lru >>> 31;
    }

    public void snapshotMark(int mark) {
        lru = (lru & ~MARK) | (mark << 31);
    }
}
