package io.ferrite.server.metrics;

import io.ferrite.engine.Engine;
import io.ferrite.engine.Shard;
import io.ferrite.server.ServerStats;

/**
 * INFO's instantaneous_ops_per_sec, instantaneous_input_kbps, instantaneous_output_kbps and
 * used_memory_peak, as Redis's serverCron computes them: every 100 ms it samples the running
 * totals, and each rate is the mean over the last 16 samples. Runs on one shard's loop and only
 * reads counters.
 */
public final class InstantaneousMetrics {
    /** Redis's STATS_METRIC_SAMPLES. */
    private static final int SAMPLES = 16;

    private final Engine engine;
    private final ServerStats stats;
    private final java.util.function.LongSupplier usedMemory;
    private final Track ops = new Track();
    private final Track in = new Track();
    private final Track out = new Track();
    private volatile long peakMemory;

    public InstantaneousMetrics(Engine engine, ServerStats stats, java.util.function.LongSupplier usedMemory) {
        this.engine = engine;
        this.stats = stats;
        this.usedMemory = usedMemory;
    }

    /** One metric's samples: per-second rates derived from the totals at each tick. */
    private static final class Track {
        final double[] rates = new double[SAMPLES];
        int idx;
        long lastTotal = -1;
        long lastNanos;
        volatile double mean;

        void sample(long total, long nanos) {
            if (lastTotal >= 0 && nanos > lastNanos && total >= lastTotal) {
                rates[idx] = (total - lastTotal) * 1e9 / (nanos - lastNanos);
                idx = (idx + 1) % SAMPLES;
                double sum = 0;
                for (double r : rates) {
                    sum += r;
                }
                mean = sum / SAMPLES;
            }
            lastTotal = total;
            lastNanos = nanos;
        }
    }

    /** Takes one sample; scheduled every 100 ms. */
    public void tick() {
        long now = System.nanoTime();
        long processed = 0;
        for (Shard s : engine.shards()) {
            processed += s.stats.commandsProcessed();
        }
        ops.sample(processed, now);
        in.sample(stats.netInputBytes.sum(), now);
        out.sample(stats.netOutputBytes.sum(), now);
        notePeak(usedMemory.getAsLong());
    }

    /** Raises the peak to {@code used} if higher (also called whenever INFO computes used_memory). */
    public long notePeak(long used) {
        if (used > peakMemory) {
            peakMemory = used;
        }
        return peakMemory;
    }

    public long opsPerSec() {
        return Math.round(ops.mean);
    }

    public double inputKbps() {
        return in.mean / 1024;
    }

    public double outputKbps() {
        return out.mean / 1024;
    }

    public long peakMemory() {
        return peakMemory;
    }
}
