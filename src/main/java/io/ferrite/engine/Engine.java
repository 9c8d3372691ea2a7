package io.ferrite.engine;

import io.ferrite.engine.acl.Acl;
import io.ferrite.engine.command.BusyGate;
import io.ferrite.engine.command.CommandTable;
import io.ferrite.engine.feed.EffectFeed;
import io.ferrite.engine.tracking.TrackingLimit;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;

import java.util.IdentityHashMap;
import java.util.Map;

/** The shards and the map from keys to them: the executing half of the server. */
public final class Engine {
    private final Shard[] shards;
    private final SlotMap slots;
    private final Map<EventExecutor, Shard> byLoop = new IdentityHashMap<>();
    private final CommandTable commands;
    private final ClientPause clientPause = new ClientPause();
    /** tracking-table-max-keys over every shard's tracking table. */
    private final TrackingLimit trackingLimit = new TrackingLimit(this::shardArray, this::sessions);
    /** notify-keyspace-events as Notify bits; the server points it at its configuration. */
    private volatile java.util.function.IntSupplier notifyFlags = () -> 0;
    private final EffectFeed feed;

    /** {@code others}: the tables of other protocols (memcached's), whose ids follow {@code commands}'; the shards count their calls too. */
    public Engine(EventLoopGroup loops, int databases, CommandTable commands, CommandTable... others) {
        this.commands = commands;
        int counters = commands.endId();
        for (CommandTable t : others) {
            counters = Math.max(counters, t.endId());
        }
        this.feed = new EffectFeed(databases);
        java.util.List<Shard> list = new java.util.ArrayList<>();
        for (EventExecutor e : loops) {
            Shard s = new Shard(this, list.size(), (EventLoop) e, databases, counters);
            list.add(s);
            byLoop.put(e, s);
        }
        shards = list.toArray(new Shard[0]);
        for (Shard s : shards) {
            s.stats.slowlog.numbering(s.id, shards.length);
        }
        slots = new SlotMap(shards.length);
    }

    /** Finds a connection by client id (invalidations sent to a REDIRECT target); the server provides it. */
    private volatile java.util.function.LongFunction<Session> sessions = id -> null;

    public void sessions(java.util.function.LongFunction<Session> lookup) {
        this.sessions = lookup;
    }

    public java.util.function.LongFunction<Session> sessions() {
        return sessions;
    }

    public void notifyFlags(java.util.function.IntSupplier flags) {
        this.notifyFlags = flags;
    }

    public int notifyFlags() {
        return notifyFlags.getAsInt();
    }

    /** Every change to the keyspace, in one order, as Redis propagates it: what the AOF and replicas read. */
    public EffectFeed feed() {
        return feed;
    }

    public TrackingLimit trackingLimit() {
        return trackingLimit;
    }

    public CommandTable commands() {
        return commands;
    }

    public int shardCount() {
        return shards.length;
    }

    public Shard shard(int i) {
        return shards[i];
    }

    public Shard[] shards() {
        return shards.clone();
    }

    /** The shards themselves, for the engine's own loops that must not allocate a copy. */
    private Shard[] shardArray() {
        return shards;
    }

    public Shard shardOf(byte[] key) {
        return shards[slots.shardOf(key)];
    }

    public Shard shardFor(EventExecutor loop) {
        return byLoop.get(loop);
    }

    public long keys(int db) {
        long n = 0;
        for (Shard s : shards) {
            n += s.keys(db);
        }
        return n;
    }

    public long expires(int db) {
        long n = 0;
        for (Shard s : shards) {
            n += s.expires(db);
        }
        return n;
    }

    /**
     * MEMORY STATS's db.N overheads: {main table, expiry index} bytes of database {@code db} over
     * the shards, read from this thread as an instant's figures.
     */
    public long[] tableOverhead(int db) {
        long[] o = new long[2];
        for (Shard s : shards) {
            o[0] += s.db(db).tableOverhead();
            o[1] += s.db(db).expiresOverhead();
        }
        return o;
    }

    public long memory() {
        long m = 0;
        for (Shard s : shards) {
            m += s.memory();
        }
        return m;
    }

