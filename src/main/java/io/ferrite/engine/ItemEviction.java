package io.ferrite.engine;

import io.ferrite.common.ShardConfined;
import io.ferrite.store.Db;
import io.ferrite.store.Entry;

import java.util.function.Consumer;

/**
 * memcached's eviction, on the shard of the item being stored: memcached's item allocation pulls
 * items off the tail of its LRU until the new one fits (do_item_alloc_pull), in the store's own
 * thread, whatever Redis's maxmemory-policy says. Here the least recently used memcached items of
 * this shard go while used_memory is over maxmemory, with no keyspace event and nothing
 * propagated (memcached items are no Redis data).
 *
 * <p>The order is Redis's approximated LRU (maxmemory-samples sampled into a pool of 16), on a
 * per-shard access sequence kept in the entry's LRU bits instead of the one-second LRU clock: the
 * items of a busy cache are stored and read within the same second by thousands, and memcached's
 * linked list keeps their order, so the clock's ties would make the pick close to random.
 */
@ShardConfined
public final class ItemEviction {
    /** The entry's LRU bits below the snapshot mark. */
    private static final int MASK = Integer.MAX_VALUE;
    /** Items one store may evict before it goes ahead anyway (memcached tries its tail a few times per allocation too). */
    private static final int MAX_PER_STORE = 64;

    private final Shard shard;
    private final EvictionPool pool = new EvictionPool();
    /** Accesses on this shard so far; an entry keeps its low 31 bits. */
    private long sequence;
    private Consumer<Entry> evicted = e -> { };

    ItemEviction(Shard shard) {
        this.shard = shard;
    }

    /** Stamps an item as just used: stored, read or touched. */
    public void accessed(Entry e) {
        sequence++;
        e.lru((int) (sequence & MASK));
    }

    /**
     * The pool's score: the older the item's last use, the higher. Its stamp is recovered from the
     * low bits kept in the entry, so scores offered at different times still compare.
     */
    private long score(Entry e) {
        long idle = (sequence - e.lru()) & MASK;
        return idle - sequence;
    }

    /** What becomes of one store over maxmemory. */
    public enum Room {
        /** Memory is under maxmemory, or has been brought under it. */
        ENOUGH,
        /** Some data was evicted, memory is still over: the store goes ahead, the next ones evict more. */
        PARTLY,
        /** Over maxmemory with nothing on this shard left to evict: memcached's out of memory. */
        NONE
    }

    /** Sets who counts evicted items (memcached's eviction statistics), told before each goes; set before the shard runs. */
    public void onEvicted(Consumer<Entry> counter) {
        evicted = counter;
    }

    /**
     * Makes room for a memcached store: while used_memory is over maxmemory, this shard's least
     * recently used items go; when none is left, RESP keys go by maxmemory-policy (none under
     * noeviction), so that the two share the budget whichever side filled it. When this shard has
     * nothing left that may go but others have, the store goes ahead and a run frees memory there
     * ({@link Eviction#runForItems}): used_memory overshoots by the stores made meanwhile.
     */
    public Room makeRoom() {
        Engine engine = shard.engine;
        if (!engine.overMaxMemory()) {
            return Room.ENOUGH;
        }
        for (int n = 0; n < MAX_PER_STORE; n++) {
            if (!evictOne() && !Eviction.evictHere(shard)) {
                if (n > 0) {
                    return Room.PARTLY;
                }
                if (!evictableElsewhere(engine)) {
                    return Room.NONE;
                }
                Eviction.runForItems(engine);
                return Room.PARTLY;
            }
            if (!engine.overMaxMemory()) {
                return Room.ENOUGH;
            }
        }
        return Room.PARTLY;
    }

    /** Whether another shard holds items, or RESP keys the policy may evict (an instant's counts). */
    private static boolean evictableElsewhere(Engine engine) {
        Eviction.Policy policy = engine.evictionPolicy();
        for (Shard s : engine.shards()) {
            if (s.keys(s.databases()) > 0) {
                return true;
            }
            for (int db = 0; policy != Eviction.Policy.NOEVICTION && db < s.databases(); db++) {
                if ((policy.allKeys() ? s.keys(db) : s.expires(db)) > 0) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Evicts this shard's least recently used item; false when it holds none. */
    boolean evictOne() {
        Entry victim = pick(shard.databases());
        if (victim == null) {
            return false;
        }
        evicted.accept(victim);
        shard.memcached().reclaim(victim);
        return true;
    }

    /** The least recently used item among the samples and the pool (Redis's evictionPoolPopulate), or null. */
    private Entry pick(int db) {
        Db d = shard.db(db);
        int samples = Math.max(1, shard.engine.evictionSamples());
        for (int attempt = 0; attempt < 2 * EvictionPool.SIZE + 1; attempt++) {
            if (d.size() == 0) {
                pool.clear();
                return null;
            }
            for (int i = 0; i < samples; i++) {
                Entry e = d.randomEntry(shard.random);
                if (e != null) {
                    pool.offer(db, e.key, score(e));
                }
            }
            for (int slot = pool.best(); slot >= 0; slot = pool.best()) {
                byte[] key = pool.key(slot);
                pool.remove(slot);
                Entry e = d.find(key);
                if (e != null) {
                    return e;
                }
            }
        }
        return null;
    }
}
