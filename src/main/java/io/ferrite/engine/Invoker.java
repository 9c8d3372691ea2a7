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
        call.command.handler().execute(call);
        record(call, shard, t0, errorsBefore);
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
}
