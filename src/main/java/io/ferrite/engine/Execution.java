package io.ferrite.engine;

import io.ferrite.common.Log;
import io.ferrite.engine.command.Blockable;
import io.ferrite.engine.command.Call;
import io.ferrite.reply.Reply;
import io.ferrite.store.BytesKey;
import io.netty.buffer.ByteBuf;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.function.IntPredicate;
import java.util.function.Predicate;

/**
 * The engine's one way to run commands. Its static half is Redis's call(), what every run of a
 * handler does wherever it runs: fix the shard's clock, mark the writer (NOLOOP), open the
 * command's effects unit, run the handler with any failure turned into an error reply, remember
 * tracked keys, time it and count it (commandstats, latency histograms, SLOWLOG, MONITOR). Its
 * instances are the strategies, which decide only where calls run and what they hold, and share
 * what every execution away from the connection's own shard needs: the reply buffer handed back
 * to the session, and holds taken in ascending shard order (so no two executions wait on each
 * other). As Dragonfly's Transaction, in pseudo-code:
 * <pre>
 * Dispatcher.process(request)      checks (arity, auth, OOM, pause, MULTI ...), picks a strategy:
 *   Inline      keys on the connection's own free shard (with the requests squashed behind it):
 *                 call(c, home) for each, replies in the session's own buffer, no hold
 *   Hop         one call on another shard (or this one while held), nothing pipelined behind it:
 *                 on the shard: call() into the execution's buffer -> resume
 *   ShardBatch  pipelined single-shard requests over one or several other shards (Squasher):
 *                 holdInOrder(shards, their keys) -> on each shard: call() its share
 *                 -> releaseHolds -> stitch the shares in request order -> resume
 *   StagedChain a multi-key command over several shards (or several, squashed):
 *                 holdInOrder(shards, their keys) -> on each: detach its entries
 *                 -> on the last: callGathered() each -> on each: attach, release -> resume
 *   AtomicRun   EXEC, atomic whole-keyspace commands, calls reaching keys they do not name:
 *                 holdInOrder(shards, whole) -> per call: call() on its held shard, callGathered(),
 *                 or part() on every shard then combined() -> effects as one unit -> release -> resume
 *   FanOut      whole-keyspace reads (SCAN, DBSIZE ...): part() on every shard, no hold, combined()
 *   WatchRun    WATCH: each key's shard records it, OK once all have
 *   OutsideWait a command waiting for work outside the engine (MIGRATE): a Hop or StagedChain
 *                 runs its first step, the work runs with nothing held, a second one ends it
 *   BlockedClient, when data arrives: serve() on the key's shard, or a StagedChain serving it;
 *                 unblocked() when the wait ends
 * </pre>
 */
abstract class Execution {
    final Engine engine;
    final Session session;
    final Client client;
    private ByteBuf out;
    private Reply reply;

    Execution(Engine engine, Session session) {
        this.engine = engine;
        this.session = session;
        this.client = session.client();
    }

    /** Starts the execution; its reply comes to the session through {@link #resume}. */
    abstract void start();

    // ------------------------------------------------------------------ the reply

    /** The execution's reply writer, over a buffer of its own (the session's is written on its own thread only). */
    final Reply reply() {
        if (reply == null) {
            reply = new Reply(out(), client.resp, session.reply().listener());
        }
        return reply;
    }

    final ByteBuf out() {
        if (out == null) {
            out = session.newBuffer();
        }
        return out;
    }

    /** A further reply writer over a buffer of its own (a share of a batch). */
    final Reply extraReply(ByteBuf buf) {
        return new Reply(buf, client.resp, session.reply().listener());
    }

    /** From any thread: the session goes on with the reply. */
    final void resume() {
        ByteBuf b = out();
        session.execute(() -> session.resume(b));
    }

    /** On the session's own thread: the session goes on with the reply. */
    final void resumeHere() {
        session.resume(out());
    }

    /** The reply is not the session's (a client that blocked, or went away): the buffer goes. */
    final void dropReply() {
        if (out != null) {
            out.release();
            out = null;
            reply = null;
        }
    }

    // ------------------------------------------------------------------ holds

    /**
     * Holds {@code shards[i..]} one after another in ascending order, running {@code onHeld} on
     * each shard's thread as soon as it is held, then {@code afterAll} on the last one's; when
     * {@code onHeld} answers false (it failed and ended the execution), no further shard is held. With
     * {@code keys} (one collection per shard) only those keys are held, so executions over
     * disjoint keys pass through the shards together ({@link Shard#acquireKeys}); without, each
     * shard is held whole.
     */
    final void holdInOrder(Shard[] shards, List<? extends Collection<BytesKey>> keys, int i, IntPredicate onHeld,
                           Runnable afterAll) {
        Runnable granted = () -> {
            if (!onHeld.test(i)) {
                return;
            }
            if (i + 1 < shards.length) {
                holdInOrder(shards, keys, i + 1, onHeld, afterAll);
            } else {
                afterAll.run();
            }
        };
        if (keys != null) {
            shards[i].acquireKeys(keys.get(i), granted);
        } else {
            shards[i].acquire(this, granted);
        }
    }

    /** Ends the hold on shard {@code i} of {@link #holdInOrder}, running {@code lastStep} there first. */
    final void release(Shard[] shards, List<? extends Collection<BytesKey>> keys, int i, Runnable lastStep) {
        if (keys != null) {
            shards[i].releaseKeys(keys.get(i), lastStep);
        } else {
            if (lastStep != NOTHING) {
                shards[i].runHeld(this, lastStep);
            }
            shards[i].release(this);
        }
    }

    static final Runnable NOTHING = () -> { };

    // ------------------------------------------------------------------ Redis's call()

