package io.ferrite.engine;

/**
 * Counters one shard's thread updates without sharing: INFO and the metrics sum them over shards.
 * Readers on other threads may see slightly stale figures, as INFO allows.
 */
public final class ShardStats {
    public long keyspaceHits;
    public long keyspaceMisses;
    public long expiredKeys;
    public long expiredStalePerc;
    public long expireCycleCpuMillis;
    public long commandsProcessed;
    public long[] calls;
    public long[] micros;
    public long[] failed;
    public long[] rejected;
    public long crossShardOps;

    ShardStats(int commands) {
        calls = new long[commands];
        micros = new long[commands];
        failed = new long[commands];
        rejected = new long[commands];
    }

    public void reset() {
        keyspaceHits = 0;
        keyspaceMisses = 0;
        expiredKeys = 0;
        commandsProcessed = 0;
        crossShardOps = 0;
        java.util.Arrays.fill(calls, 0);
        java.util.Arrays.fill(micros, 0);
        java.util.Arrays.fill(failed, 0);
        java.util.Arrays.fill(rejected, 0);
    }
}
