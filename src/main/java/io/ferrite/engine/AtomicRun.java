package io.ferrite.engine;

import io.ferrite.common.Log;
import io.ferrite.engine.acl.AclLog;
import io.ferrite.engine.acl.Denial;
import io.ferrite.engine.command.Call;
import io.ferrite.engine.command.Command;
import io.ferrite.engine.feed.Effects;
import io.ferrite.reply.Reply;
import io.ferrite.store.BytesKey;
import io.ferrite.store.Entry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The strategy for one or more calls run atomically over several shards (EXEC, atomic
 * whole-keyspace commands, calls reaching keys they do not name): the shards are held in ascending order
 * (so two runs can never wait on each other), then each call runs as steps on the held shards,
 * then the holds end. While held, a shard parks all other work, so no client observes a half-done
 * MSET, RENAME or EXEC.
 * <p>
 * A call whose keys live on one shard runs on that shard. A call over several shards has its
 * entries moved to the client's thread, runs there against a {@link StagedKeyspace}, and has them
 * moved back. A call over the whole keyspace runs its part on every shard. A call that reaches
 * keys no argument names runs with every shard held, against {@link AnyKeyKeyspace}.
 */
final class AtomicRun extends Execution {
    private final List<Call> calls;
    private final List<KeyRouting> routes;
    private final Shard[] held;
    private final boolean exec;
    private final Reply reply;
    private final Runnable afterCalls;
    private int next;
    /** Shards held so far; where the reply stood when the current step began; whether EXEC's array header is out. */
    private int acquired;
    private int stepMark;
    private boolean begun;
    /** Set on the client's thread when a step threw (see {@link #fail}) or the run has finished. */
    private boolean failed;
    private boolean finished;
    /** An EXEC's effects, appended together (wrapped in MULTI/EXEC) before its shards are released; null when nobody listens. */
    private Effects group;
    /** Run by {@link AnyKeyQueue} under its hold of every shard, on the script thread, instead of holding shards itself. */
    private boolean underQueueHold;

    AtomicRun(Engine engine, Session session, List<Call> calls, List<KeyRouting> routes, Shard[] held,
              boolean exec, Runnable afterCalls) {
        super(engine, session);
        this.calls = calls;
        this.routes = routes;
        this.held = held;
        this.exec = exec;
        this.afterCalls = afterCalls;
        this.reply = reply();
    }

    @Override
    void start() {
        holdInOrder(held, null, 0, i -> {
            acquired = i + 1;
            return true;
        }, () -> session.execute(guard(this::begin)));
    }

    /**
     * Wraps a step so that anything it throws, an {@link Error} too, ends the run instead of
     * leaving its shards held forever: see {@link #fail}.
     */
    private Runnable guard(Runnable step) {
        return () -> {
            try {
                step.run();
            } catch (Throwable t) {
                Log.warning("Internal error in a cross-shard run: " + t);
                session.execute(this::abort);
            }
        };
    }

    /**
     * On the client's thread, after a step threw: the call that failed and every call after it
     * answer an error (so EXEC's reply keeps one element per command), every shard held so far is
     * released, and the client goes on. Steps already running on other shards finish first (the
     * releases queue behind them) and their continuations are dropped.
     */
    private void abort() {
        if (failed || finished) {
            return;
        }
        failed = true;
        if (begun) {
            out().writerIndex(stepMark);
            for (int k = Math.max(0, next - 1); k < calls.size(); k++) {
                reply.error(internalError(calls.get(k)));
            }
        } else {
            out().writerIndex(0);
            reply.error(exec ? "ERR internal error running 'exec'" : internalError(calls.get(0)));
        }
        // what ran before the failure changed the data: it propagates all the same
        commitEffects();
        for (int i = 0; i < acquired; i++) {
            held[i].release(this);
        }
        afterCalls.run();
        resumeHere();
    }

    /**
     * On the script thread, every shard held by {@link AnyKeyQueue}: the whole run, now. Only
     * calls reaching undeclared keys come this way (see Router), so every step runs right here.
     */
    void runUnderHold() {
        underQueueHold = true;
        try {
            begin();
        } catch (Throwable t) {
            Log.warning("Internal error in a cross-shard run: " + t);
            session.execute(this::abort);
        }
    }

