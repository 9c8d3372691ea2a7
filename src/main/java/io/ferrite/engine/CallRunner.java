package io.ferrite.engine;

import io.ferrite.engine.command.Call;
import io.netty.util.concurrent.EventExecutor;

import java.util.Collections;
import java.util.List;

/**
 * The engine's entry for a protocol with a command table of its own (memcached, as Dragonfly maps
 * its memcache commands onto its table): the protocol has already checked and decoded its requests
 * into calls, so nothing of Redis's dispatch applies (no arity, AUTH, MULTI or CLIENT PAUSE), and
 * this only picks the strategy the Redis path would ({@link Execution}): {@link Inline} on the
 * connection's own shard, {@link Hop} or {@link ShardBatch} for one call or a run of pipelined keyed
 * calls of one other shard, {@link FanOut} (or {@link AtomicRun} when atomic) for whole-keyspace
 * calls. Every call is timed and counted by {@link Execution#call}, as Redis's are.
 */
public final class CallRunner {
    private final Engine engine;

    public CallRunner(Engine engine) {
        this.engine = engine;
    }

    /**
     * A client of this engine for a connection served by {@code loop}, working in database
     * {@code db} (memcached's namespace); already authenticated, as the protocol has no AUTH.
     */
    public Client client(long id, String addr, String laddr, EventExecutor loop, int db) {
        Client c = new Client(id, addr, laddr, engine.shardFor(loop), true);
        c.db = db;
        return c;
    }

    /**
     * The number of the shard owning {@code key}: pipelined keyed requests whose keys share it may
     * run together ({@link #run}). Runs only ever join requests of their own shard, so a
     * connection's requests take effect in request order (memcached's CAS ids count in that order).
     */
    public int shardOf(byte[] key) {
        return engine.shardOf(key).id;
    }

    /**
     * Runs {@code calls}, a connection's next requests in order, and writes their replies in that
     * order: at once into {@code session.reply()} (true), or later through {@link Session#resume}
     * (false). Several calls must all name keys of one shard ({@link #shardOf}); a keyed call over
     * several shards, or a whole-keyspace one, runs alone.
     */
    public boolean run(Session session, List<Call> calls) {
        Call first = calls.get(0);
        switch (first.command.kindFor(first.args)) {
            case LOCAL -> {
                Inline.runLocal(session, first);
                return true;
            }
            case ALL_SHARDS -> {
                Router.wholeKeyspace(engine, session, first);
                return false;
            }
            case KEYED -> {
                return keyed(session, calls);
            }
            default -> throw new IllegalStateException(first.command.fullName());
        }
    }

    private boolean keyed(Session session, List<Call> calls) {
        Call first = calls.get(0);
        // the caller ran the calls' keys through shardOf: the first one's shard owns them all
        Shard owner = KeyRouting.singleShard(engine, first.command, first.args);
        if (owner == null) {
            // keys over several shards: the command's whole-keyspace form gathers them (memcached's multiget)
            Router.wholeKeyspace(engine, session, first);
            return false;
        }
        Shard home = session.client().home;
        boolean here = owner == home && home.free();
        if (calls.size() == 1) {
            if (here) {
                Inline.runLocal(session, first);
                return true;
            }
            new Hop(engine, session, first, owner).start();
            return false;
        }
        if (here) {
            Inline.runAll(session, calls);
            return true;
        }
        new ShardBatch(engine, session, calls, Collections.nCopies(calls.size(), owner)).start();
        return false;
    }
}
