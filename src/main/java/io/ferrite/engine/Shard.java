package io.ferrite.engine;

import io.ferrite.common.Log;
import io.ferrite.common.ShardConfined;
import io.ferrite.engine.pubsub.PubSubRegistry;
import io.ferrite.engine.tracking.TrackingTable;
import io.ferrite.store.BytesKey;
import io.ferrite.store.Db;
import io.ferrite.store.Entry;
import io.netty.channel.EventLoop;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
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
    @ShardConfined
    final Db[] dbs;
    /** The snapshot in progress on this shard, or null (see SnapshotCapture). */
    SnapshotCapture capture;
    private final ShardKeyspace[] views;
    final WatchTable watches = new WatchTable();
    /** This shard's channels and its replica of every pattern subscription. */
    public final PubSubRegistry pubsub;
    /** Keys of this shard that tracking clients read, and a replica of every BCAST prefix. */
    public final TrackingTable tracking;
    /**
     * Keys a client other than the master gave a TTL while this server was a writable replica
     * (Redis's slaveKeysWithExpire): the master knows nothing of them, so no DEL will come, and
     * the replica expires them itself ({@link ExpiryCycle}); keys the master set are never touched.
     */
    @ShardConfined
    final java.util.Set<BytesKey> ownExpiresOnReplica = new java.util.HashSet<>();
    /** Its size, for INFO's slave_expires_tracked_keys on any thread. */
    volatile int ownExpiresTracked;

    /** INFO's slave_expires_tracked_keys: this shard's part. */
    public int replicaOwnExpires() {
        return ownExpiresTracked;
    }

    /** The client whose command is changing keys here (NOLOOP), or null (expiry). */
    @ShardConfined
    Client writer;
    final SplittableRandom random = new SplittableRandom();
    /** maxmemory's best candidates here, kept across evictions. */
    @ShardConfined
    final EvictionPool evictionPool = new EvictionPool();
    /** maxmemory-admission's sketch and window here, or null while admission is off. */
    @ShardConfined
    private Admission admission;
    /** What {@link #admission} costs, for {@link #memory} on any thread. */
    volatile long admissionMemory;
    /** Newcomers past the admission window here, waiting for a contest: an eviction run starts at the shard with most. */
    volatile int newcomersWaiting;
    /** memcached's LRU eviction of this shard's items. */
    @ShardConfined
    private final ItemEviction itemEviction = new ItemEviction(this);
    @ShardConfined
    private final ArrayDeque<Runnable> parked = new ArrayDeque<>();
    @ShardConfined
    private Object holder;
    /** Clients blocked on this shard's keys (BLPOP ...), and the keys made ready for them. */
    final BlockTable blocks = new BlockTable(this);
    /** Staged chains holding this shard together, each over its own keys here (see {@link #acquireKeys}). */
    @ShardConfined
    private int chains;
    @ShardConfined
    private final Set<BytesKey> keysOut = new HashSet<>();
    private boolean draining;
    /** Told of each memcached item the active expiry removes, on this thread (memcached's "reclaimed"). */
    private java.util.function.Consumer<Entry> memcachedReclaimed = e -> { };
    /** The running command's clock (Unix ms). */
    @ShardConfined
    long now = System.currentTimeMillis();
    /**
     * Wall clock (Unix ns, sub-millisecond) and monotonic clock read together, so a monotonic
     * reading converts to Unix ms. The anchor keeps its fraction of a millisecond: rounding it down
     * as well as the delta would put the clock up to 2 ms behind Redis's mstime(), and a PTTL right
     * after PXAT would exceed the TTL just set.
     */
    private long wallBase = wallNanos();
    private long monoBase = System.nanoTime();

    public final Engine engine;

    Shard(Engine engine, int id, EventLoop loop, int databases, int commandCount) {
        this.engine = engine;
        this.pubsub = new PubSubRegistry(channel -> engine.shardOf(channel) == this);
        this.id = id;
        this.loop = loop;
        this.stats = new ShardStats(commandCount);
        // BCAST invalidations go out after the work at hand, and after a hold on the shard ends
        this.tracking = new TrackingTable(engine.trackingLimit(), task -> loop.execute(() -> run(task)));
        // one more database than RESP clients can SELECT: memcached's items, a namespace of their own
        this.dbs = new Db[databases + 1];
        this.views = new ShardKeyspace[databases + 1];
        for (int i = 0; i <= databases; i++) {
            dbs[i] = new Db(engine::mayTakeMore);
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

    /** memcached's LRU eviction here: used on this shard's thread only. */
    public ItemEviction itemEviction() {
        return itemEviction;
    }

    /** Sets who counts the memcached items the active expiry removes; called before the shard runs. */
    public void onMemcachedReclaimed(java.util.function.Consumer<Entry> counter) {
        memcachedReclaimed = counter;
    }

    /** The active expiry is about to remove {@code e} from database {@code db}. */
    void activelyExpiring(int db, Entry e) {
        if (db == dbs.length - 1) {
            memcachedReclaimed.accept(e);
        }
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

    /**
     * This shard's admission (maxmemory-admission tinylfu), created when the engine turns it on and
     * dropped, with what it learned, when it turns it off; null while off.
     */
    Admission admission() {
        if (engine.admission()) {
            if (admission == null) {
                admission = new Admission(this);
            }
        } else if (admission != null) {
            admission = null;
            admissionMemory = 0;
            newcomersWaiting = 0;
        }
        return admission;
    }

    public long memory() {
        long m = admissionMemory;
        for (Db d : dbs) {
            m += d.memory();
        }
        return m;
    }

    /**
     * Work waiting for this shard: tasks queued on its event loop plus work parked behind a hold.
     * Read by the metrics scrape from another thread: an instant's approximate figure.
     */
    public int queueDepth() {
        int n = parked.size();
        if (loop instanceof io.netty.util.concurrent.SingleThreadEventExecutor st) {
            n += st.pendingTasks();
        }
        return n;
    }

    /** Marks the start of a command on this shard: fixes its clock. */
    public void beginCommand() {
        now = System.currentTimeMillis();
    }

    /**
     * {@link #beginCommand} for a command that starts at monotonic time {@code nanos}: the clock
     * is derived from that reading, re-anchored to the wall clock every expiry period
     * ({@link #syncClock}), so a wall-clock step shows within one period, as Redis's cached time.
     */
    void beginCommandAt(long nanos) {
        now = (wallBase + (nanos - monoBase)) / 1_000_000;
    }

    private static long wallNanos() {
        Instant t = Instant.now();
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    /** Re-anchors the derived clock to the wall clock; on this shard's thread. */
    void syncClock() {
        monoBase = System.nanoTime();
        wallBase = wallNanos();
        now = wallBase / 1_000_000;
    }

    /** True when work for this shard may run right now on its own thread. */
    boolean free() {
        return holder == null && chains == 0 && parked.isEmpty();
    }

    /**
     * Runs {@code task} on this shard's thread as a task of its own, after the work queued now:
     * for long work done in steps (a snapshot's walk), so clients are served in between.
     */
    public void runLater(Runnable task) {
        loop.execute(() -> runOrPark(task));
    }

    /** As {@link #runLater}, once {@code nanos} have passed. */
    public void runAfter(long nanos, Runnable task) {
        loop.schedule(() -> runOrPark(task), nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
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

    /**
     * Grants a staged chain its hold over {@code keys} once earlier work is done, then runs
     * {@code granted} on this thread. Unlike {@link #acquire}, chains whose keys here are disjoint
     * share the hold: each has taken its own entries out, so none can see or change another's,
     * and they run one after another wherever their last shard is. Everything else still waits
     * until no chain holds the shard, and a chain arriving while anything waits queues behind it,
     * so waiting work is never starved. Chains take shards in ascending order whatever the mode,
     * so no two can wait on each other.
     */
    void acquireKeys(Collection<BytesKey> keys, Runnable granted) {
        KeyHold h = new KeyHold(keys, granted, true);
        if (loop.inEventLoop()) {
            holdOrPark(h);
        } else {
            loop.execute(() -> holdOrPark(h));
        }
    }

    /**
     * Runs {@code task} on this thread as soon as {@link #acquireKeys} would grant {@code keys}, but
     * takes no hold: for the last shard of a batch, whose share runs in one task and whose hold would
     * end right after it (two-phase locking needs the holds only until the last one is taken).
     */
    void runWhenKeysFree(Collection<BytesKey> keys, Runnable task) {
        KeyHold h = new KeyHold(keys, task, false);
        if (loop.inEventLoop()) {
            holdOrPark(h);
        } else {
            loop.execute(() -> holdOrPark(h));
        }
    }

    private void holdOrPark(KeyHold h) {
        if (holder == null && parked.isEmpty() && h.disjoint()) {
            h.run();
        } else {
            parked.add(h);
        }
    }

    /** Runs {@code lastStep} (the chain gives its entries back), then ends the chain's hold over {@code keys}. */
    void releaseKeys(Collection<BytesKey> keys, Runnable lastStep) {
        Runnable r = () -> {
            try {
                lastStep.run();
            } finally {
                // whatever the last step threw, the hold ends and parked work runs
                chains--;
                keysOut.removeAll(keys);
                try {
                    serveBlocked();
                } finally {
                    runParked();
                }
            }
        };
        if (loop.inEventLoop()) {
            r.run();
        } else {
            loop.execute(r);
        }
    }

    private final class KeyHold implements Runnable {
        private final Collection<BytesKey> keys;
        private final Runnable granted;
        /** False for {@link #runWhenKeysFree}: admitted like a hold, but holding nothing. */
        private final boolean holds;

        KeyHold(Collection<BytesKey> keys, Runnable granted, boolean holds) {
            this.keys = keys;
            this.granted = granted;
            this.holds = holds;
        }

        boolean disjoint() {
            for (BytesKey k : keys) {
                if (keysOut.contains(k)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public void run() {
            if (holds) {
                chains++;
                keysOut.addAll(keys);
            }
            granted.run();
        }
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
        release(tx, null);
    }

    /** Ends the hold; {@code released} runs on this thread once blocked clients of keys made ready are served. */
    void release(Object tx, Runnable released) {
        runHeld(tx, () -> {
            holder = null;
            try {
                serveBlocked();
                if (released != null) {
                    released.run();
                }
            } finally {
                runParked();
            }
        });
    }

    /**
     * Runs parked work in arrival order while it may run: a chain's hold while its keys are free
     * here, anything else once no chain holds the shard; stops when an exclusive hold begins. A
     * release inside (a chain that ends on this shard) leaves the draining to the loop already
     * running, so the stack does not grow with the queue.
     */
    private void runParked() {
        if (draining) {
            return;
        }
        draining = true;
        try {
            while (holder == null && !parked.isEmpty()) {
                boolean mayRun = parked.peek() instanceof KeyHold h ? h.disjoint() : chains == 0;
                if (!mayRun) {
                    break;
                }
                Runnable task = parked.poll();
                try {
                    task.run();
                } catch (Throwable t) {
                    // one failed task must not strand the work parked behind it
                    Log.warning("Internal error in a task on shard " + id + ": " + t);
                }
            }
        } finally {
            draining = false;
        }
    }

    /** True on this shard's thread, or while an execution holds it (it may touch the data from its own thread). */
    boolean ownedByCaller() {
        return loop.inEventLoop() || holder != null;
    }

    boolean held() {
        return holder != null || chains > 0;
    }

    /** Serves clients blocked on keys made ready, unless a hold is on (they are served when it ends, as after EXEC). */
    void serveBlocked() {
        if (!held() && blocks.hasReady()) {
            blocks.serveReady();
        }
    }

    /** Keys with blocked clients on this shard; call on the shard's thread (tests check nothing leaks). */
    public int blockedKeys() {
        return blocks.size();
    }

    /** Keys watched on this shard; call on the shard's thread (tests check nothing leaks). */
    int watchedKeys() {
        return watches.size();
    }

    // WATCH bookkeeping, called on this shard's thread
    void watch(int db, byte[] key, Client c, boolean expired) {
        watches.watch(db, key, c, expired);
    }

    void unwatch(int db, byte[] key, Client c) {
        watches.unwatch(db, key, c);
    }

    /** A replica's swapdb load in progress here, or null. */
    @ShardConfined
    private StagedLoad staged;

    /** A swapdb load starts: empty databases beside the live ones (any earlier unfinished one is dropped). */
    public StagedLoad beginStaged() {
        assert ownedByCaller();
        staged = new StagedLoad(this);
        return staged;
    }

    /** The swapdb load in progress, or null. */
    public StagedLoad staged() {
        return staged;
    }

    /** A swapdb load failed: its databases go, the live ones stay as they were. */
    public void dropStaged() {
        assert ownedByCaller();
        staged = null;
    }

    /**
     * A swapdb load succeeded (swapMainDbWithTempDb): its databases replace the live ones, which go,
     * as a FLUSHALL and a SWAPDB would treat them (watchers of keys in either touched, waiting
     * clients looking again, tracked reads invalidated). A snapshot in progress is given up: the
     * new entries were never part of its cut.
     */
    public void swapInStaged() {
        assert ownedByCaller();
        StagedLoad s = staged;
        if (s == null) {
            return;
        }
        staged = null;
        abortSnapshot();
        tracking.clearReaders();
        long now = System.currentTimeMillis();
        for (int i = 0; i < databases(); i++) {
            if (!watches.isEmpty()) {
                watches.replaced(i, dbs[i], s.db(i), now);
            }
            dbs[i] = s.db(i);
            blocks.signalDatabase(i);
            if (i < stats.avgTtl.length) {
                stats.avgTtl[i] = 0;
            }
        }
        ownExpiresOnReplica.clear();
        ownExpiresTracked = 0;
    }

    /** Swaps two databases' contents on this shard (SWAPDB), touching watchers of keys present in either. */
    void swap(int a, int b) {
        if (!watches.isEmpty()) {
            long now = System.currentTimeMillis();
            watches.replaced(a, dbs[a], dbs[b], now);
            watches.replaced(b, dbs[b], dbs[a], now);
        }
        Db t = dbs[a];
        dbs[a] = dbs[b];
        dbs[b] = t;
        blocks.signalExisting(a, b);
    }

    Db db(int index) {
        return dbs[index];
    }

    /** The mark a snapshot starting now gives its cut: the other of the two generations. */
    public int nextSnapshotMark() {
        return dbs[0].mark() ^ 1;
    }

    /**
     * A snapshot's cut on this shard, taken on its thread (every shard held at once for one cut):
     * every database's mark flips, so what is stored now is the cut, and {@code c} is told of
     * every change to it from here on. Returns the numbered databases (the memcached namespace is
     * not saved), which the snapshot walks even if SWAPDB later moves them.
     */
    public Db[] beginSnapshot(SnapshotCapture c) {
        assert ownedByCaller();
        if (capture != null) {
            throw new IllegalStateException("a snapshot is already in progress on shard " + id);
        }
        for (Db d : dbs) {
            d.mark(c.mark());
        }
        capture = c;
        return java.util.Arrays.copyOf(dbs, databases());
    }

    /** FLUSHALL gives up a snapshot in progress, as Redis's kills its saving child. */
    public void abortSnapshot() {
        assert ownedByCaller();
        if (capture != null) {
            capture.abort();
        }
    }

    /** The snapshot has walked every entry of its cut. */
    public void endSnapshot(SnapshotCapture c) {
        assert ownedByCaller();
        if (capture == c) {
            capture = null;
        }
    }
}