    private void begin() {
        if (failed) {
            return;
        }
        for (Shard s : held) {
            s.stats.crossShardOps++;
            break;
        }
        Client c = client;
        if (!exec) {
            begun = true;
            step();
            return;
        }
        if (c.casDirty) {
            reply.nilArray();
            finish();
            return;
        }
        // WATCHed keys that expired since WATCH doom the transaction too (Redis's isWatchedKeyExpired)
        List<Client.WatchedKey> watched = new ArrayList<>(c.watched);
        fanOut(held, s -> {
            for (Client.WatchedKey w : watched) {
                if (w.shard() == s && s.watches.expiredSinceWatch(w.db(), w.key(), c, s.db(w.db()), System.currentTimeMillis())) {
                    return Boolean.TRUE;
                }
            }
            return Boolean.FALSE;
        }, parts -> {
            for (Object p : parts) {
                if (p == Boolean.TRUE) {
                    reply.nilArray();
                    finish();
                    return;
                }
            }
            reply.array(calls.size());
            if (engine.feed().active()) {
                group = engine.feed().unit(true);
            }
            begun = true;
            step();
        });
    }

    private void step() {
        if (failed) {
            return;
        }
        stepMark = out().writerIndex();
        if (next == calls.size()) {
            finish();
            return;
        }
        Call call = calls.get(next);
        KeyRouting route = routes.get(next);
        next++;
        call.reply(reply);
        if (exec) {
            // Redis's execCommand checks the rules again: they may have changed since the command was queued
            Denial denied = AclGate.refused(call.server, client, client, call.command, call.args, AclLog.Context.MULTI);
            if (denied != null) {
                reply.error(denied.execError());
                step();
                return;
            }
        }
        call.denyBlocking(exec);
        call.effects(group);
        Command cmd = call.command;
        switch (cmd.kindFor(call.args)) {
            case LOCAL -> {
                runHome(call);
                step();
            }
            case ALL_SHARDS -> runEverywhere(call);
            case KEYED -> {
                if (cmd.touchesUndeclaredKeys(call.args)) {
                    runReachingAnyKey(call);
                } else if (route.single != null) {
                    Shard s = route.single;
                    s.runHeld(this, guard(() -> {
                        call.ks(s.view(client.db));
                        call(call, s, System.nanoTime());
                        session.execute(guard(this::step));
                    }));
                } else if (route.keys.isEmpty()) {
                    // keys are optional for some commands (e.g. a BITOP with bad arguments): run where we are
                    runHome(call);
                    step();
                } else {
                    runStaged(call, route);
                }
            }
            default -> throw new IllegalStateException("not runnable here: " + cmd.fullName());
        }
    }

    /** A call with no keys of its own (or none it needs) runs on the client's home shard. */
    private void runHome(Call call) {
        call.ks(client.home.view(client.db));
        call(call, client.home, System.nanoTime());
    }

    private void runEverywhere(Call call) {
        call.command.sharded().before(call);
        Shard[] all = engine.shards();
        int db = client.db;
        fanOut(all, s -> part(call, s, db), parts -> {
            combined(call, client.home, parts);
            step();
        });
    }

    /**
     * A call that reaches keys it does not name (SORT ... BY/GET patterns, scripts): every shard is
     * held, so it runs here against {@link AnyKeyKeyspace}, touching each key on its owning shard,
     * with one clock for all of them.
     */
    private void runReachingAnyKey(Call call) {
        if (held.length != engine.shardCount()) {
            throw new IllegalStateException("a call reaching undeclared keys needs every shard held");
        }
        long now = System.currentTimeMillis();
        for (Shard s : held) {
            s.now = now;
        }
        Shard home = client.home;
        call.ks(new AnyKeyKeyspace(engine, client.db, now));
        call.nested(new NestedRun(engine, call, now));
        if (!underQueueHold && call.command.keys().runsLong(call.args)) {
            // every shard is held, so the data is the script thread's until it hands back to the client's
            engine.longRuns().execute(guard(() -> {
                callGathered(call, home);
                session.execute(guard(this::step));
            }));
            return;
        }
        callGathered(call, home);
        step();
    }

