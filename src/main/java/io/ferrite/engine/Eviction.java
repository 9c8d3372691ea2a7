package io.ferrite.engine;

import io.ferrite.store.Db;
import io.ferrite.store.Entry;

import java.util.Locale;

/**
 * maxmemory's eviction (Redis's performEvictions): while used_memory is over maxmemory, keys are
 * removed by the policy, each as a modification (WATCH, an invalidation for tracking clients) with
 * an "evicted" keyspace event. A run visits the shards in turn, each removing a few keys of its
 * own on its own thread, so the keys removed spread over the shards as over Redis's one keyspace;
 * it ends when memory is under the limit or a whole pass found nothing to remove. LRU, LFU and
 * TTL policies pick through each shard's {@link EvictionPool}, as Redis does. With
 * maxmemory-admission tinylfu the victim picked first meets the shard's oldest newcomer
 * ({@link Admission}), and the less frequent of the two goes.
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

        boolean allKeys() {
            return this == ALLKEYS_LRU || this == ALLKEYS_LFU || this == ALLKEYS_RANDOM;
        }

        boolean volatileOnly() {
            return this == VOLATILE_LRU || this == VOLATILE_LFU || this == VOLATILE_RANDOM || this == VOLATILE_TTL;
        }

        /** Whether entries keep LFU counters under this policy (MAXMEMORY_FLAG_LFU). */
        public boolean lfu() {
            return this == ALLKEYS_LFU || this == VOLATILE_LFU;
        }
    }

    /** Keys a shard removes per visit before passing the run on (Redis checks its time limit every 16 keys too). */
    private static final int PER_VISIT = 16;

    private final Engine engine;
    private Runnable done;
    private final Shard[] shards;
    /** The time this run may spend evicting before it lets the waiting command go (Long.MAX_VALUE: no limit). */
    private final long limitNanos;
    /** Time spent evicting so far, on the shards: hand-offs between shards do not count, as Redis has none. */
    private long workNanos;
    private int next;
    /** Shards visited so far: a pass ends every shards.length visits. */
    private int visited;
    /** A run for a memcached store: memcached items go whatever the policy (memcached always evicts). */
    private final boolean items;
    private boolean freedThisPass;
    /** This run carries on in the background after its time limit (Redis's evictionTimeProc). */
    private boolean background;

    private Eviction(Engine engine, Runnable done, boolean items) {
        this.engine = engine;
        this.done = done;
        this.items = items;
        this.shards = engine.shards();
        this.next = engine.admission() ? mostNewcomers(shards) : fullest(shards);
        long limit = timeLimitMicros(engine.evictionTenacity());
        this.limitNanos = limit == Long.MAX_VALUE ? Long.MAX_VALUE : limit * 1000;
    }

    /**
     * Evicts until used_memory is under maxmemory or nothing is left to evict; then runs {@code done}
     * (on a shard thread). A run that passes maxmemory-eviction-tenacity's time limit releases
     * {@code done} early and carries on in the background, as Redis's evictionTimeProc does: the
     * command waiting for it then runs instead of being refused.
     */
    public static void run(Engine engine, Runnable done) {
        engine.evictionStarted();
        new Eviction(engine, done, false).visit();
    }

    /**
     * For a memcached store over maxmemory on a shard with nothing of its own left to evict: the
     * store goes ahead and this run frees memory on the other shards, memcached items first (as
     * memcached evicts whatever Redis's policy says), then RESP keys by the policy. One at a time.
     */
    static void runForItems(Engine engine) {
        if (engine.itemEvictionRunning.compareAndSet(false, true)) {
            engine.evictionStarted();
            new Eviction(engine, () -> engine.itemEvictionRunning.set(false), true).visit();
        }
    }

    /**
     * The shard holding the most data: a run starts there, so that the keys it removes come from
     * the fullest slices first instead of always draining shard 0 (an instant's figures, read from
     * other threads, are enough for that).
     */
    private static int fullest(Shard[] shards) {
        int best = 0;
        for (int i = 1; i < shards.length; i++) {
            if (shards[i].memory() > shards[best].memory()) {
                best = i;
            }
        }
        return best;
    }

    /**
     * With admission, the shard where most newcomers wait for their contest (the fullest when none
     * waits): a newcomer can only meet a victim of its own shard, and a run usually frees what one
     * command needs on the shard it starts at.
     */
    private static int mostNewcomers(Shard[] shards) {
        int best = -1;
        int most = 0;
        for (int i = 0; i < shards.length; i++) {
            if (shards[i].newcomersWaiting > most) {
                most = shards[i].newcomersWaiting;
                best = i;
            }
        }
        return best >= 0 ? best : fullest(shards);
    }

    /**
     * Redis's evictionTimeLimitUs: tenacity 0 to 10 gives 0 to 500 microseconds in steps of 50,
     * then 15% more per step up to about two minutes at 99; 100 has no limit.
     */
    static long timeLimitMicros(int tenacity) {
        if (tenacity <= 10) {
            return 50L * tenacity;
        }
        if (tenacity < 100) {
            return (long) (500.0 * Math.pow(1.15, tenacity - 10.0));
        }
        return Long.MAX_VALUE;
    }

    private void finish() {
        if (!engine.overMaxMemory()) {
            engine.evictionEnded();
        }
        if (background) {
            engine.backgroundEviction(false);
        }
        Runnable d = done;
        done = null;
        if (d != null) {
            d.run();
        }
    }

    private void visit() {
        Shard s = shards[next];
        s.run(() -> {
            if (!engine.overMaxMemory() || (!items && engine.evictionPolicy() == Policy.NOEVICTION)) {
                finish();
                return;
            }
            long started = System.nanoTime();
            for (int i = 0; i < PER_VISIT && engine.overMaxMemory(); i++) {
                if (!evictOneHere(s)) {
                    break;
                }
                freedThisPass = true;
            }
            workNanos += System.nanoTime() - started;
            next = (next + 1) % shards.length;
            if (++visited % shards.length == 0) {
                if (!freedThisPass || !engine.overMaxMemory()) {
                    finish();
                    return;
                }
                freedThisPass = false;
            }
            if (done != null && workNanos > limitNanos && engine.overMaxMemory()) {
                // out of time: the waiting command goes on, the eviction continues in the background
                // (or, when another run already does so, that one carries on for both)
                Runnable d = done;
                done = null;
                background = engine.backgroundEviction(true);
                d.run();
                if (!background) {
                    return;
                }
            }
            visit();
        });
    }

    /**
     * One key or item of {@code s}: a RESP key by the policy, then under an allkeys policy a
     * memcached item; in a run for memcached, items first, then RESP keys by the policy.
     */
    private boolean evictOneHere(Shard s) {
        if (items) {
            return s.itemEviction().evictOne() || evictHere(s);
        }
        return evictHere(s) || (engine.evictionPolicy().allKeys() && s.itemEviction().evictOne());
    }

    /**
     * Removes one RESP key of {@code s} by the policy, on its thread; false when the shard has none
     * it may remove. Under an allkeys policy a run that finds none here takes memcached items
     * instead (least recently used first), and a memcached store that finds no item to evict comes
     * here: RESP keys and memcached items share maxmemory, whichever side filled it.
     */
    static boolean evictHere(Shard s) {
        Policy policy = s.engine.evictionPolicy();
        if (policy == Policy.NOEVICTION) {
            return false;
        }
        if (policy == Policy.ALLKEYS_RANDOM || policy == Policy.VOLATILE_RANDOM) {
            return evictRandom(s, policy);
        }
        EvictionPool pool = s.evictionPool;
        boolean vol = policy.volatileOnly();
        // as Redis: refill from every database, then take the best candidate that still exists
        for (int attempt = 0; attempt < 2 * EvictionPool.SIZE + 1; attempt++) {
            boolean any = false;
            for (int db = 0; db < s.databases(); db++) {
                Db d = s.db(db);
                if ((vol ? d.expiresCount() : d.size()) > 0) {
                    any = true;
                    populate(s, pool, db, d, policy);
                }
            }
            if (!any) {
                return false;
            }
            for (int slot = pool.best(); slot >= 0; slot = pool.best()) {
                byte[] key = pool.key(slot);
                int db = pool.db(slot);
                Entry e = s.db(db).find(key);
                if (e == null || (vol && !e.hasExpiry())) {
                    pool.remove(slot);
                    continue;
                }
                // with admission a newcomer may go instead; the victim then stays in the pool
                if (!newcomerEvictedInstead(s, e, vol)) {
                    pool.remove(slot);
                    s.view(db).evict(e);
                }
                return true;
            }
        }
        return false;
    }

    /** maxmemory-admission: the window's oldest newcomer meets the victim and, if less frequent, goes instead. */
    private static boolean newcomerEvictedInstead(Shard s, Entry victim, boolean volatileOnly) {
        Admission admission = s.admission();
        return admission != null && admission.evictedNewcomerInstead(victim, volatileOnly);
    }

    private static void populate(Shard s, EvictionPool pool, int db, Db d, Policy policy) {
        boolean vol = policy.volatileOnly();
        int samples = Math.max(1, s.engine.evictionSamples());
        AccessTracking access = s.engine.access();
        for (int i = 0; i < samples; i++) {
            Entry e = vol ? d.randomExpiring(s.random) : d.randomEntry(s.random);
            if (e == null) {
                continue;
            }
            pool.offer(db, e.key, score(policy, access, e, s.now));
        }
    }

    /** How strongly the policy wants {@code e} gone: the sooner expiry (TTL), the longer idle (LRU), the fewer accesses (LFU). */
    private static long score(Policy policy, AccessTracking access, Entry e, long now) {
        if (policy == Policy.VOLATILE_TTL) {
            return Long.MAX_VALUE - e.expireAt();
        }
        return access.evictionScore(e.lru(), now);
    }

    private static boolean evictRandom(Shard s, Policy policy) {
        int dbs = s.databases();
        int start = s.random.nextInt(dbs);
        for (int k = 0; k < dbs; k++) {
            int db = (start + k) % dbs;
            Db d = s.db(db);
            Entry victim = policy.volatileOnly() ? d.randomExpiring(s.random) : d.randomEntry(s.random);
            if (victim != null) {
                if (!newcomerEvictedInstead(s, victim, policy.volatileOnly())) {
                    s.view(db).evict(victim);
                }
                return true;
            }
        }
        return false;
    }
}
