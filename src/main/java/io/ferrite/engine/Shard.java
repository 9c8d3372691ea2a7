package io.ferrite.engine;

import io.ferrite.store.Db;
import io.netty.channel.EventLoop;

import java.util.ArrayDeque;
import java.util.SplittableRandom;

/**
 * One single-threaded part of the keyspace: the slots it owns in all databases, run by one Netty
 * event loop that also serves connections (Dragonfly's model). Work for the shard arrives as
 * tasks on that loop. A cross-shard command <em>holds</em> the shard: while held, the shard runs
 * only that command's steps and parks other work, in arrival order, until the hold ends.
 */
public final class Shard {
    public final int id;
    public final EventLoop loop;
    public final ShardStats stats;
    final Db[] dbs;
    private final ShardKeyspace[] views;
    final WatchTable watches = new WatchTable();
    /** This shard's channels and its replica of every pattern subscription. */
    public final io.ferrite.pubsub.PubSubRegistry pubsub;
    /** Keys of this shard that tracking clients read, and a replica of every BCAST prefix. */
    public final io.ferrite.tracking.TrackingTable tracking = new io.ferrite.tracking.TrackingTable();
    /** The client whose command is changing keys here (NOLOOP), or null (expiry). */
    Client writer;
    final SplittableRandom random = new SplittableRandom();
    private final ArrayDeque<Runnable> parked = new ArrayDeque<>();
    private Object holder;
    /** Clients blocked on this shard's keys (BLPOP ...), and the keys made ready for them. */
    final BlockTable blocks = new BlockTable(this);
    /** The running command's clock (Unix ms). */
    long now = System.currentTimeMillis();

    public final Engine engine;

    Shard(Engine engine, int id, EventLoop loop, int databases, int commandCount) {
        this.engine = engine;
        this.pubsub = new io.ferrite.pubsub.PubSubRegistry(channel -> engine.shardOf(channel) == this);
        this.id = id;
        this.loop = loop;
        this.stats = new ShardStats(commandCount);
        // one more database than RESP clients can SELECT: memcached's items, a namespace of their own
        this.dbs = new Db[databases + 1];
        this.views = new ShardKeyspace[databases + 1];
        for (int i = 0; i <= databases; i++) {
            dbs[i] = new Db();
            views[i] = new ShardKeyspace(this, i);
        }
    }

    public ShardKeyspace view(int db) {
        return views[db];
    }

    /** The numbered databases RESP clients see (the memcached namespace is not one of them). */
    public int databases() {
        return dbs.length - 1;
    }

    /** The memcached protocol's items: a keyspace beside the numbered databases, on the same shard and thread. */
    public ShardKeyspace memcached() {
        return views[dbs.length - 1];
    }

    /** Every keyspace of the shard, numbered databases and memcached's, for expiry and memory accounting. */
    int allDatabases() {
        return dbs.length;
    }

    /** Read by INFO from any thread; an instant's figure. */
    public int keys(int db) {
        return dbs[db].size();
    }

    public int expires(int db) {
        return dbs[db].expiresCount();
    }

    public long memory() {
        long m = 0;
        for (Db d : dbs) {
            m += d.memory();
        }
        return m;
    }

    /** Marks the start of a command on this shard: fixes its clock. */
    public void beginCommand() {
        now = System.currentTimeMillis();
    }

    /** True when work for this shard may run right now on its own thread. */
    boolean free() {
        return holder == null && parked.isEmpty();
    }

    /** Runs {@code task} on this shard's thread after any work that arrived before it. */
    public void run(Runnable task) {
        if (loop.inEventLoop()) {
            runOrPark(task);
        } else {
            loop.execute(() -> runOrPark(task));
        }
    }

    private void runOrPark(Runnable task) {
        if (free()) {
            task.run();
        } else {
            parked.add(task);
        }
    }

    /** Grants the hold to {@code tx} once earlier work and holds are done, then runs {@code granted} on this thread. */
    void acquire(Object tx, Runnable granted) {
        run(() -> {
            holder = tx;
            granted.run();
        });
    }

    /** Runs a step of the holding command on this shard's thread, ahead of parked work. */
    void runHeld(Object tx, Runnable step) {
        Runnable checked = () -> {
            if (holder != tx) {
                throw new IllegalStateException("shard " + id + " not held by this command");
            }
            step.run();
        };
        if (loop.inEventLoop()) {
            checked.run();
        } else {
            loop.execute(checked);
        }
    }

    /** Ends the hold and runs parked work until it is empty or another hold begins. */
    void release(Object tx) {
        runHeld(tx, () -> {
            holder = null;
            serveBlocked();
            while (holder == null && !parked.isEmpty()) {
                parked.poll().run();
            }
        });
    }

    boolean held() {
        return holder != null;
    }

    /** Serves clients blocked on keys made ready, unless a hold is on (they are served when it ends, as after EXEC). */
    void serveBlocked() {
        if (holder == null && blocks.hasReady()) {
            blocks.serveReady();
        }
    }

    /** Keys with blocked clients on this shard; call on the shard's thread (tests check nothing leaks). */
    public int blockedKeys() {
        return blocks.size();
    }

    // WATCH bookkeeping, called on this shard's thread
    void watch(int db, byte[] key, Client c) {
        watches.watch(db, key, c);
    }

    void unwatch(int db, byte[] key, Client c) {
        watches.unwatch(db, key, c);
    }

    /** Swaps two databases' contents on this shard (SWAPDB), touching watchers of keys present in either. */
    void swap(int a, int b) {
        watches.touchWhere(k -> (k.db() == a || k.db() == b)
            && (dbs[a].find(k.bytes()) != null || dbs[b].find(k.bytes()) != null));
        Db t = dbs[a];
        dbs[a] = dbs[b];
        dbs[b] = t;
        blocks.signalExisting(a, b);
    }

    Db db(int index) {
        return dbs[index];
    }
}
