package io.ferrite.command.memcached;

import io.ferrite.store.Bytes;
import io.ferrite.engine.Client;
import io.ferrite.engine.AclGate;
import io.ferrite.engine.Shard;
import io.ferrite.engine.acl.AclLog;
import io.ferrite.engine.acl.AclUser;
import io.ferrite.engine.acl.Denial;
import io.ferrite.engine.command.Call;
import io.ferrite.engine.command.CommandTable;
import io.ferrite.engine.command.Host;
import io.ferrite.store.Entry;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** State the memcached listener shares across connections and shards: CAS counter, flush time, stats. */
public final class McContext {
    public static final String VERSION = "1.6.18";
    final Host server;
    final AtomicLong casIds = new AtomicLong();
    /** Delayed flush_all: items stored at or before this Unix second are gone once it has passed; 0 = none. */
    volatile long oldestLive;
    final long started = System.currentTimeMillis() / 1000;
    final AtomicInteger currConnections = new AtomicInteger();
    final LongAdder totalConnections = new LongAdder();
    final LongAdder rejectedConnections = new LongAdder();
    final LongAdder cmdGet = new LongAdder();
    final LongAdder cmdSet = new LongAdder();
    final LongAdder cmdFlush = new LongAdder();
    final LongAdder cmdTouch = new LongAdder();
    final LongAdder getHits = new LongAdder();
    final LongAdder getMisses = new LongAdder();
    final LongAdder getExpired = new LongAdder();
    final LongAdder getFlushed = new LongAdder();
    final LongAdder deleteMisses = new LongAdder();
    final LongAdder deleteHits = new LongAdder();
    final LongAdder incrMisses = new LongAdder();
    final LongAdder incrHits = new LongAdder();
    final LongAdder decrMisses = new LongAdder();
    final LongAdder decrHits = new LongAdder();
    final LongAdder casMisses = new LongAdder();
    final LongAdder casHits = new LongAdder();
    final LongAdder casBadval = new LongAdder();
    final LongAdder touchHits = new LongAdder();
    final LongAdder touchMisses = new LongAdder();
    final LongAdder bytesRead = new LongAdder();
    final LongAdder bytesWritten = new LongAdder();
    final LongAdder totalItems = new LongAdder();
    final LongAdder cmdMeta = new LongAdder();
    final LongAdder storeTooLarge = new LongAdder();
    final LongAdder storeNoMemory = new LongAdder();
    final LongAdder authCmds = new LongAdder();
    final LongAdder authErrors = new LongAdder();
    final AtomicLong connIds = new AtomicLong(100);
    final java.util.Map<Long, McPeer> connections = new java.util.concurrent.ConcurrentHashMap<>();
    volatile int verbosity;
    /** slabs automove: kept and reported, Ferrite has no slab classes to move pages between. */
    volatile int slabAutomove = 1;
    volatile double slabAutomoveRatio = 0.8;
    /** stats detail: per key-prefix counters. */
    final McPrefixStats prefixStats = new McPrefixStats();
    /** Test hook run on the shard before each keyed request (see {@link #onRequest}). */
    private volatile java.util.function.Consumer<byte[]> requestHook = k -> { };

    private McCommands commands;
    private final McAccess access;

    public McContext(Host server) {
        this.server = server;
        this.access = new McAccess(server);
    }

    /** Builds memcached's command table, its ids from {@code firstId} on (after Redis's); once, before the engine starts. */
    public CommandTable commands(int firstId) {
        commands = new McCommands(this, firstId);
        return commands.table();
    }

    /** memcached's command table. */
    public CommandTable commands() {
        return commands.table();
    }

    /** Whether r runs as a command of the table (else its connection answers it: decoder errors, quit). */
    public boolean runs(McRequest r) {
        return commands.runs(r);
    }

    /** Whether r runs on the shard of its key (so it may join a batch of pipelined keyed requests). */
    public boolean keyed(McRequest r) {
        return commands.keyed(r);
    }

    /** The call that runs r for {@code client}. */
    public Call call(McRequest r, Client client) {
        return commands.call(r, client, server);
    }

    /** The database memcached's items live in: the one past the numbered databases RESP clients see. */
    public int database() {
        return server.engine().shard(0).databases();
    }

    /**
     * Who a new connection runs as before it logs in: with {@code memcached-auth none}, the ACL user
     * {@code memcached-user} names while it exists and is on (no password asked, the operator named
     * it); otherwise nobody, and the connection must log in (SASL PLAIN, or memcached's text "set").
     */
    public AclUser anonymousUser() {
        if (!server.config().get("memcached-auth").equals("none")) {
            return null;
        }
        AclUser u = server.engine().acl().user(server.config().get("memcached-user"));
        return u != null && u.rules().enabled() ? u : null;
    }

