package io.ferrite.engine;

import io.ferrite.store.BytesKey;
import io.ferrite.common.ShardConfined;
import io.ferrite.engine.feed.EffectFeed;
import io.ferrite.engine.pubsub.KeyspaceEvents;
import io.ferrite.store.Db;
import io.ferrite.store.Encoding;
import io.ferrite.store.Entry;
import io.ferrite.store.ValueType;

import java.util.function.Consumer;

/** A shard's own view of one database: commands run against it on the shard's thread. */
@ShardConfined
public final class ShardKeyspace implements Keyspace {
    private final Shard shard;
    private final int index;

    ShardKeyspace(Shard shard, int index) {
        this.shard = shard;
        this.index = index;
    }

    private Db db() {
        assert shard.ownedByCaller() : "shard " + shard.id + "'s data touched from " + Thread.currentThread().getName();
        return shard.dbs[index];
    }

    public Shard shard() {
        return shard;
    }

    /**
     * Saves an entry of a snapshot's cut before it changes or goes away (see SnapshotCapture):
     * every path that modifies or removes an existing entry passes here first.
     */
    private void preserve(Entry e) {
        SnapshotCapture capture = shard.capture;
        if (capture != null && capture.unsaved(e)) {
            capture.preserve(db(), e);
        }
    }

    /** With assertions on: an entry changed in place was handed out for writing, so the snapshot saw it first. */
    private boolean preservedBefore(Entry e) {
        SnapshotCapture capture = shard.capture;
        return capture == null || !capture.unsaved(e) || index == shard.databases();
    }

    @Override
    public int index() {
        return index;
    }

    @Override
    public long now() {
        return shard.now;
    }

    @Override
    public boolean keepsPastExpiries() {
        return shard.engine.loading() || shard.engine.replica();
    }

    /** The entry if present and not logically expired; an expired one is deleted on the way (Redis's expireIfNeeded). */
    private Entry live(byte[] key) {
        return live(key, true, shard.writer);
    }

    /** As {@link #live(byte[])} for a lookup that only reads: on a replica it deletes nothing. */
    private Entry liveForRead(byte[] key) {
        return live(key, false, shard.writer);
    }

    /**
     * Redis 7.0's lookupKey and expireIfNeeded: a logically expired key is absent, and deleted
     * on the way. On a replica the master's own commands still see it (its DEL comes in the
     * stream, and deleting here would make the data sets differ), other clients' reads do not
     * see it and delete nothing, and only a writable replica's own writes delete it.
     */
    private Entry live(byte[] key, boolean write, Client by) {
        Entry e = db().find(key);
        if (e != null && e.hasExpiry() && e.expireAt() < shard.now && !shard.engine.loading()) {
            if (shard.engine.replica()) {
                if (by != null && by.master()) {
                    return e;
                }
                if (!write) {
                    return null;
                }
            }
            expireUnlessPaused(e);
            return null;
        }
        return e;
    }

    /** Redis's expireIfNeeded: a logically expired key is deleted, except while clients are paused. */
    private void expireUnlessPaused(Entry e) {
        if (!shard.engine.clientPause().active()) {
            expireNow(e);
        }
    }

    /** Removes an entry for maxmemory (Redis's eviction): a modification with an "evicted" event. */
    void evict(Entry e) {
        preserve(e);
        signalIfStream(e);
        db().remove(e);
        shard.stats.evictedKeys++;
        shard.engine.feed().evicted(index, e.key);
        touched(e.key, null);
        notify(Notify.EVICTED, "evicted", e.key);
    }

    /**
     * Removes a memcached item to make room for another (see {@link ItemEviction}): no event, no
     * effect, as memcached items are no Redis data.
     */
    void reclaim(Entry e) {
        preserve(e);
        db().remove(e);
    }

    /** Deletes an entry whose time has come, counting it as Redis counts expired keys. */
    void expireNow(Entry e) {
        preserve(e);
        signalIfStream(e);
        db().remove(e);
        shard.stats.expiredKeys++;
        shard.engine.feed().expired(index, e.key);
        // Redis signals an expiry with no client, so a NOLOOP reader still hears about it
        touched(e.key, null);
        notify(Notify.EXPIRED, "expired", e.key);
    }

    /** Redis's signalModifiedKey: WATCH and client-side caching learn that the key changed. */
    private void touched(byte[] key) {
        touched(key, shard.writer);
    }

    private void touched(byte[] key, Client writer) {
        if (!shard.watches.isEmpty()) {
            shard.watches.touch(index, key, db().find(key) != null);
        }
        if (!shard.tracking.idle() && index < shard.databases()) {
            shard.tracking.invalidate(key, writer, shard.engine.sessions());
        }
    }

