package io.ferrite.engine;

import io.ferrite.common.ShardConfined;
import io.ferrite.stats.LatencyEvents;
import io.ferrite.stats.LatencyHistogram;
import io.ferrite.stats.SlowLog;

/**
 * Counters one shard's thread updates without sharing: INFO and the metrics sum them over shards.
 * Readers on other threads may see slightly stale figures, as INFO allows.
 */
@ShardConfined
public final class ShardStats {
    long keyspaceHits;
    long keyspaceMisses;
    long expiredKeys;
    /** Keys removed by maxmemory's eviction (INFO evicted_keys). */
    long evictedKeys;
    long expiredStalePerc;
    long expireCycleCpuMillis;
    long expiredTimeCapReached;
    /** Per database, the estimated mean TTL (ms) of its expiring keys, as the expire cycle samples it (INFO avg_ttl). */
    volatile long[] avgTtl = new long[0];
    long commandsProcessed;
    long[] calls;
    long[] micros;
    long[] failed;
    long[] rejected;
    long crossShardOps;
    /** Redis's lazyfreed_objects: values UNLINK or FLUSHDB/FLUSHALL ASYNC freed "in the background". */
    long lazyfreedObjects;
    /**
     * Redis's server.dirty: changes made to this shard's data, one per key a command adds,
     * overwrites, changes, deletes or sets a TTL on (plus what {@link Keyspace#countChanges} adds).
     * Nothing saves yet, so it only grows; INFO's rdb_changes_since_last_save sums it.
     */
    long dirty;
    /** Per-command latency histograms (latency-tracking), created on a command's first call. */
    final LatencyHistogram[] latency;
    /** This shard's part of the slow log and of the latency monitor's samples. */
    public final SlowLog slowlog = new SlowLog();
    public final LatencyEvents latencyEvents = new LatencyEvents();

    ShardStats(int commands) {
        latency = new LatencyHistogram[commands];
        calls = new long[commands];
        micros = new long[commands];
        failed = new long[commands];
        rejected = new long[commands];
    }

    public void reset() {
        keyspaceHits = 0;
        keyspaceMisses = 0;
        expiredKeys = 0;
        evictedKeys = 0;
        expiredTimeCapReached = 0;
        commandsProcessed = 0;
        crossShardOps = 0;
        lazyfreedObjects = 0;
        java.util.Arrays.fill(calls, 0);
        java.util.Arrays.fill(micros, 0);
        java.util.Arrays.fill(failed, 0);
        java.util.Arrays.fill(rejected, 0);
        // as Redis's resetCommandTableStats, the histograms go too (the slow log and latency samples stay)
        java.util.Arrays.fill(latency, null);
        expireCycleCpuMillis = 0;
        expiredStalePerc = 0;
    }

    /** The command's histogram on this shard, created on first use (on the shard's thread). */
    public LatencyHistogram latency(int command) {
        LatencyHistogram h = latency[command];
        if (h == null) {
            h = new LatencyHistogram();
            latency[command] = h;
        }
        return h;
    }

    /** A command's latency histograms summed over the shards; null when no shard has one. */
    public static LatencyHistogram.Merged latency(Shard[] shards, int command) {
        LatencyHistogram.Merged m = null;
        for (Shard s : shards) {
            LatencyHistogram h = s.stats.latency[command];
            if (h != null) {
                m = (m == null ? new LatencyHistogram.Merged() : m).add(h);
            }
        }
        return m;
    }

    // ---------------------------------------------------------------- read by INFO and the metrics (any thread: an instant's figure)

    public long keyspaceHits() {
        return keyspaceHits;
    }

    public long keyspaceMisses() {
        return keyspaceMisses;
    }

    public long expiredKeys() {
        return expiredKeys;
    }

    public long evictedKeys() {
        return evictedKeys;
    }

    public long expiredStalePerc() {
        return expiredStalePerc;
    }

    public long expireCycleCpuMillis() {
        return expireCycleCpuMillis;
    }

    public long expiredTimeCapReached() {
        return expiredTimeCapReached;
    }

    public long commandsProcessed() {
        return commandsProcessed;
    }

    public long crossShardOps() {
        return crossShardOps;
    }

    public long lazyfreedObjects() {
        return lazyfreedObjects;
    }

    public long dirty() {
        return dirty;
    }

    public long[] avgTtl() {
        return avgTtl;
    }

    public long calls(int command) {
        return calls[command];
    }

    public long micros(int command) {
        return micros[command];
    }

    public long failed(int command) {
        return failed[command];
    }

    public long rejected(int command) {
        return rejected[command];
    }

    /** The command's histogram on this shard, or null before its first call. */
    public LatencyHistogram histogram(int command) {
        return latency[command];
    }

    // ---------------------------------------------------------------- counted by other layers, on this shard's thread

    /** A command the engine answered itself (MULTI, WATCH ...). */
    public void countAnswered(int command) {
        calls[command]++;
        commandsProcessed++;
    }

    /** Values freed "in the background" (FLUSHALL ASYNC). */
    public void countLazyfreed(long objects) {
        lazyfreedObjects += objects;
    }
}