    /** Whether a connection must log in before its requests run (memcached's -S and -Y). */
    public boolean loginRequired() {
        return anonymousUser() == null;
    }

    /**
     * A login with an ACL user's name and password (memcached's auth_cmds): the user, or null after
     * {@link #loginFailed}.
     */
    public AclUser login(Client client, byte[] user, byte[] password, String object) {
        AclUser u = server.engine().acl().authenticate(user, password);
        if (u == null) {
            loginFailed(client, user, object);
        } else {
            authCmds.increment();
        }
        return u;
    }

    /**
     * A failed login: counted (memcached's auth_cmds and auth_errors) and in the ACL log as Redis
     * logs a failed AUTH (reason "auth"), {@code object} naming how it was tried.
     */
    public void loginFailed(Client client, byte[] user, String object) {
        authCmds.increment();
        authErrors.increment();
        AclGate.log(server, client, "auth", AclLog.Context.TOPLEVEL, Bytes.of(object), user);
    }

    /** Null when the client's ACL user may run r, else the refusal (already in the ACL log). */
    public Denial refused(McRequest r, Client client) {
        return access.refused(r, client);
    }

    /** Writes a refused request's reply. */
    public static void writeDenied(io.netty.buffer.ByteBuf out, McRequest r) {
        McAccess.writeDenied(out, r);
    }

    /** Closes the connections running as one of {@code users} (ACL DELUSER and LOAD, as Redis closes its own). */
    public void closeUsers(java.util.Collection<AclUser> users) {
        for (McPeer p : connections.values()) {
            if (users.contains(p.user())) {
                p.close();
            }
        }
    }

    public long nextConnectionId() {
        return connIds.incrementAndGet();
    }

    /** A connection opened; false (counted as rejected) when it is over memcached-max-connections. */
    public boolean opened(McPeer peer) {
        totalConnections.increment();
        int n = currConnections.incrementAndGet();
        if (n > maxConnections()) {
            rejectedConnections.increment();
            return false;
        }
        connections.put(peer.id(), peer);
        return true;
    }

    /** A connection {@link #opened} closed. */
    public void closed(McPeer peer) {
        currConnections.decrementAndGet();
        connections.remove(peer.id());
    }

    public void bytesRead(long n) {
        bytesRead.add(n);
    }

    public void bytesWritten(long n) {
        bytesWritten.add(n);
    }

    /** A storage request refused by its size before it ran (memcached's store_too_large). */
    public void storeTooLarge() {
        storeTooLarge.increment();
    }

    /** "slabs automove": kept and reported only (Ferrite has no slab pages to move). */
    public void slabAutomove(int level) {
        slabAutomove = level;
    }

    public void slabAutomoveRatio(double ratio) {
        slabAutomoveRatio = ratio;
    }

    /** Current memcached connections (memcached's curr_connections). */
    public int connections() {
        return currConnections.get();
    }

    /**
     * The counters of memcached's "stats" by their stats names (cmd_get, get_hits, delete_misses ...),
     * read by the Prometheus metrics so both report the same figures.
     */
    public java.util.Map<String, java.util.function.LongSupplier> counters() {
        java.util.Map<String, java.util.function.LongSupplier> m = new java.util.LinkedHashMap<>();
        m.put("cmd_get", cmdGet::sum);
        m.put("cmd_set", cmdSet::sum);
        m.put("cmd_flush", cmdFlush::sum);
        m.put("cmd_touch", cmdTouch::sum);
        m.put("cmd_meta", cmdMeta::sum);
        m.put("get_hits", getHits::sum);
        m.put("get_misses", getMisses::sum);
        m.put("get_expired", getExpired::sum);
        m.put("get_flushed", getFlushed::sum);
        m.put("delete_hits", deleteHits::sum);
        m.put("delete_misses", deleteMisses::sum);
        m.put("incr_hits", incrHits::sum);
        m.put("incr_misses", incrMisses::sum);
        m.put("decr_hits", decrHits::sum);
        m.put("decr_misses", decrMisses::sum);
        m.put("cas_hits", casHits::sum);
        m.put("cas_misses", casMisses::sum);
        m.put("cas_badval", casBadval::sum);
        m.put("touch_hits", touchHits::sum);
        m.put("touch_misses", touchMisses::sum);
        m.put("store_too_large", storeTooLarge::sum);
        m.put("store_no_memory", storeNoMemory::sum);
        m.put("total_connections", totalConnections::sum);
        m.put("rejected_connections", rejectedConnections::sum);
        m.put("bytes_read", bytesRead::sum);
        m.put("bytes_written", bytesWritten::sum);
        m.put("total_items", totalItems::sum);
        return m;
    }

