package io.ferrite.engine;

import io.ferrite.store.Db;
import io.ferrite.store.Entry;

import java.util.Locale;

/**
 * maxmemory's eviction (Redis's performEvictions): while used_memory is over maxmemory, keys are
 * removed by the policy, each as a modification (WATCH, an invalidation for tracking clients) with
 * an "evicted" keyspace event. A run visits the shards in turn, each removing a few keys of its
 * own on its own thread, so the keys removed spread over the shards as over Redis's one keyspace;
 * it ends when memory is under the limit or a whole pass found nothing to remove. LRU and TTL
 * policies sample {@code maxmemory-samples} keys per pick, as Redis does (without its pool).
 */
public final class Eviction {
    /** Redis's eight policies. */
    public enum Policy {
        NOEVICTION, ALLKEYS_LRU, VOLATILE_LRU, ALLKEYS_LFU, VOLATILE_LFU, ALLKEYS_RANDOM, VOLATILE_RANDOM, VOLATILE_TTL;

        /** The policy a maxmemory-policy value names, or null for none. */
        public static Policy of(String name) {
            try {
                return valueOf(name.toUpperCase(Locale.ROOT).replace('-', '_'));
            } catch (IllegalArgumentException e) {
                return null;
            }
        }

        boolean volatileOnly() {
            return this == VOLATILE_LRU || this == VOLATILE_LFU || this == VOLATILE_RANDOM || this == VOLATILE_TTL;
        }

        /** Whether entries keep LFU counters under this policy (MAXMEMORY_FLAG_LFU). */
        public boolean lfu() {
            return this == ALLKEYS_LFU || this == VOLATILE_LFU;
        }
    }

    /** Keys a shard removes per visit before passing the run on. */
    private static final int PER_VISIT = 16;

    private final Engine engine;
    private final Runnable done;
    private final Shard[] shards;
    private int next;
    private boolean freedThisPass;

    private Eviction(Engine engine, Runnable done) {
        this.engine = engine;
        this.done = done;
        this.shards = engine.shards();
    }

    /** Evicts until used_memory is under maxmemory or nothing is left to evict; then runs {@code done} (on a shard thread). */
    public static void run(Engine engine, Runnable done) {
        new Eviction(engine, done).visit();
    }

    private void visit() {
        Shard s = shards[next];
        s.run(() -> {
            if (!engine.overMaxMemory() || engine.evictionPolicy() == Policy.NOEVICTION) {
                done.run();
                return;
            }
            for (int i = 0; i < PER_VISIT && engine.overMaxMemory(); i++) {
                if (!evictOne(s)) {
                    break;
                }
                freedThisPass = true;
            }
            next = (next + 1) % shards.length;
            if (next == 0) {
                if (!freedThisPass || !engine.overMaxMemory()) {
                    done.run();
                    return;
                }
                freedThisPass = false;
            }
            visit();
        });
    }

    /** Removes one key of {@code s} by the policy; false when the shard has none it may remove. */
    private boolean evictOne(Shard s) {
        Policy policy = engine.evictionPolicy();
        int dbs = s.databases();
        int start = s.random.nextInt(dbs);
        for (int k = 0; k < dbs; k++) {
            int db = (start + k) % dbs;
            Db d = s.db(db);
            if ((policy.volatileOnly() ? d.expiresCount() : d.size()) == 0) {
                continue;
            }
            Entry victim = pick(s, d, policy);
            if (victim != null) {
                s.view(db).evict(victim);
                return true;
            }
        }
        return false;
    }

    private Entry pick(Shard s, Db d, Policy policy) {
        boolean vol = policy.volatileOnly();
        if (policy == Policy.ALLKEYS_RANDOM || policy == Policy.VOLATILE_RANDOM) {
            return vol ? d.randomExpiring(s.random) : d.randomEntry(s.random);
        }
        Entry best = null;
        int samples = Math.max(1, engine.evictionSamples());
        for (int i = 0; i < samples; i++) {
            Entry e = vol ? d.randomExpiring(s.random) : d.randomEntry(s.random);
            if (e == null) {
                continue;
            }
            if (best == null || better(policy, engine.access(), e, best, s.now)) {
                best = e;
            }
        }
        return best;
    }

    /** Whether {@code a} should go before {@code b}: the sooner expiry (TTL), the longer idle (LRU), the fewer accesses (LFU). */
    private static boolean better(Policy policy, AccessTracking access, Entry a, Entry b, long now) {
        if (policy == Policy.VOLATILE_TTL) {
            return a.expireAt() < b.expireAt();
        }
        return access.evictionScore(a.lru(), now) > access.evictionScore(b.lru(), now);
    }
}
