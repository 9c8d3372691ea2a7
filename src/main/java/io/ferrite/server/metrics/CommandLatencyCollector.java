package io.ferrite.server.metrics;

import io.ferrite.engine.Engine;
import io.ferrite.engine.Shard;
import io.ferrite.engine.ShardStats;
import io.ferrite.engine.command.Command;
import io.ferrite.engine.command.CommandTable;
import io.ferrite.stats.LatencyHistogram;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

/**
 * ferrite_command_latency_seconds{cmd}: a Prometheus histogram per command, summed at scrape time
 * from every shard's {@link LatencyHistogram} (the same ones INFO latencystats and LATENCY
 * HISTOGRAM read), so recording a call costs an array increment on the shard's own thread and no
 * shared counter. Bucket bounds are powers of two nanoseconds, 256 ns to 17 s, which the shard
 * histograms count exactly.
 */
final class CommandLatencyCollector implements MultiCollector {
    static final String NAME = "ferrite_command_latency_seconds";
    private static final int LOW = 8;
    private static final int HIGH = 34;
    private static final double[] BOUNDS = bounds();

    private final Engine engine;
    private final CommandTable table;
    private final String name;
    private final String help;

    /** The histograms of {@code table}'s commands (Redis's, or memcached's under a name of their own). */
    CommandLatencyCollector(Engine engine, CommandTable table, String name, String help) {
        this.engine = engine;
        this.table = table;
        this.name = name;
        this.help = help;
    }

    private static double[] bounds() {
        double[] b = new double[HIGH - LOW + 2];
        for (int k = LOW; k <= HIGH; k++) {
            b[k - LOW] = (1L << k) / 1e9;
        }
        b[b.length - 1] = Double.POSITIVE_INFINITY;
        return b;
    }

    @Override
    public MetricSnapshots collect() {
        HistogramSnapshot.Builder h = HistogramSnapshot.builder().name(name).help(help);
        Shard[] shards = engine.shards();
        for (Command cmd : table.all()) {
            LatencyHistogram.Merged m = ShardStats.latency(shards, cmd.id());
            if (m == null || m.count() == 0) {
                continue;
            }
            long[] counts = new long[BOUNDS.length];
            long below = 0;
            for (int k = LOW; k <= HIGH; k++) {
                long atMost = m.atMostPowerOfTwo(k);
                counts[k - LOW] = atMost - below;
                below = atMost;
            }
            counts[counts.length - 1] = m.count() - below;
            h.dataPoint(HistogramSnapshot.HistogramDataPointSnapshot.builder()
                .classicHistogramBuckets(ClassicHistogramBuckets.of(BOUNDS, counts))
                .sum(m.sumNanos() / 1e9)
                .labels(Labels.of("cmd", cmd.fullName()))
                .build());
        }
        return MetricSnapshots.of(h.build());
    }
}