    long itemSizeMax() {
        return server.config().getLong("item-size-max");
    }

    public int maxConnections() {
        return server.config().getInt("memcached-max-connections");
    }

    /** memcached's item_size_ok: header (48) + CAS (8) + key + NUL + value + CRLF within item_size_max. */
    public boolean sizeOk(int nkey, long vlen) {
        return 48 + 8 + nkey + 1 + vlen + 2 <= itemSizeMax();
    }

    /**
     * For tests of failure handling: runs on the owning shard before every keyed request with its key;
     * what it throws is what the request's handler throws. null removes the hook.
     */
    public void onRequest(java.util.function.Consumer<byte[]> hook) {
        requestHook = hook == null ? k -> { } : hook;
    }

    void beforeRequest(byte[] key) {
        requestHook.accept(key);
    }

    long nextCas() {
        return casIds.incrementAndGet();
    }

    /**
     * memcached's per slab class item counters, per shard: "reclaimed" and "expired_unfetched" for
     * the expired items its LRU maintainer frees (here the active expiry), "evicted" and the rest
     * for the items its allocation pulls off the LRU tail, "outofmemory" for stores it could not
     * make room for. Touched only on the shard's thread.
     */
    private final java.util.Map<Integer, long[][]> classCounts = new java.util.concurrent.ConcurrentHashMap<>();

    static final int RECLAIMED = 0;
    static final int UNFETCHED = 1;
    static final int EVICTED = 2;
    static final int EVICTED_NONZERO = 3;
    static final int EVICTED_UNFETCHED = 4;
    static final int OUTOFMEMORY = 5;
    /** Seconds the last evicted item had gone unused: a figure, not a count. */
    static final int EVICTED_TIME = 6;
    static final int COUNTERS = 7;

    /** Counts, by slab class, the items the shard's active expiry reclaims and its LRU evicts; called before the shard runs. */
    public void countReclaims(Shard shard) {
        long[][] counts = new long[McSlabs.classes() + 1][COUNTERS];
        classCounts.put(shard.id, counts);
        shard.onMemcachedReclaimed(e -> {
            McItem it = (McItem) e.value();
            long[] c = counts[McSlabs.classOf(McSlabs.itemSize(e.key.length, it))];
            c[RECLAIMED]++;
            if (!it.fetched) {
                c[UNFETCHED]++;
            }
        });
        shard.itemEviction().onEvicted(e -> countEviction(counts, e));
    }

    /** memcached's counters for an item its LRU evicts (items.c lru_pull_tail). */
    private static void countEviction(long[][] counts, Entry e) {
        McItem it = (McItem) e.value();
        long[] c = counts[McSlabs.classOf(McSlabs.itemSize(e.key.length, it))];
        c[EVICTED]++;
        c[EVICTED_TIME] = Math.max(0, System.currentTimeMillis() / 1000 - it.lastAccess);
        if (e.hasExpiry()) {
            c[EVICTED_NONZERO]++;
        }
        if (!it.fetched) {
            c[EVICTED_UNFETCHED]++;
        }
    }

    /** The shard's counters by slab class; read on the shard's thread. */
    long[][] classCounts(Shard shard) {
        long[][] c = classCounts.get(shard.id);
        if (c == null) {
            c = new long[McSlabs.classes() + 1][COUNTERS];
            classCounts.put(shard.id, c);
        }
        return c;
    }

    /** memcached's memory limit (limit_maxbytes, settings maxbytes): maxmemory, which items share with RESP keys. */
    long maxBytes() {
        return server.engine().maxMemory();
    }

    /** memcached-no-evict: memcached's -M, a store over maxmemory is refused instead of evicting. */
    boolean noEvict() {
        return server.config().getBool("memcached-no-evict");
    }

    void resetStats() {
        for (Shard s : server.engine().shards()) {
            s.run(() -> {
                for (long[] c : classCounts(s)) {
                    java.util.Arrays.fill(c, 0);
                }
            });
        }
        for (LongAdder a : new LongAdder[] {totalConnections, rejectedConnections, cmdGet, cmdSet, cmdFlush, cmdTouch,
            getHits, getMisses, getExpired, getFlushed, deleteMisses, deleteHits, incrMisses, incrHits, decrMisses,
            decrHits, casMisses, casHits, casBadval, touchHits, touchMisses, bytesRead, bytesWritten, totalItems,
            storeTooLarge, storeNoMemory, authCmds, authErrors}) {
            a.reset();
        }
        prefixStats.clear();
    }
}
