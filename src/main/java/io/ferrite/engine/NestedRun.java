package io.ferrite.engine;

import io.ferrite.engine.command.Call;
import io.ferrite.engine.command.Command;
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
        inner.ks(new AnyKeyKeyspace(engine, db, now));
        if (inner.command.kindFor(inner.args) == Command.Kind.ALL_SHARDS) {
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
    }

    @Override
    public void rejected(Call inner) {
        outer.client.home.stats.rejected[inner.command.id()]++;
    }
}
