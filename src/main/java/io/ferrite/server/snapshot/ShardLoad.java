package io.ferrite.server.snapshot;

import io.ferrite.engine.StagedLoad;
import io.ferrite.engine.AccessTracking;
import io.ferrite.engine.LruClock;
import io.ferrite.engine.Shard;
import io.ferrite.engine.ShardKeyspace;
import io.ferrite.persistence.snapshot.RdbLoadException;
import io.ferrite.store.Entry;

import java.nio.charset.StandardCharsets;

/**
 * Adds loaded keys to one shard, on that shard's thread. A key the database already holds is a
 * fault of the file (Redis's "RDB has duplicated key"), unless merging, where the file's value
 * replaces it (DEBUG RELOAD MERGE).
 */
final class ShardLoad {
    private ShardLoad() {
    }

    static void add(Shard shard, LoadedKey k, boolean lfu, boolean merge) throws RdbLoadException {
        ShardKeyspace ks = shard.view(k.db());
        Entry old = ks.findStored(k.key());
        Entry e;
        if (old != null) {
            if (!merge) {
                throw new RdbLoadException("RDB has duplicated key '" + new String(k.key(), StandardCharsets.ISO_8859_1)
                    + "' in DB " + k.db());
            }
            ks.replace(old, k.value().type(), k.value().value(), k.value().encoding());
            if (k.expireAt() != -1 || old.hasExpiry()) {
                ks.expire(old, k.expireAt() == -1 ? Entry.NO_EXPIRY : k.expireAt());
            }
            e = old;
        } else {
            e = ks.add(k.key(), k.value().type(), k.value().value(), k.value().encoding());
            if (k.expireAt() != -1) {
                ks.expire(e, k.expireAt());
            }
        }
        lastAccess(e, k, lfu, ks.now());
    }

    /** As {@link #add}, into the shard's swapdb load ({@link io.ferrite.engine.StagedLoad}) rather than its live databases. */
    static void addStaged(Shard shard, LoadedKey k, boolean lfu) throws RdbLoadException {
        long now = System.currentTimeMillis();
        StagedLoad staged = shard.staged();
        Entry e = staged.add(k.db(), k.key(), k.value().type(), k.value().value(), k.value().encoding(), now);
        if (e == null) {
            throw new RdbLoadException("RDB has duplicated key '" + new String(k.key(), StandardCharsets.ISO_8859_1)
                + "' in DB " + k.db());
        }
        if (k.expireAt() != -1) {
            staged.expire(k.db(), e, k.expireAt());
        }
        lastAccess(e, k, lfu, now);
    }

    /**
     * Redis's objectSetLRUOrLFU after rdbLoad adds a key: under an LFU policy the file's counter
     * with the current minute as its decay time; otherwise the LRU clock set back by the idle
     * seconds, on the wrapping 24-bit clock. What the policy does not use is dropped, as in Redis.
     */
    private static void lastAccess(Entry e, LoadedKey k, boolean lfu, long nowMillis) {
        if (lfu) {
            if (k.lfuFreq() >= 0) {
                e.lru(AccessTracking.withCounter(k.lfuFreq(), nowMillis));
            }
        } else if (k.lruIdle() >= 0) {
            long at = LruClock.at(nowMillis) - k.lruIdle();
            if (at < 0) {
                at += LruClock.MAX;
            }
            e.lru((int) (at & LruClock.MAX));
        }
    }
}