    private void runStaged(Call call, KeyRouting route) {
        Map<Integer, List<BytesKey>> byShard = new HashMap<>();
        int databases = engine.shard(0).databases();
        for (BytesKey k : route.keys) {
            if (k.db() < databases) {
                byShard.computeIfAbsent(engine.shardOf(k.bytes()).id, x -> new ArrayList<>()).add(k);
            }
        }
        Shard[] owners = byShard.keySet().stream().map(engine::shard).toArray(Shard[]::new);
        fanOut(owners, s -> {
            s.beginCommand();
            Map<BytesKey, Entry> moved = new HashMap<>();
            for (BytesKey k : byShard.get(s.id)) {
                if (!moved.containsKey(k)) {
                    moved.put(k, s.view(k.db()).detach(k.bytes(), call.client));
                }
            }
            return moved;
        }, parts -> {
            Map<BytesKey, StagedKeyspace.Slot> slots = StagedKeyspace.newSlots();
            for (int i = 0; i < owners.length; i++) {
                @SuppressWarnings("unchecked")
                Map<BytesKey, Entry> moved = (Map<BytesKey, Entry>) parts[i];
                Shard owner = owners[i];
                moved.forEach((k, e) -> slots.put(k, new StagedKeyspace.Slot(owner, e)));
            }
            Shard home = client.home;
            call.ks(new StagedKeyspace(slots, client.db, System.currentTimeMillis(), home.stats, engine.feed()));
            try {
                callGathered(call, home);
            } finally {
                ((StagedKeyspace) call.ks()).publishEvents(home);
                for (Shard owner : owners) {
                    List<Map.Entry<BytesKey, StagedKeyspace.Slot>> mine = new ArrayList<>();
                    for (Map.Entry<BytesKey, StagedKeyspace.Slot> e : slots.entrySet()) {
                        if (e.getValue().owner == owner) {
                            mine.add(e);
                        }
                    }
                    owner.runHeld(this, guard(() -> {
                        owner.writer = call.client;
                        try {
                            for (Map.Entry<BytesKey, StagedKeyspace.Slot> e : mine) {
                                StagedKeyspace.Slot slot = e.getValue();
                                owner.view(e.getKey().db()).attach(e.getKey().bytes(), slot.entry, slot.changed);
                            }
                        } finally {
                            owner.writer = null;
                        }
                        if (call.tracked()) {
                            remember(call, owner, engine);
                        }
                    }));
                }
            }
            step();
        });
    }

    private void finish() {
        finished = true;
        commitEffects();
        if (underQueueHold) {
            // the queue releases the shards after its batch; the session takes the reply on its own thread
            afterCalls.run();
            resume();
            return;
        }
        List<Shard> ready = new ArrayList<>();
        for (Shard s : held) {
            if (s.blocks.readySince() == 0) {
                s.release(this);
            } else {
                ready.add(s);
            }
        }
        ready.sort(java.util.Comparator.comparingLong(s -> s.blocks.readySince()));
        releaseInTurn(ready, 0);
        afterCalls.run();
        resumeHere();
    }

    /** The EXEC's effects go out while its shards are still held, so nothing another client does can come between. */
    private void commitEffects() {
        if (group != null) {
            client.producedEffects(group.commit());
            group = null;
        }
    }

    /**
     * Shards whose keys became ready are released one after another, in the order their first
     * key became ready: a client blocked on keys of several of them is then served from the key
     * the transaction made ready first, as Redis serves ready keys in the order they were signalled.
     */
    private void releaseInTurn(List<Shard> ready, int i) {
        if (i < ready.size()) {
            ready.get(i).release(this, () -> releaseInTurn(ready, i + 1));
        }
    }

    /** Runs {@code work} on each shard (held by this run) and hands the results, in order, to {@code done} on the client's thread. */
    private void fanOut(Shard[] shards, java.util.function.Function<Shard, Object> work,
                        java.util.function.Consumer<Object[]> done) {
        Object[] results = new Object[shards.length];
        int[] pending = {shards.length};
        if (shards.length == 0) {
            done.accept(results);
            return;
        }
        for (int i = 0; i < shards.length; i++) {
            int idx = i;
            Shard s = shards[i];
            s.runHeld(this, guard(() -> {
                Object r = work.apply(s);
                session.execute(guard(() -> {
                    results[idx] = r;
                    if (--pending[0] == 0 && !failed) {
                        done.accept(results);
                    }
                }));
            }));
        }
    }
}