    /** Test-only fault injection: a call it accepts fails in its handler as an Error would. Null (off) outside tests. */
    static volatile Predicate<Call> faultForTests;

    /**
     * Runs a call on {@code shard}'s thread against the shard's own data ({@code call.ks()} and
     * {@code call.reply()} set), starting at monotonic time {@code t0}; returns when it ended. A batch
     * passes one command's end as the next one's start, so a command costs one clock read, not
     * three (its wall clock comes from the same reading, see {@link Shard#beginCommandAt}).
     */
    static long call(Call call, Shard shard, long t0) {
        shard.beginCommandAt(t0);
        int errorsBefore = call.reply().errorCount();
        shard.writer = call.client;
        guarded(call);
        shard.writer = null;
        if (call.tracked()) {
            remember(call, shard, null);
        }
        long t1 = System.nanoTime();
        record(call, shard, t0, t1, errorsBefore);
        shard.serveBlocked();
        return t1;
    }

    /**
     * Runs a call against entries gathered from several held shards ({@code call.ks()} set), on
     * whichever thread holds them; counted on {@code counted}. Tracked keys are remembered when
     * the entries go back ({@link #remember}).
     */
    static void callGathered(Call call, Shard counted) {
        long t0 = System.nanoTime();
        int errorsBefore = call.reply().errorCount();
        try {
            guarded(call);
        } finally {
            record(call, counted, t0, System.nanoTime(), errorsBefore);
        }
    }

    /** A whole-keyspace command's part on {@code s} (on its thread); a failure travels back as the part itself. */
    static Object part(Call call, Shard s, int db) {
        s.beginCommand();
        try {
            return call.command.sharded().onShard(call, s.view(db));
        } catch (Throwable e) {
            logFailure(call, e);
            return e;
        }
    }

    /** Combines the shards' parts into the reply, propagates a write that succeeded, and counts the call on {@code counted}. */
    static void combined(Call call, Shard counted, Object[] parts) {
        long t0 = System.nanoTime();
        int errorsBefore = call.reply().errorCount();
        combine(call, parts);
        Propagation.afterCombined(call, counted.engine.feed(), errorsBefore);
        record(call, counted, t0, System.nanoTime(), errorsBefore);
    }

    private static void combine(Call call, Object[] parts) {
        for (Object p : parts) {
            if (p instanceof Throwable) {
                call.reply().error(internalError(call));
                return;
            }
        }
        try {
            call.command.sharded().reply(call, Arrays.asList(parts));
        } catch (Throwable e) {
            failed(call, e);
        }
    }

    /**
     * A blocked call offered {@code key} ({@code call.ks()} and {@code call.reply()} set): true when it
     * took it and replied. Served later, it propagates as Redis propagates it then (BLPOP as LPOP).
     */
    static boolean serve(Call call, Blockable how, byte[] key) {
        Propagation propagation = Propagation.begin(call);
        boolean served;
        try {
            served = how.serve(call, key);
        } catch (Throwable e) {
            failed(call, e);
            served = true;
        }
        if (propagation != null) {
            propagation.end(call);
        }
        return served;
    }

    /**
     * A blocked call's wait ended, on its home shard's thread (Redis's updateStatsOnUnblock):
     * CLIENT UNBLOCK and a serve that replied an error count as failed calls; the call itself was
     * counted when it blocked.
     */
    static void unblocked(Call call, Shard home, boolean failed) {
        if (failed) {
            home.stats.failed[call.command.id()]++;
        }
        call.server.observer().afterUnblock(call, home.stats);
    }

    /** A command the engine answers itself (MULTI, EXEC, WATCH ...): counted and shown to MONITOR. */
    static void answered(Call call) {
        call.server.observer().afterEngineCommand(call, call.client.home.stats);
    }

    /** Redis's trackingRememberKeys: the command's keys owned by {@code shard} (all of them when {@code engine} is null). */
    static void remember(Call call, Shard shard, Engine engine) {
        call.command.keyPositions(call.args, call.args.length, pos -> {
            byte[] key = call.args[pos];
            if (engine == null || engine.shardOf(key) == shard) {
                shard.tracking.remember(key, call.client);
            }
        });
    }

    /**
     * Runs the handler; anything it throws, an {@link Error} too (out of heap or direct memory),
     * must not leave the client without a reply or a shard held, so it becomes an error reply
     * and a log line, and the command's holds end as usual.
     */
    private static void guarded(Call call) {
        Propagation propagation = Propagation.begin(call);
        try {
            Predicate<Call> fault = faultForTests;
            if (fault != null && fault.test(call)) {
                throw new OutOfMemoryError("fault injected by a test");
            }
            call.command.handler().execute(call);
        } catch (Throwable e) {
            failed(call, e);
        }
        if (propagation != null) {
            propagation.end(call);
        }
    }

    private static void record(Call call, Shard shard, long t0, long t1, int errorsBefore) {
        if (call.awaitingOutside()) {
            // the first step of a call that waits for outside work: counted once, when it ends
            return;
        }
        int id = call.command.id();
        long nanos = t1 - t0;
        ShardStats s = shard.stats;
        s.calls[id]++;
        s.micros[id] += nanos / 1000;
        s.commandsProcessed++;
        if (call.reply().errorCount() > errorsBefore) {
            s.failed[id]++;
        }
        call.server.observer().afterCall(call, s, nanos);
    }

    /** Logs a failure of {@code call} and answers it with Redis-like "-ERR internal error ...". */
    static void failed(Call call, Throwable e) {
        logFailure(call, e);
        call.reply().error(internalError(call));
    }

    private static void logFailure(Call call, Throwable e) {
        Log.warning("Internal error running '" + call.command.fullName() + "': " + e);
    }

    static String internalError(Call call) {
        return "ERR internal error running '" + call.command.fullName() + "'";
    }
}
