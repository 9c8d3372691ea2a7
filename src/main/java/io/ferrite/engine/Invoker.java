package io.ferrite.engine;

import io.ferrite.common.Log;
import io.ferrite.engine.command.Call;

/** Runs a command's handler on the current shard, timing and counting it as Redis's call() does. */
final class Invoker {
    private Invoker() {
    }

    static void invoke(Call call, Shard shard) {
        invokeAt(call, shard, System.nanoTime());
    }

    /**
     * Runs a call that starts at monotonic time {@code t0} and returns when it ended: a batch
     * passes one command's end as the next one's start, so a command costs one clock read, not
     * three (its wall clock comes from the same reading, see {@link Shard#beginCommandAt}).
     */
    static long invokeAt(Call call, Shard shard, long t0) {
        shard.beginCommandAt(t0);
        int errorsBefore = call.reply.errorCount();
        shard.writer = call.client;
        guarded(call);
        shard.writer = null;
        if (call.track) {
            remember(call, shard, null);
        }
        long t1 = System.nanoTime();
        recordBetween(call, shard, t0, t1, errorsBefore);
        shard.serveBlocked();
        return t1;
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
    static void guarded(Call call) {
        Propagation propagation = Propagation.begin(call);
        try {
            java.util.function.Predicate<Call> fault = faultForTests;
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

    /** Test-only fault injection: a call it accepts fails in its handler as an Error would. Null (off) outside tests. */
    static volatile java.util.function.Predicate<Call> faultForTests;

    /** Logs a failure of {@code call} and answers it with Redis-like "-ERR internal error ...". */
    static void failed(Call call, Throwable e) {
        Log.warning("Internal error running '" + call.command.fullName() + "': " + e);
        call.reply.error(internalError(call));
    }

    static String internalError(Call call) {
        return "ERR internal error running '" + call.command.fullName() + "'";
    }

    static void record(Call call, Shard shard, long t0, int errorsBefore) {
        recordBetween(call, shard, t0, System.nanoTime(), errorsBefore);
    }

    static void recordBetween(Call call, Shard shard, long t0, long t1, int errorsBefore) {
        int id = call.command.id();
        long nanos = t1 - t0;
        ShardStats s = shard.stats;
        s.calls[id]++;
        s.micros[id] += nanos / 1000;
        s.commandsProcessed++;
        if (call.reply.errorCount() > errorsBefore) {
            s.failed[id]++;
        }
        call.server.observer().afterCall(call, s, nanos);
    }

    /** A whole-keyspace command's part on one shard; a failure travels back as the part itself. */
    static Object onShard(Call call, Keyspace ks) {
        try {
            return call.command.sharded().onShard(call, ks);
        } catch (Throwable e) {
            Log.warning("Internal error running '" + call.command.fullName() + "': " + e);
            return e;
        }
    }

    /** Combines the shards' parts into the reply, or reports a part that failed. */
    static void combine(Call call, java.util.List<Object> parts) {
        for (Object p : parts) {
            if (p instanceof Throwable) {
                call.reply.error("ERR internal error running '" + call.command.fullName() + "'");
                return;
            }
        }
        try {
            call.command.sharded().reply(call, parts);
        } catch (Throwable e) {
            Log.warning("Internal error running '" + call.command.fullName() + "': " + e);
            call.reply.error("ERR internal error running '" + call.command.fullName() + "'");
        }
    }
}
