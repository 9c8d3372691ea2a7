package io.ferrite.engine;

import io.ferrite.common.Log;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Calls that reach keys they do not name (scripts, SORT BY), from every client, run one after
 * another on the script thread under one hold of every shard: the shards are held once for all
 * the runs waiting when the hold is granted (up to {@link #MAX_RUNS_PER_HOLD}), instead of once per
 * run. Each run stays atomic on its own, as Redis runs one script after another on its one thread;
 * holding every shard for each run cost several thread hand-offs per script, which bounded script
 * throughput to a fraction of Redis's. After a batch the shards are released, so the work parked
 * behind the hold runs before the next batch takes them again.
 */
final class AnyKeyQueue {
    /** Runs per hold: a cap, so that other clients' commands wait at most this many scripts. */
    private static final int MAX_RUNS_PER_HOLD = 64;

    private final Engine engine;
    private final Queue<AtomicRun> waiting = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean holding = new AtomicBoolean();

    AnyKeyQueue(Engine engine) {
        this.engine = engine;
    }

    /** From the run's session: the run goes when its turn comes; its reply reaches the session through resume. */
    void submit(AtomicRun run) {
        waiting.add(run);
        startHolding();
    }

    private void startHolding() {
        if (!waiting.isEmpty() && holding.compareAndSet(false, true)) {
            hold(engine.shards(), 0);
        }
    }

    /** Holds every shard, in ascending order as every execution does, then drains on the script thread. */
    private void hold(Shard[] shards, int i) {
        shards[i].acquire(this, () -> {
            if (i + 1 < shards.length) {
                hold(shards, i + 1);
            } else {
                engine.longRuns().execute(this::drain);
            }
        });
    }

    private void drain() {
        try {
            for (int n = 0; n < MAX_RUNS_PER_HOLD; n++) {
                AtomicRun run = waiting.poll();
                if (run == null) {
                    break;
                }
                run.runUnderHold();
            }
        } catch (Throwable t) {
            // runUnderHold ends its own run on failure; this keeps the hold from outliving a bug
            Log.warning("Internal error running a script batch: " + t);
        } finally {
            release();
        }
    }

    /**
     * Ends the hold: shards whose keys became ready go last, in the order their first key became
     * ready (see {@link AtomicRun}), so clients blocked on several are served from the key made
     * ready first. Then the next batch, if runs are waiting, queues for the shards behind the work
     * the hold parked.
     */
    private void release() {
        List<Shard> ready = new ArrayList<>();
        for (Shard s : engine.shards()) {
            if (s.blocks.readySince() == 0) {
                s.release(this);
            } else {
                ready.add(s);
            }
        }
        ready.sort(Comparator.comparingLong(s -> s.blocks.readySince()));
        releaseInTurn(ready, 0);
        holding.set(false);
        startHolding();
    }

    private void releaseInTurn(List<Shard> ready, int i) {
        if (i < ready.size()) {
            ready.get(i).release(this, () -> releaseInTurn(ready, i + 1));
        }
    }
}
