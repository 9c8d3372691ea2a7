package io.ferrite.engine;

import io.ferrite.engine.command.Call;
import io.ferrite.engine.command.CommandFlag;
import io.ferrite.engine.feed.EffectFeed;
import io.ferrite.engine.feed.Effects;

/**
 * The propagation half of Redis's call(), around every handler run: while the handler runs, its
 * unit is open on the thread (expired keys it meets and its alsoPropagate calls go there); after
 * it, if the dataset changed (the dirty counter grew) and the handler did not prevent it, the
 * call's arguments, or what it rewrote them to, are added in its database. A call that is its own
 * unit commits it; an EXEC's calls share the run's unit, committed when the EXEC ends.
 */
final class Propagation {
    private final Effects unit;
    private final boolean owned;
    private final long dirtyBefore;
    private final Effects outer;

    private Propagation(Effects unit, boolean owned, long dirtyBefore, Effects outer) {
        this.unit = unit;
        this.owned = owned;
        this.dirtyBefore = dirtyBefore;
        this.outer = outer;
    }

    /** Before the handler; null (and nothing to do after) when nobody subscribes to the feed. */
    static Propagation begin(Call call) {
        Keyspace ks = call.ks();
        EffectFeed feed = ks == null ? null : ks.feed();
        if (feed == null || !feed.active()) {
            call.effects(null);
            return null;
        }
        call.resetPropagation();
        boolean owned = call.effects() == null;
        Effects unit = owned ? feed.unit(false) : call.effects();
        call.effects(unit);
        return new Propagation(unit, owned, ks.dirty(), feed.enter(unit));
    }

    /** After the handler (also when it threw: what it changed stays changed). */
    void end(Call call) {
        unit.feed().exit(outer);
        byte[][] propagated = call.propagated();
        if (propagated != null && call.ks().dirty() != dirtyBefore) {
            unit.addCalled(call.ks().index(), propagated);
        }
        if (owned) {
            call.effects(null);
            long seq = unit.commit();
            if (call.client != null) {
                call.client.producedEffects(seq);
            }
        }
    }

    /**
     * A whole-keyspace command (FLUSHALL, FLUSHDB, SWAPDB) once every shard has done its part:
     * Redis propagates these whenever they succeed, even over empty databases.
     */
    static void afterCombined(Call call, EffectFeed feed, int errorsBefore) {
        if (feed == null || !feed.active() || !call.command.has(CommandFlag.WRITE)
            || call.reply().errorCount() > errorsBefore) {
            return;
        }
        Effects unit = call.effects() != null ? call.effects() : feed.unit(false);
        unit.add(call.client.db, call.args);
        if (unit != call.effects()) {
            call.client.producedEffects(unit.commit());
        }
    }
}
