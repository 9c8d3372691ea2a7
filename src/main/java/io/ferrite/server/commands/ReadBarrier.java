package io.ferrite.server.commands;

import io.ferrite.engine.Engine;
import io.ferrite.engine.Shard;
import io.ferrite.engine.command.Call;
import io.ferrite.engine.command.CommandHandler;
import io.ferrite.engine.command.OutsideWork;
import io.ferrite.server.Server;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Waits until every loop has run a task queued now, three times over, so that what had reached
 * the server when a command was asked has been dealt with as Redis, on one thread, would have dealt
 * with it before running the command: the first round lets each loop read its ready input (a loop
 * runs its tasks after the input epoll reported with them), the second runs the commands that
 * input handed to other shards, the third writes their replies back (output buffer limits, client
 * eviction). Loops run tasks in the order queued, so each round covers what the previous one queued.
 * CLIENT LIST waits for it, so the clients it shows are as they stand after what was sent before it.
 */
final class ReadBarrier implements OutsideWork {
    private static final int ROUNDS = 3;

    private final Engine engine;

    ReadBarrier(Engine engine) {
        this.engine = engine;
    }

    /**
     * Runs {@code then} once the barrier is passed: the handler of an awaiting command, called a
     * first time to hand the barrier over and a second time to answer. Inside MULTI or a script
     * (which may not wait) it answers at once.
     */
    static void thenRun(Call c, CommandHandler then) {
        if (c.awaited() == null && c.mayBlock()) {
            c.awaitOutside(new ReadBarrier(Server.of(c).engine()));
            return;
        }
        then.execute(c);
    }

    @Override
    public void start(Runnable done) {
        round(engine.shards(), ROUNDS, done);
    }

    private static void round(Shard[] shards, int left, Runnable done) {
        if (left == 0) {
            done.run();
            return;
        }
        AtomicInteger pending = new AtomicInteger(shards.length);
        for (Shard s : shards) {
            s.loop.execute(() -> {
                if (pending.decrementAndGet() == 0) {
                    round(shards, left - 1, done);
                }
            });
        }
    }
}
