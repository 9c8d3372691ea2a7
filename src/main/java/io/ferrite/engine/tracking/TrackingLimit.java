package io.ferrite.engine.tracking;

import io.ferrite.engine.Session;
import io.ferrite.engine.Shard;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * {@code tracking-table-max-keys} over the tables of all shards together (Redis's
 * trackingLimitUsedSlots): while the tracked keys exceed the limit, random keys are evicted, each
 * sending its invalidation to the clients that read it. 0 means no limit.
 * <p>
 * Redis evicts at most 100 × (n + 1) keys per call, n counting the calls in a row that ended still
 * over the limit, so a lowered limit is reached over a few rounds without one long stall. Here a
 * round shares that effort among the shards in proportion to their keys (a random key of the
 * whole table is on a shard with that probability), runs each share on its shard, and the next
 * round follows on its own until the table fits. One round runs at a time, so two shards never
 * evict for the same excess.
 */
public final class TrackingLimit {
    /** Redis's eviction effort per round, multiplied by the rounds in a row still over the limit. */
    private static final int EFFORT = 100;

    /** The engine's shards (not a copy) and its client lookup, read when a round runs. */
    private final java.util.function.Supplier<Shard[]> shards;
    private final java.util.function.Supplier<java.util.function.LongFunction<Session>> sessions;
    private volatile LongSupplier maxKeys = () -> 0;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();
    /** Rounds in a row that ended over the limit (Redis's timeout_counter); touched by the running round only. */
    private int rounds;

    public TrackingLimit(java.util.function.Supplier<Shard[]> shards,
                         java.util.function.Supplier<java.util.function.LongFunction<Session>> sessions) {
        this.shards = shards;
        this.sessions = sessions;
    }

    /** Where the limit is read: the server points it at tracking-table-max-keys. */
    public void maxKeys(LongSupplier max) {
        this.maxKeys = max;
    }

    /** Starts evicting if the tables are over the limit; callable from any thread (a shard that grew, CONFIG SET). */
    public void check() {
        long max = maxKeys.getAsLong();
        if (max <= 0 || total() <= max) {
            return;
        }
        if (!running.compareAndSet(false, true)) {
            again.set(true);
            return;
        }
        round();
    }

    /** Tracked keys of every shard, each an instant's figure. */
    public long total() {
        long n = 0;
        for (Shard s : shards.get()) {
            n += s.tracking.keys();
        }
        return n;
    }

    private void round() {
        long max = maxKeys.getAsLong();
        Shard[] shards = this.shards.get();
        long[] have = new long[shards.length];
        long total = 0;
        for (int i = 0; i < shards.length; i++) {
            have[i] = shards[i].tracking.keys();
            total += have[i];
        }
        long excess = total - max;
        if (max <= 0 || excess <= 0) {
            rounds = 0;
            finish();
            return;
        }
        long budget = Math.min(excess, (long) EFFORT * (rounds + 1));
        long[] share = new long[shards.length];
        long assigned = 0;
        for (int i = 0; i < shards.length; i++) {
            share[i] = budget * have[i] / total;
            assigned += share[i];
        }
        for (int i = 0; assigned < budget && i < shards.length; i++) {
            long more = Math.min(budget - assigned, have[i] - share[i]);
            share[i] += more;
            assigned += more;
        }
        boolean enough = budget == excess;
        AtomicInteger pending = new AtomicInteger(1);
        for (int i = 0; i < shards.length; i++) {
            if (share[i] > 0) {
                pending.incrementAndGet();
                Shard s = shards[i];
                long n = share[i];
                s.run(() -> {
                    s.tracking.evict(n, sessions.get());
                    if (pending.decrementAndGet() == 0) {
                        next(s, enough);
                    }
                });
            }
        }
        if (pending.decrementAndGet() == 0) {
            next(shards[0], enough);
        }
    }

    /** After a round: another one (on the loop, after the work waiting there) while still over the limit. */
    private void next(Shard on, boolean enough) {
        rounds = enough ? 0 : rounds + 1;
        long max = maxKeys.getAsLong();
        if (max > 0 && total() > max) {
            on.loop.execute(this::round);
            return;
        }
        rounds = 0;
        finish();
    }

    private void finish() {
        running.set(false);
        if (again.getAndSet(false)) {
            check();
        }
    }
}
