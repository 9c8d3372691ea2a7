package io.ferrite.engine;

import io.ferrite.command.Call;

/** Runs a command's handler on the current shard, timing and counting it as Redis's call() does. */
final class Invoker {
    private Invoker() {
    }

    static void invoke(Call call, Shard shard) {
        shard.beginCommand();
        long t0 = System.nanoTime();
        int errorsBefore = call.reply.errorCount();
        guarded(call);
        record(call, shard, t0, errorsBefore);
        shard.serveBlocked();
    }

    /**
     * Runs the handler; a bug that throws must not leave the client without a reply or a shard
     * held, so it becomes an error reply and a log line.
     */
    static void guarded(Call call) {
        try {
            call.command.handler().execute(call);
        } catch (RuntimeException | StackOverflowError e) {
            io.ferrite.server.Log.warning("Internal error running '" + call.command.fullName() + "': " + e);
            call.reply.error("ERR internal error running '" + call.command.fullName() + "'");
        }
    }

    static void record(Call call, Shard shard, long t0, int errorsBefore) {
        int id = call.command.id();
        ShardStats s = shard.stats;
        s.calls[id]++;
        s.micros[id] += (System.nanoTime() - t0) / 1000;
        s.commandsProcessed++;
        if (call.reply.errorCount() > errorsBefore) {
            s.failed[id]++;
        }
    }

    /** A whole-keyspace command's part on one shard; a failure travels back as the part itself. */
    static Object onShard(Call call, Keyspace ks) {
        try {
            return call.command.sharded().onShard(call, ks);
        } catch (RuntimeException e) {
            io.ferrite.server.Log.warning("Internal error running '" + call.command.fullName() + "': " + e);
            return e;
        }
    }

    /** Combines the shards' parts into the reply, or reports a part that failed. */
    static void combine(Call call, java.util.List<Object> parts) {
        for (Object p : parts) {
            if (p instanceof RuntimeException) {
                call.reply.error("ERR internal error running '" + call.command.fullName() + "'");
                return;
            }
        }
        try {
            call.command.sharded().reply(call, parts);
        } catch (RuntimeException e) {
            io.ferrite.server.Log.warning("Internal error running '" + call.command.fullName() + "': " + e);
            call.reply.error("ERR internal error running '" + call.command.fullName() + "'");
        }
    }
}