    /**
     * used_memory: the data's estimate ({@link #memory}) plus the live heap the started server
     * keeps ({@link StartupMemory}, Redis's used_memory_startup: the server's own structures
     * before any data), the clients' buffers and scripts. Read from any thread: an instant's
     * figure. maxmemory is checked against it.
     */
    public long usedMemory() {
        return StartupMemory.bytes() + memory() + clientMemory.getAsLong() + otherMemory.getAsLong();
    }

    /** Memory outside the shards that used_memory counts (cached scripts, function code); set by the server. */
    private volatile java.util.function.LongSupplier otherMemory = () -> 0;

    public void otherMemory(java.util.function.LongSupplier memory) {
        this.otherMemory = memory;
    }

    private volatile java.util.function.LongSupplier clientMemory = () -> 0;
    private volatile java.util.function.LongSupplier notCountedMemory = () -> 0;

    /**
     * The clients' buffers, which count in used_memory, and the part of them maxmemory does not
     * weigh (Redis's freeMemoryGetNotCountedMemory: replicas' output, so that evicting keys, which
     * feeds the replicas DELs, cannot chase its own tail); set by the server.
     */
    public void clientMemory(java.util.function.LongSupplier all, java.util.function.LongSupplier notCounted) {
        this.clientMemory = all;
        this.notCountedMemory = notCounted;
    }

    /** INFO's mem_not_counted_for_evict. */
    public long notCountedMemory() {
        return notCountedMemory.getAsLong();
    }

    /** maxmemory in bytes (0, or a value past Long.MAX_VALUE, = no limit); set by the server from its configuration. */
    public void maxMemory(long bytes) {
        maxMemory = bytes;
    }

    public long maxMemory() {
        return maxMemory;
    }

    /** Whether used_memory is over maxmemory: with noeviction, the point from which writes are refused. */
    public boolean overMaxMemory() {
        long max = maxMemory;
        // a replica with replica-ignore-maxmemory leaves memory to its master (Redis's isSafeToPerformEvictions)
        return max > 0 && !(replica && replicaIgnoresMaxMemory.getAsBoolean()) && usedMemory() - notCountedMemory() > max;
    }

    private volatile java.util.function.BooleanSupplier replicaIgnoresMaxMemory = () -> true;

    /**
     * Whether {@code more} bytes can be taken without passing maxmemory (Redis's
     * overMaxmemoryAfterAlloc, asked before a key table grows); always without a limit.
     */
    public boolean mayTakeMore(long more) {
        long max = maxMemory;
        return max <= 0 || usedMemory() - notCountedMemory() + more <= max;
    }

    /** replica-ignore-maxmemory; set by the server from its configuration. */
    public void replicaIgnoresMaxMemory(java.util.function.BooleanSupplier ignores) {
        this.replicaIgnoresMaxMemory = ignores;
    }

    private volatile long maxMemory;
    private volatile Eviction.Policy evictionPolicy = Eviction.Policy.NOEVICTION;
    private volatile int evictionSamples = 5;
    private volatile int evictionTenacity = 10;

    /** maxmemory-policy, maxmemory-samples and maxmemory-eviction-tenacity; set by the server from its configuration. */
    public void eviction(Eviction.Policy policy, int samples, int tenacity) {
        this.evictionPolicy = policy;
        this.evictionSamples = samples;
        this.evictionTenacity = tenacity;
    }

    private volatile boolean admission;

    /**
     * Whether shards apply W-TinyLFU admission ({@link Admission}): maxmemory-admission tinylfu,
     * while maxmemory is set with a policy that evicts; set by the server from its configuration.
     */
    public void admission(boolean on) {
        this.admission = on;
    }

    public boolean admission() {
        return admission;
    }

    int evictionTenacity() {
        return evictionTenacity;
    }

    private volatile AccessTracking access = AccessTracking.LRU;

    /** What entries' access fields hold (LRU clock or LFU counter), from maxmemory-policy and the lfu-* directives. */
    public void access(AccessTracking tracking) {
        this.access = tracking;
    }

    public AccessTracking access() {
        return access;
    }

    public Eviction.Policy evictionPolicy() {
        return evictionPolicy;
    }

    int evictionSamples() {
        return evictionSamples;
    }

    /** Set while an {@link Eviction#runForItems} run goes on: one at a time. */
    final java.util.concurrent.atomic.AtomicBoolean itemEvictionRunning = new java.util.concurrent.atomic.AtomicBoolean();

