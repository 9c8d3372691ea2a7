package io.ferrite.engine;

import io.ferrite.engine.feed.EffectFeed;
import io.ferrite.engine.pubsub.KeyspaceEvents;
import io.ferrite.store.Bytes;
import io.ferrite.store.BytesKey;
import io.ferrite.store.Encoding;
import io.ferrite.store.Entry;
import io.ferrite.store.ValueType;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The keyspace a cross-shard command runs against: the entries of its keys, moved out of their
 * shards (which are held meanwhile) and moved back when it ends. Moving rather than sharing keeps
 * every entry owned by exactly one thread at a time, with no copying and no locks.
 */
final class StagedKeyspace implements Keyspace {
    /** A key gathered from its shard: the entry (null if absent) and whether the command changed it. */
    static final class Slot {
        final Shard owner;
        Entry entry;
        boolean changed;

        Slot(Shard owner, Entry entry) {
            this.owner = owner;
            this.entry = entry;
        }
    }

    private final Map<BytesKey, Slot> slots;
    private final int index;
    private final long now;
    final ShardStats stats;
    private final EffectFeed feed;
    /** Keyspace events of the command, published in order once it is done ({@link #publishEvents}). */
    private final List<Event> events;

    private record Event(int db, Notify type, String name, byte[] key) {
    }

    StagedKeyspace(Map<BytesKey, Slot> slots, int index, long now, ShardStats stats,
                   EffectFeed feed) {
        this(slots, index, now, stats, new ArrayList<>(), feed);
    }

    private StagedKeyspace(Map<BytesKey, Slot> slots, int index, long now, ShardStats stats, List<Event> events,
                           EffectFeed feed) {
        this.feed = feed;
        this.slots = slots;
        this.index = index;
        this.now = now;
        this.stats = stats;
        this.events = events;
    }

    @Override
    public void notify(Notify type, String event, byte[] key) {
        events.add(new Event(index, type, event, key));
    }

    /** Publishes the queued events from {@code here} (the running shard), in the order they happened. */
    void publishEvents(Shard here) {
        int flags = here.engine.notifyFlags();
        for (Event e : events) {
            if (KeyspaceEvents.wanted(flags, e.type)) {
                KeyspaceEvents.publish(here, flags, e.db, e.name, e.key);
            }
        }
        events.clear();
    }

    static Map<BytesKey, Slot> newSlots() {
        return new LinkedHashMap<>();
    }

    private Slot slot(byte[] key) {
        Slot s = slots.get(new BytesKey(index, key));
        if (s == null) {
            throw new IllegalStateException("key not declared by the command: " + Bytes.str(key));
        }
        return s;
    }

    @Override
    public int index() {
        return index;
    }

    @Override
    public long now() {
        return now;
    }

    @Override
    public Entry read(byte[] key) {
        Entry e = slot(key).entry;
        if (e == null) {
            stats.keyspaceMisses++;
            notify(Notify.KEY_MISS, "keymiss", key);
        } else {
            stats.keyspaceHits++;
            Shard owner = slot(key).owner;
            e.lru(owner.engine.access().accessed(e.lru(), now, owner.random));
        }
        return e;
    }

    @Override
    public Entry peek(byte[] key) {
        return slot(key).entry;
    }

    @Override
    public Entry write(byte[] key) {
        return slot(key).entry;
    }

    @Override
    public Entry add(byte[] key, ValueType type, Object value, Encoding encoding) {
        Slot s = slot(key);
        Entry e = Entry.detached(key);
        e.set(type, value, encoding);
        e.lru(s.owner.engine.access().created(now));
        s.entry = e;
        s.changed = true;
        stats.dirty++;
        notify(Notify.NEW, "new", key);
        return e;
    }

    @Override
    public void replace(Entry e, ValueType type, Object value, Encoding encoding) {
        e.set(type, value, encoding);
        slot(e.key).changed = true;
        stats.dirty++;
    }

    @Override
    public Entry setString(byte[] key, byte[] value, Encoding encoding, boolean keepTtl) {
        Slot s = slot(key);
        if (s.entry == null) {
            return add(key, ValueType.STRING, value, encoding);
        }
        replace(s.entry, ValueType.STRING, value, encoding);
        if (!keepTtl) {
            s.entry.expireAtDetached(Entry.NO_EXPIRY);
        }
        return s.entry;
    }

    @Override
    public boolean delete(byte[] key) {
        Slot s = slot(key);
        if (s.entry == null) {
            return false;
        }
        s.entry = null;
        s.changed = true;
        stats.dirty++;
        return true;
    }

    @Override
    public void lazyFreed(byte[] key, long objects) {
        stats.lazyfreedObjects += objects;
    }

    @Override
    public void expire(Entry e, long at) {
        e.expireAtDetached(at);
        slot(e.key).changed = true;
        stats.dirty++;
    }

    @Override
    public void modified(Entry e, long memoryDelta) {
        // memory is recounted when the entry is attached again
        slot(e.key).changed = true;
        stats.dirty++;
    }

    @Override
    public void countChanges(long n) {
        stats.dirty += n;
    }

    /** Memory is recounted when the entry is attached again; WATCH is not touched. */
    @Override
    public void resized(Entry e, long memoryDelta) {
    }

    /** The key is signalled on its own shard when it is moved back there (every changed list, sorted set or stream is). */
    @Override
    public void signalReady(byte[] key) {
        slot(key).changed = true;
    }

    @Override
    public int size() {
        throw new UnsupportedOperationException("database size is not known to a cross-shard command");
    }

    @Override
    public Keyspace other(int db) {
        return new StagedKeyspace(slots, db, now, stats, events, feed);
    }

    @Override
    public long dirty() {
        return stats.dirty;
    }

    @Override
    public EffectFeed feed() {
        return feed;
    }
}
