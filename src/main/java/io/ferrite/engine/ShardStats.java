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
    public long keyspaceHits;
    public long keyspaceMisses;
    public long expiredKeys;
    /** Keys removed by maxmemory's eviction (INFO evicted_keys). */
    public long evictedKeys;
    public long expiredStalePerc;
    public long expireCycleCpuMillis;
    public long expiredTimeCapReached;
    /** Per database, the estimated mean TTL (ms) of its expiring keys, as the expire cycle samples it (INFO avg_ttl). */
    public volatile long[] avgTtl = new long[0];
    public long commandsProcessed;
    public long[] calls;
    public long[] micros;
    public long[] failed;
    public long[] rejected;
    public long crossShardOps;
    /** Redis's lazyfreed_objects: values UNLINK or FLUSHDB/FLUSHALL ASYNC freed "in the background". */
    public long lazyfreedObjects;
    /**
     * Redis's server.dirty: changes made to this shard's data, one per key a command adds,
     * overwrites, changes, deletes or sets a TTL on (plus what {@link Keyspace#countChanges} adds).
     * Nothing saves yet, so it only grows; INFO's rdb_changes_since_last_save sums it.
     */
    public long dirty;
    /** Per-command latency histograms (latency-tracking), created on a command's first call. */
    public final LatencyHistogram[] latency;
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
}
