package io.ferrite.engine;

import io.ferrite.engine.command.Call;
import io.ferrite.engine.command.Command;
import io.ferrite.engine.command.CommandFlag;
import io.ferrite.engine.tracking.Tracking;
import io.ferrite.engine.command.NestedCalls;

/**
 * The nested calls of a call run by {@link AtomicRun} with every shard held (a script): each runs
 * through {@link Execution}'s call primitives against {@link AnyKeyKeyspace} in its own client's
 * database, a whole-keyspace command doing its part on every shard in turn (all are held, so the
 * running thread may touch them), with the outer call's clock and effects unit.
 */
final class NestedRun implements NestedCalls {
    private final Engine engine;
    private final Call outer;
    private final long now;
    private boolean tracked;

    NestedRun(Engine engine, Call outer, long now) {
        this.engine = engine;
        this.outer = outer;
        this.now = now;
    }

    @Override
    public void run(Call inner) {
        Shard home = outer.client.home;
        int db = inner.client.db;
        inner.denyBlocking(true);
        inner.effects(outer.effects());
        Command.Kind kind = inner.command.kindFor(inner.args);
        Shard single = kind == Command.Kind.KEYED ? KeyRouting.singleShard(engine, inner.command, inner.args) : null;
        // a call of one shard (or none) gets that shard's own keyspace, as it would outside a script;
        // one over several reaches each key on its owner
        inner.ks(single != null ? single.view(db) : kind == Command.Kind.LOCAL ? home.view(db)
            : new AnyKeyKeyspace(engine, db, now));
        for (Shard s : engine.shards()) {
            // the script's writes are its caller's (CLIENT TRACKING's NOLOOP)
            s.writer = outer.client;
        }
        if (kind == Command.Kind.ALL_SHARDS) {
            inner.command.sharded().before(inner);
            Shard[] all = engine.shards();
            Object[] parts = new Object[all.length];
            for (int i = 0; i < all.length; i++) {
                parts[i] = Execution.part(inner, all[i], db);
                // a script sees one clock from start to end (Redis's script time snapshot)
                all[i].now = now;
            }
            Execution.combined(inner, home, parts);
        } else {
            Execution.callGathered(inner, home);
        }
        for (Shard s : engine.shards()) {
            s.writer = null;
        }
        if (!tracked && inner.command.has(CommandFlag.READONLY) && Tracking.tracks(outer.client, inner.command, false)) {
            // Redis 7.0 (call()): once a script runs a read-only command, its caller tracks the keys the script declared
            tracked = true;
            outer.command.keyPositions(outer.args, outer.args.length,
                pos -> engine.shardOf(outer.args[pos]).tracking.remember(outer.args[pos], outer.client));
        }
    }

    @Override
    public void rejected(Call inner) {
        outer.client.home.stats.rejected[inner.command.id()]++;
    }
}