    /** When memory went over maxmemory (System.nanoTime), 0 while under: Redis's stat_last_eviction_exceeded_time. */
    private final java.util.concurrent.atomic.AtomicLong exceededSince = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong exceededTotalNanos = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicBoolean backgroundEviction = new java.util.concurrent.atomic.AtomicBoolean();

    /** An eviction run starts over maxmemory: the exceeded time starts if it was not running. */
    void evictionStarted() {
        if (overMaxMemory()) {
            exceededSince.compareAndSet(0, Math.max(1, System.nanoTime()));
        }
    }

    /** Memory is back under maxmemory: the exceeded time stops and adds to the total. */
    void evictionEnded() {
        long since = exceededSince.getAndSet(0);
        if (since != 0) {
            exceededTotalNanos.addAndGet(System.nanoTime() - since);
        }
    }

    /** INFO stats' current_eviction_exceeded_time ({@code current}) or total_eviction_exceeded_time, in milliseconds. */
    public long evictionExceededMillis(boolean current) {
        long since = exceededSince.get();
        long now = since == 0 ? 0 : System.nanoTime() - since;
        return (current ? now : now + exceededTotalNanos.get()) / 1_000_000;
    }

    /** CONFIG RESETSTAT. */
    public void resetEvictionStats() {
        exceededTotalNanos.set(0);
    }

    /** Marks an eviction run as going on in the background; true if this call started it. */
    boolean backgroundEviction(boolean on) {
        return on ? backgroundEviction.compareAndSet(false, true) : backgroundEviction.getAndSet(false);
    }

    /** An eviction continues past its time limit: commands go on meanwhile instead of being refused (EVICT_RUNNING). */
    public boolean evictingInBackground() {
        return backgroundEviction.get();
    }

    /** Whether a command must first evict: over maxmemory with a policy that evicts. */
    public boolean mustEvict() {
        return evictionPolicy != Eviction.Policy.NOEVICTION && overMaxMemory();
    }

    /** INFO's used_memory_startup ({@link StartupMemory}). */
    public static long startupMemory() {
        return StartupMemory.bytes();
    }

    /** Clients blocked by a blocking command (INFO's blocked_clients, with clients postponed by CLIENT PAUSE). */
    final java.util.concurrent.atomic.AtomicInteger blockedClients = new java.util.concurrent.atomic.AtomicInteger();

    public int blockedClients() {
        return blockedClients.get();
    }

    /**
     * Set while the append-only file is loaded: keys whose time has passed are not expired (Redis's
     * keyIsExpired returns 0 while loading), so a later command of the file finds what the writer found.
     */
    private volatile boolean loading;

    public void loading(boolean on) {
        loading = on;
    }

    public boolean loading() {
        return loading;
    }

    /**
     * Set while this server replicates a master (Redis's masterhost != NULL): no active expiry, and
     * a logically expired key is hidden from clients' reads but deleted only by the master's DEL.
     */
    private volatile boolean replica;

    public void replica(boolean on) {
        replica = on;
    }

    public boolean replica() {
        return replica;
    }

    /** CLIENT PAUSE's state: the dispatcher holds commands back by it, and expiry stands still while it lasts. */
    public ClientPause clientPause() {
        return clientPause;
    }

    /** The thread long calls (scripts) run on, every shard held, so the event loops keep serving clients. */
    private final java.util.concurrent.ExecutorService longRuns = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "ferrite-scripts");
        t.setDaemon(true);
        return t;
    });

    java.util.concurrent.Executor longRuns() {
        return longRuns;
    }

    /** Scripts (calls reaching undeclared keys) of every client, run in turn under shared holds of every shard. */
    private final AnyKeyQueue anyKeyQueue = new AnyKeyQueue(this);

    AnyKeyQueue anyKeyQueue() {
        return anyKeyQueue;
    }

    private volatile Acl acl;

    /** The ACL users, set once by the server before it listens (it knows how rules split: sdssplitargs). */
    public void acl(Acl users) {
        acl = users;
    }

    public Acl acl() {
        return acl;
    }

    /** Refuses commands while a long call runs past its limit (-BUSY); set by the scripting layer. */
    private volatile BusyGate busyGate = (cmd, client) -> null;

    public void busyGate(BusyGate gate) {
        busyGate = gate;
    }

    public BusyGate busyGate() {
        return busyGate;
    }
}
