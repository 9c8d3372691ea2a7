package io.ferrite.engine;

import io.ferrite.engine.command.Call;
import io.ferrite.engine.command.Command;
import io.ferrite.engine.command.CommandFlag;
import io.ferrite.store.Bytes;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Picks the strategy for a call the dispatcher has checked: where it runs and what it holds
 * (see {@link Execution} for the strategies). Requests pipelined behind it may join it
 * ({@link Squasher}).
 */
final class Router {
    private final Engine engine;
    private final Squasher squasher;

    Router(Engine engine, Squasher squasher) {
        this.engine = engine;
        this.squasher = squasher;
    }

    /** Runs the call; false when its reply will come through {@link Session#resume}. */
    boolean run(Session session, Call call) {
        Client client = session.client();
        Command cmd = call.command;
        if (cmd.awaitsOutside()) {
            new OutsideWait(engine, session, call).start();
            return false;
        }
        switch (cmd.kindFor(call.args)) {
            case LOCAL -> {
                if (DEBUG_OBJECT.test(call.args)) {
                    // DEBUG's spec names no keys, but DEBUG OBJECT reads one: run it on the key's shard
                    return onShard(session, call, engine.shardOf(call.args[2]));
                }
                Inline.runLocal(session, call);
                return true;
            }
            case KEYED -> {
                if (cmd.touchesUndeclaredKeys(call.args)) {
                    List<Call> calls = new ArrayList<>();
                    calls.add(call);
                    squasher.joinReachingAnyKey(session, calls);
                    List<KeyRouting> routes = new ArrayList<>();
                    calls.forEach(c -> routes.add(new KeyRouting()));
                    engine.anyKeyQueue().submit(new AtomicRun(engine, session, calls, routes, engine.shards(), false,
                        Execution.NOTHING));
                    return false;
                }
                Shard only = KeyRouting.singleShard(engine, cmd, call.args);
                if (only != null) {
                    return onShard(session, call, only);
                }
                KeyRouting route = KeyRouting.of(engine, cmd, call.args, client.db);
                Shard target = route.single;
                if (target == null && route.keys.isEmpty()) {
                    target = client.home;
                }
                if (target != null) {
                    return onShard(session, call, target);
                }
                List<Call> calls = new ArrayList<>();
                calls.add(call);
                if (!cmd.has(CommandFlag.BLOCKING)) {
                    squasher.joinStaged(session, calls, route);
                }
                new StagedChain(engine, session, calls, route).start();
                return false;
            }
            case ALL_SHARDS -> {
                wholeKeyspace(engine, session, call);
                return false;
            }
            default -> throw new IllegalStateException(cmd.fullName());
        }
    }

    /** A whole-keyspace command: every shard held for an atomic one ({@link AtomicRun}), else visited ({@link FanOut}). */
    static void wholeKeyspace(Engine engine, Session session, Call call) {
        if (call.command.sharded().atomic()) {
            // AtomicRun runs before() itself, as it does for the commands of an EXEC
            holdEveryShard(engine, session, call);
        } else {
            call.command.sharded().before(call);
            new FanOut(engine, session, call).start();
        }
    }

    /** Runs one call atomically with every shard held: whole-keyspace commands and calls reaching undeclared keys. */
    private static void holdEveryShard(Engine engine, Session session, Call call) {
        new AtomicRun(engine, session, List.of(call), List.of(new KeyRouting()), engine.shards(), false, Execution.NOTHING)
            .start();
    }

    /** Runs a call on one shard, with the pipelined requests that join it: inline when they all may, else as a batch. */
    private boolean onShard(Session session, Call call, Shard target) {
        Shard home = session.client().home;
        boolean hop = target != home || !target.free();
        Squasher.Batch batch = squasher.joinSingleShard(session, call, target);
        if (!hop && batch == null) {
            return Inline.run(engine, session, call);
        }
        if (!hop && batch.allOn(home)) {
            Inline.runAll(session, batch.calls);
            return true;
        }
        if (batch == null) {
            session.hopped(target);
            new Hop(engine, session, call, target).start();
        } else {
            new ShardBatch(engine, session, batch.calls, batch.owners).start();
        }
        return false;
    }

    private static final Predicate<byte[][]> DEBUG_OBJECT = a -> a.length == 3
        && Bytes.is(a[0], "debug") && Bytes.is(a[1], "object");
}
