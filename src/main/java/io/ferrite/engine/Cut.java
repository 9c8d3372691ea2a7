package io.ferrite.engine;

import io.ferrite.common.Log;

import java.util.function.Consumer;

/**
 * One instant across every shard, taken from any thread with no client behind it (a background
 * save when a save point fires): each shard is held in ascending order and {@code onEach} runs on
 * its thread as soon as it is held; once the last is held every hold ends and {@code afterAll}
 * runs. Holding all at once is what makes the instant one: a shard done early stays held until
 * the last is reached, so no change on it can come after one that the later shards include.
 */
public final class Cut {
    private Cut() {
    }

    public static void take(Engine engine, Consumer<Shard> onEach, Runnable afterAll) {
        Shard[] shards = engine.shards();
        Object holder = new Object();
        hold(shards, 0, holder, onEach, () -> {
            for (Shard s : shards) {
                s.release(holder);
            }
            afterAll.run();
        });
    }

    private static void hold(Shard[] shards, int i, Object holder, Consumer<Shard> onEach, Runnable done) {
        shards[i].acquire(holder, () -> {
            try {
                onEach.accept(shards[i]);
            } catch (RuntimeException e) {
                // the holds must end whatever happens, or every shard stops for good
                Log.warning("Error at a snapshot's cut on shard " + shards[i].id + ": " + e);
            }
            if (i + 1 < shards.length) {
                hold(shards, i + 1, holder, onEach, done);
            } else {
                done.run();
            }
        });
    }
}
