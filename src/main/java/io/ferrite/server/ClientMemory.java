package io.ferrite.server;

import io.ferrite.common.Log;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Clients' memory as Redis 7.0 counts it, and client eviction (networking.c getClientMemoryUsage,
 * evictClients). Each connection measures itself on its own thread (query buffer, arguments,
 * MULTI queue, watched keys, subscriptions, tracking prefixes, replies waiting to be written) and
 * adds the change to these totals; the totals are striped adders, so connections on different
 * loops never contend, and a reader sums them (INFO's mem_clients_normal and mem_clients_slaves,
 * used_memory, maxmemory's eviction).
 *
 * <p>Over {@code maxmemory-clients} the largest evictable clients are closed first until the
 * normal and pub/sub clients' total is back under it; replicas, the master and clients with
 * CLIENT NO-EVICT on are never closed but still count, as in Redis.
 */
public final class ClientMemory {
    /** Redis's floor for maxmemory-clients (getClientEvictionLimit): a tiny value cannot cut every client off. */
    static final long LEAST_LIMIT = 128 * 1024;

    /** A client's cost beyond its buffers: its objects (client, connection, decoder, channel). */
    static final long PER_CLIENT = 1024;
    /** Each watched key (Redis counts a list node and a watchedKey). */
    static final long PER_WATCHED_KEY = 56;
    /** Each channel, shard channel or pattern subscribed (Redis counts its dict entry or list node). */
    static final long PER_SUBSCRIPTION = 32;
    /** Each BCAST tracking prefix (Redis's rax node estimate). */
    static final long PER_PREFIX = 48;

    private final LongAdder normal = new LongAdder();
    private final LongAdder replicas = new LongAdder();
    private final ServerStats stats;
    private final AtomicBoolean evicting = new AtomicBoolean();
    /** maxmemory-clients in bytes as it applies now (0 = off), after its floor. */
    private volatile long limit;

    ClientMemory(ServerStats stats) {
        this.stats = stats;
    }

    /** What a client's memory adds up to (CLIENT LIST's tot-mem). */
    static long usage(long queryAllocated, long argvBytes, long multiBytes, long outputBytes,
            int watchedKeys, int subscriptions, int prefixes) {
        return PER_CLIENT + queryAllocated + argvBytes + multiBytes + outputBytes
            + watchedKeys * PER_WATCHED_KEY + subscriptions * PER_SUBSCRIPTION + prefixes * PER_PREFIX;
    }

    /** A connection's measured memory changed by {@code delta} bytes. */
    void add(boolean replica, long delta) {
        (replica ? replicas : normal).add(delta);
    }

    /** INFO memory's mem_clients_normal: normal and pub/sub clients. */
    public long normal() {
        return Math.max(0, normal.sum());
    }

    /** INFO memory's mem_clients_slaves: replicas (a MONITOR client counts as normal, as in Redis). */
    public long replicas() {
        return Math.max(0, replicas.sum());
    }

    /**
     * maxmemory-clients as bytes: a size, or a percentage of maxmemory (nothing when maxmemory is
     * 0), never under Redis's 128 KB floor; 0 for no limit.
     */
    void configure(String maxmemoryClients, long maxmemory) {
        String v = maxmemoryClients.trim();
        long bytes;
        if (v.endsWith("%")) {
            long pct = Long.parseLong(v.substring(0, v.length() - 1));
            bytes = maxmemory > 0 ? (long) ((double) maxmemory * pct / 100) : 0;
        } else {
            bytes = Long.parseLong(v);
        }
        limit = bytes <= 0 ? 0 : Math.max(bytes, LEAST_LIMIT);
    }

    public long limit() {
        return limit;
    }

    /**
     * Closes the largest evictable clients while the normal clients' memory is over the limit
     * (Redis walks its size buckets from the largest; here they are sorted outright). Callable from
     * any thread; one run at a time, a run already going covers the caller.
     */
    void evictIfOver(Iterable<RespConnection> connections) {
        long max = limit;
        if (max == 0 || normal.sum() <= max || !evicting.compareAndSet(false, true)) {
            return;
        }
        try {
            List<RespConnection> candidates = new ArrayList<>();
            for (RespConnection c : connections) {
                if (c.evictable()) {
                    candidates.add(c);
                }
            }
            candidates.sort(Comparator.comparingLong(RespConnection::countedMemory).reversed());
            for (RespConnection c : candidates) {
                if (normal.sum() <= max) {
                    return;
                }
                Log.notice("Evicting client: " + c.describe());
                if (c.evictForMemory()) {
                    stats.evictedClients.increment();
                }
            }
            if (normal.sum() > max) {
                Log.warning("Over client maxmemory after evicting all evictable clients");
            }
        } finally {
            evicting.set(false);
        }
    }
}
