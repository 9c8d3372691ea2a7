package io.ferrite.engine;

import io.ferrite.store.BytesKey;
import io.ferrite.store.Db;
import io.ferrite.store.Entry;

import java.util.concurrent.TimeUnit;

/**
 * Redis's active expiry (expire.c, activeExpireCycle, slow cycle): every 1/hz seconds each shard
 * samples 20 keys with a TTL per database, deletes the expired ones, and repeats while more than
 * 10% of a sample had expired, within 25% of the period. Keys nobody reads are still reclaimed,
 * and a shard with many expired keys converges quickly without stalling its clients.
 */
public final class ExpiryCycle implements Runnable {
    private static final int KEYS_PER_LOOP = 20;
    private static final int ACCEPTABLE_STALE_PERCENT = 10;
    private static final int TIME_PERCENT = 25;

    private final Shard shard;
    private final java.util.function.IntSupplier hz;
    private final java.util.function.LongSupplier latencyThreshold;
    private volatile boolean enabled = true;
    private volatile boolean paused;

    public ExpiryCycle(Shard shard, java.util.function.IntSupplier hz) {
        this(shard, hz, () -> 0);
    }

    /** {@code latencyThreshold}: latency-monitor-threshold (ms); a slower cycle is an "expire-cycle" latency sample. */
    public ExpiryCycle(Shard shard, java.util.function.IntSupplier hz, java.util.function.LongSupplier latencyThreshold) {
        this.shard = shard;
        this.hz = hz;
        this.latencyThreshold = latencyThreshold;
    }

    public void start() {
        schedule();
    }

    public void enabled(boolean on) {
        enabled = on;
    }

    /** DEBUG PAUSE-CRON: the cycle only keeps the clock fresh. */
    public void paused(boolean on) {
        paused = on;
    }

    private void schedule() {
        if (shard.loop.isShuttingDown()) {
            return;
        }
        shard.loop.schedule(() -> {
            try {
                run();
            } finally {
                schedule();
            }
        }, 1000 / Math.max(1, hz.getAsInt()), TimeUnit.MILLISECONDS);
    }

    /**
     * Redis's expireSlaveKeys: each key a writable replica's clients gave a TTL is looked at; one
     * whose time passed is deleted, one gone, persisted or overwritten without a TTL is forgotten.
     * Bounded by the cycle's time budget (checked every 64 keys, as Redis does).
     */
    private void expireOwnKeysOnReplica() {
        java.util.Set<BytesKey> tracked = shard.ownExpiresOnReplica;
        if (tracked.isEmpty()) {
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1);
        long now = System.currentTimeMillis();
        int seen = 0;
        for (var it = tracked.iterator(); it.hasNext(); ) {
            BytesKey k = it.next();
            Entry e = k.db() < shard.allDatabases() ? shard.db(k.db()).find(k.bytes()) : null;
            if (e == null || !e.hasExpiry()) {
                it.remove();
            } else if (e.expireAt() < now) {
                shard.view(k.db()).expireUnread(e);
                it.remove();
            }
            if (++seen % 64 == 0 && System.nanoTime() > deadline) {
                break;
            }
        }
        shard.ownExpiresTracked = tracked.size();
    }

    @Override
    public void run() {
        // keeps the shard's clock fresh between commands (idle connections read it) and anchored;
        // a held shard's clock is its holder's (a script keeps one clock for its whole run)
        if (!shard.held()) {
            shard.syncClock();
        }
        // a held shard's entries may be out with a cross-shard command; try next period
        // nor while clients are paused: Redis keeps the dataset constant then
        // nor on a replica: its keys go only when the master's DEL comes (Redis runs activeExpireCycle only if iAmMaster)
        if (!enabled || paused || shard.held() || shard.engine.clientPause().active() || shard.engine.loading()) {
            return;
        }
        if (shard.engine.replica()) {
            // a replica's keys go when the master's DEL comes (Redis runs activeExpireCycle only if
            // iAmMaster), except those its own clients gave a TTL (expireSlaveKeys)
            expireOwnKeysOnReplica();
            return;
        }
        long start = System.nanoTime();
        long budget = TimeUnit.MILLISECONDS.toNanos(1000L / Math.max(1, hz.getAsInt())) * TIME_PERCENT / 100;
        long sampled = 0;
        long expired = 0;
        long[] avgTtl = shard.stats.avgTtl;
        if (avgTtl.length != shard.allDatabases()) {
            avgTtl = new long[shard.allDatabases()];
            shard.stats.avgTtl = avgTtl;
        }
        for (int i = 0; i < shard.allDatabases(); i++) {
            Db db = shard.db(i);
            ShardKeyspace view = shard.view(i);
            if (db.expiresCount() == 0) {
                avgTtl[i] = 0;
            }
            while (db.expiresCount() > 0) {
                long now = System.currentTimeMillis();
                int n = Math.min(KEYS_PER_LOOP, db.expiresCount());
                int found = 0;
                long ttlSum = 0;
                int ttlSamples = 0;
                for (int k = 0; k < n; k++) {
                    Entry e = db.randomExpiring(shard.random);
                    if (e != null && e.expireAt() < now) {
                        view.expireUnread(e);
                        found++;
                    } else if (e != null) {
                        ttlSum += e.expireAt() - now;
                        ttlSamples++;
                    }
                }
                if (ttlSamples > 0) {
                    // Redis's running estimate: each sample's mean moves the average by 2%
                    long mean = ttlSum / ttlSamples;
                    avgTtl[i] = avgTtl[i] == 0 ? mean : avgTtl[i] / 50 * 49 + mean / 50;
                }
                sampled += n;
                expired += found;
                if (found * 100 <= n * ACCEPTABLE_STALE_PERCENT || System.nanoTime() - start > budget) {
                    break;
                }
            }
            if (System.nanoTime() - start > budget) {
                // Redis's expired_time_cap_reached_count: the cycle stopped on its time limit
                shard.stats.expiredTimeCapReached++;
                break;
            }
        }
        if (sampled > 0) {
            shard.stats.expiredStalePerc = expired * 100 / sampled;
        }
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        shard.stats.expireCycleCpuMillis += ms;
        long threshold = latencyThreshold.getAsLong();
        if (threshold > 0 && ms >= threshold) {
            shard.stats.latencyEvents.add("expire-cycle", System.currentTimeMillis() / 1000, ms);
        }
    }
}