    @Override
    public void notify(Notify type, String event, byte[] key) {
        int flags = shard.engine.notifyFlags();
        if (KeyspaceEvents.wanted(flags, type) && index < shard.databases()) {
            KeyspaceEvents.publish(shard, flags, index, event, key);
        }
    }

    /** A key looked up for a command: its LRU clock, or its LFU counter (Redis's lookupKey touching the object). */
    private void accessed(Entry e) {
        e.lru(shard.engine.access().accessed(e.lru(), shard.now, shard.random));
    }

    /** maxmemory-admission: every lookup by a command counts in the shard's frequency sketch, found or not. */
    private void recordAccess(byte[] key) {
        if (index < shard.databases()) {
            Admission a = shard.admission();
            if (a != null) {
                a.record(key);
            }
        }
    }

    @Override
    public Entry read(byte[] key) {
        Entry e = liveForRead(key);
        if (e == null) {
            shard.stats.keyspaceMisses++;
            notify(Notify.KEY_MISS, "keymiss", key);
        } else {
            recordAccess(key);
            shard.stats.keyspaceHits++;
            accessed(e);
        }
        return e;
    }

    @Override
    public Entry peek(byte[] key) {
        return liveForRead(key);
    }

    @Override
    public Entry stored(byte[] key) {
        return db().find(key);
    }

    @Override
    public Entry write(byte[] key) {
        recordAccess(key);
        Entry e = live(key);
        if (e != null) {
            preserve(e);
            accessed(e);
        }
        return e;
    }

    @Override
    public Entry add(byte[] key, ValueType type, Object value, Encoding encoding) {
        signalIfBlockable(type, key);
        Entry e = db().add(key, type, value, encoding);
        e.lru(shard.engine.access().created(shard.now));
        if (index < shard.databases()) {
            Admission a = shard.admission();
            if (a != null) {
                a.added(index, e);
            }
        }
        shard.stats.dirty++;
        touched(key);
        notify(Notify.NEW, "new", key);
        return e;
    }

    @Override
    public void replace(Entry e, ValueType type, Object value, Encoding encoding) {
        preserve(e);
        signalIfStream(e);
        db().replaceValue(e, type, value, encoding);
        shard.stats.dirty++;
        touched(e.key);
    }

    @Override
    public Entry setString(byte[] key, byte[] value, Encoding encoding, boolean keepTtl) {
        recordAccess(key);
        Entry e = live(key);
        if (e == null) {
            return add(key, ValueType.STRING, value, encoding);
        }
        preserve(e);
        signalIfStream(e);
        db().replaceValue(e, ValueType.STRING, value, encoding);
        if (!keepTtl && e.hasExpiry()) {
            db().setExpire(e, Entry.NO_EXPIRY);
        }
        accessed(e);
        shard.stats.dirty++;
        touched(key);
        return e;
    }

    @Override
    public boolean delete(byte[] key) {
        Entry e = live(key);
        if (e == null) {
            return false;
        }
        preserve(e);
        signalIfStream(e);
        db().remove(e);
        shard.stats.dirty++;
        touched(key);
        return true;
    }

    @Override
    public void lazyFreed(byte[] key, long objects) {
        shard.stats.lazyfreedObjects += objects;
    }

    @Override
    public void expire(Entry e, long at) {
        preserve(e);
        db().setExpire(e, at);
        Client by = shard.writer;
        if (at != Entry.NO_EXPIRY && shard.engine.replica() && by != null && !by.master()) {
            // rememberSlaveKeyWithExpire: a writable replica's own TTL, which only it can enforce
            shard.ownExpiresOnReplica.add(new BytesKey(index, e.key));
            shard.ownExpiresTracked = shard.ownExpiresOnReplica.size();
        }
        shard.stats.dirty++;
        touched(e.key);
    }

    @Override
    public void modified(Entry e, long memoryDelta) {
        assert preservedBefore(e) : "key changed without a write lookup during a snapshot";
        db().adjustMemory(memoryDelta);
        shard.stats.dirty++;
        touched(e.key);
    }

    @Override
    public void countChanges(long n) {
        shard.stats.dirty += n;
    }

    @Override
    public void resized(Entry e, long memoryDelta) {
        db().adjustMemory(memoryDelta);
    }

    @Override
    public int size() {
        return db().size();
    }

    @Override
    public void signalReady(byte[] key) {
        shard.blocks.signal(index, key);
    }

    /**
     * Redis's dbAdd signals every new list, sorted set or stream: whatever creates the key (a push,
     * RENAME, MOVE, a STORE command) wakes its waiters. A cross-shard command's changed keys are
     * signalled as they come back (its waiters look; those that find nothing for them wait on).
     */
    private void signalIfBlockable(ValueType type, byte[] key) {
        if (type == ValueType.LIST || type == ValueType.ZSET || type == ValueType.STREAM) {
            shard.blocks.signal(index, key);
        }
    }

