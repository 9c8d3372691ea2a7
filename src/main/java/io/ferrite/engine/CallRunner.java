package io.ferrite.engine;

import io.ferrite.engine.command.Call;
import io.ferrite.engine.command.Command;
import io.netty.util.concurrent.EventExecutor;

import java.util.Collections;
import java.util.List;

/**
 * The engine's entry for a protocol with a command table of its own (memcached, as Dragonfly maps
 * its memcache commands onto its table): the protocol has already checked and decoded its requests
 * into calls, so nothing of Redis's dispatch applies (no arity, AUTH, MULTI or CLIENT PAUSE), and
 * this only picks the strategy the Redis path would: inline on the connection's own shard,
 * {@link PipelineBatch} for a run of pipelined keyed calls on one shard (one hop), {@link FanOut} (or
 * {@link CrossShardRun} when atomic) for whole-keyspace calls. Every call is timed and counted by
 * {@link Invoker}, as Redis's are.
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
        Client client = session.client();
        Call first = calls.get(0);
        Command cmd = first.command;
        switch (cmd.kindFor(first.args)) {
            case LOCAL -> {
                first.reply = session.reply();
                first.ks = client.home.view(client.db);
                Invoker.invoke(first, client.home);
                return true;
            }
            case ALL_SHARDS -> {
                wholeKeyspace(session, first);
                return false;
            }
            case KEYED -> {
                return keyed(session, calls);
            }
            default -> throw new IllegalStateException(cmd.fullName());
        }
    }

    private void wholeKeyspace(Session session, Call call) {
        call.command.sharded().before(call);
        if (call.command.sharded().atomic()) {
            new CrossShardRun(engine, session, List.of(call), List.of(new KeyRouting()), engine.shards(), false, () -> { })
                .start();
        } else {
            FanOut.start(engine, session, call);
        }
    }

    private boolean keyed(Session session, List<Call> calls) {
        Client client = session.client();
        Shard home = client.home;
        if (calls.size() == 1) {
            Call call = calls.get(0);
            Shard owner = KeyRouting.singleShard(engine, call.command, call.args);
            if (owner == null) {
                // keys over several shards: the command's whole-keyspace form gathers them (memcached's multiget)
                wholeKeyspace(session, call);
                return false;
            }
            if (owner == home && home.free()) {
                call.reply = session.reply();
                call.ks = home.view(client.db);
                Invoker.invoke(call, home);
                return true;
            }
            new PipelineBatch(engine, session, calls, List.of(owner)).start();
            return false;
        }
        // the caller ran the calls' keys through shardOf: the first one's shard owns them all
        Shard owner = KeyRouting.singleShard(engine, calls.get(0).command, calls.get(0).args);
        List<Shard> owners = Collections.nCopies(calls.size(), owner);
        if (owner == home && home.free()) {
            long t = System.nanoTime();
            for (Call c : calls) {
                c.reply = session.reply();
                c.ks = home.view(client.db);
                t = Invoker.invokeAt(c, home, t);
            }
            return true;
        }
        new PipelineBatch(engine, session, calls, owners).start();
        return false;
    }
}