    /** Redis's dbGenericDelete and dbOverwrite signal a stream that goes away, for XREADGROUP's waiters. */
    private void signalIfStream(Entry e) {
        if (e.type() == ValueType.STREAM) {
            shard.blocks.signal(index, e.key);
        }
    }

    @Override
    public Keyspace other(int db) {
        return shard.view(db);
    }

    @Override
    public long dirty() {
        return shard.stats.dirty;
    }

    @Override
    public EffectFeed feed() {
        return shard.engine.feed();
    }

    // Whole-database operations for commands that run on every shard

    public int expiresCount() {
        return db().expiresCount();
    }

    /** One SCAN step over this shard's part; expired keys met on the way are deleted, not reported. */
    public long scan(long cursor, Consumer<Entry> visitor) {
        java.util.List<Entry> seen = new java.util.ArrayList<>();
        long next = db().scan(cursor, seen::add);
        for (Entry e : seen) {
            if (liveForRead(e.key) != null) {
                visitor.accept(e);
            }
        }
        return next;
    }

    public void forEachLive(Consumer<Entry> visitor) {
        java.util.List<Entry> expired = new java.util.ArrayList<>();
        db().forEach(e -> {
            if (e.hasExpiry() && e.expireAt() < shard.now) {
                expired.add(e);
            } else {
                visitor.accept(e);
            }
        });
        if (!shard.engine.clientPause().active() && !shard.engine.replica()) {
            // a scan that removes what has expired is memcached's LRU crawler: its items count as reclaimed
            expired.forEach(this::expireUnread);
        }
    }

    /** Deletes an expired entry no command asked for (active expiry, a whole-table walk): memcached counts these as reclaimed. */
    void expireUnread(Entry e) {
        shard.activelyExpiring(index, e);
        expireNow(e);
    }

    /** Every stored entry, logically expired ones too, expiring nothing: DEBUG DIGEST sees the table as it is. */
    public void forEachStored(Consumer<Entry> visitor) {
        db().forEach(visitor);
    }

    /** The stored entry, even if logically expired, expiring nothing (DEBUG DIGEST-VALUE's dictFind). */
    public Entry findStored(byte[] key) {
        return db().find(key);
    }

    /** A random live key, giving up after Redis's 100 tries when nearly every key is expired. */
    public Entry randomLive() {
        for (int tries = 0; tries < 100; tries++) {
            Entry e = db().randomEntry(shard.random);
            if (e == null) {
                return null;
            }
            if (!(e.hasExpiry() && e.expireAt() < shard.now)) {
                return e;
            }
            if (!shard.engine.replica()) {
                expireUnlessPaused(e);
            }
        }
        return null;
    }

    /** FLUSHDB's part on this shard; returns the number of keys removed. */
    public int flush() {
        int n = db().size();
        shard.tracking.clearReaders();
        if (!shard.watches.isEmpty()) {
            shard.watches.replaced(index, db(), null, System.currentTimeMillis());
        }
        shard.blocks.signalDatabase(index);
        db().clear();
        // Redis's emptyDb starts the avg_ttl estimate afresh
        long[] avgTtl = shard.stats.avgTtl;
        if (index < avgTtl.length) {
            avgTtl[index] = 0;
        }
        return n;
    }

    public void swapWith(int other) {
        shard.swap(index, other);
    }

    // Detach and attach: moving entries to and from a cross-shard command

    /**
     * Removes a live key for a cross-shard command of {@code by} to work on; null if absent or
     * expired. On a replica an expired key stays where it is ({@link #attach} replaces it if the
     * command writes the key), as a read there deletes nothing.
     */
    Entry detach(byte[] key, Client by) {
        Entry e = live(key, !shard.engine.replica(), by);
        if (e != null) {
            preserve(e);
            db().remove(e);
        }
        return e;
    }

    /** Puts back an entry a cross-shard command detached or created, signalling watchers if it changed. */
    void attach(byte[] key, Entry e, boolean changed) {
        if (changed) {
            // created, grown, overwritten or deleted by a cross-shard command: its waiters look
            shard.blocks.signal(index, key);
        }
        if (e != null) {
            // an expired entry left in place while clients were paused gives way to the new one
            Entry stale = db().find(key);
            if (stale != null) {
                preserve(stale);
                db().remove(stale);
            }
            db().attach(e);
        }
        if (changed) {
            touched(key);
        }
    }

    /** WATCH's "already expired when watched" test (Redis's keyIsExpired: no deletion). */
    boolean isLogicallyExpired(byte[] key) {
        Entry e = db().find(key);
        return e != null && e.hasExpiry() && e.expireAt() < System.currentTimeMillis();
    }

    boolean existsRaw(byte[] key) {
        return db().find(key) != null;
    }
}
