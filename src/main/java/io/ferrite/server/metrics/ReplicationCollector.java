package io.ferrite.server.metrics;

import io.ferrite.server.replication.Replication;
import io.ferrite.server.replication.ReplicationPump;
import io.ferrite.server.replication.replica.Replica;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import java.util.function.Supplier;

/**
 * Replication as INFO replication shows it, read at scrape time: the role, the stream's offset and
 * backlog, the sync counters, and per replica (labelled {@code replica="ip:port"}, which come and
 * go, hence a collector rather than registered meters) its acknowledged offset and lag in bytes
 * and seconds; on a replica, its link to the master. Nothing waits for the replication thread.
 */
final class ReplicationCollector implements MultiCollector {
    private final Supplier<Replication> replication;
    private final Supplier<Replica> replica;

    ReplicationCollector(Supplier<Replication> replication, Supplier<Replica> replica) {
        this.replication = replication;
        this.replica = replica;
    }

    @Override
    public MetricSnapshots collect() {
        Replication repl = replication.get();
        Replica own = replica.get();
        MetricSnapshots.Builder out = MetricSnapshots.builder();
        if (repl == null) {
            return out.build();
        }
        ReplicationPump.Figures f = repl.pump().figures();
        boolean isReplica = own != null && own.isReplica();
        out.metricSnapshot(gauge("ferrite_replication_is_replica", "1 on a replica (INFO role:slave), 0 on a primary", isReplica ? 1 : 0));
        out.metricSnapshot(gauge("ferrite_replication_offset_bytes", "The replication stream's offset (INFO master_repl_offset)", f.offset()));
        out.metricSnapshot(gauge("ferrite_replication_backlog_bytes", "Stream bytes held for partial resyncs (INFO repl_backlog_histlen)",
            f.backlogHistlen()));
        out.metricSnapshot(gauge("ferrite_replication_buffer_memory_bytes",
            "Memory of the backlog and the replicas' output, which share blocks (INFO mem_total_replication_buffers)", f.backlogMemory()));
        Replication.SyncCounts syncs = repl.syncCounts();
        out.metricSnapshot(counter("ferrite_replication_full_syncs", "Full syncs served to replicas (INFO sync_full)",
            Labels.EMPTY, syncs.full()));
        out.metricSnapshot(CounterSnapshot.builder().name("ferrite_replication_partial_syncs")
            .help("Partial resyncs asked of this server, accepted or refused (INFO sync_partial_ok, sync_partial_err)")
            .dataPoint(counterPoint(Labels.of("result", "ok"), syncs.partialOk()))
            .dataPoint(counterPoint(Labels.of("result", "err"), syncs.partialErr()))
            .build());
        var replicas = repl.replicaReadings();
        out.metricSnapshot(gauge("ferrite_replication_connected_replicas", "Replicas attached (INFO connected_slaves)", replicas.size()));
        GaugeSnapshot.Builder acked = GaugeSnapshot.builder().name("ferrite_replica_acked_offset_bytes")
            .help("The offset each replica last acknowledged (INFO slaveN offset)");
        GaugeSnapshot.Builder lagBytes = GaugeSnapshot.builder().name("ferrite_replica_lag_bytes")
            .help("Stream bytes an online replica has not acknowledged yet");
        GaugeSnapshot.Builder lagSeconds = GaugeSnapshot.builder().name("ferrite_replica_lag_seconds")
            .help("Seconds since an online replica's last acknowledgement (INFO slaveN lag)");
        for (Replication.ReplicaReading r : replicas) {
            Labels l = Labels.of("replica", r.ip() + ":" + r.port(), "state", r.state());
            acked.dataPoint(gaugePoint(l, r.ackOffset()));
            lagBytes.dataPoint(gaugePoint(l, r.lagBytes()));
            lagSeconds.dataPoint(gaugePoint(l, r.lagSeconds()));
        }
        out.metricSnapshot(acked.build()).metricSnapshot(lagBytes.build()).metricSnapshot(lagSeconds.build());
        if (isReplica) {
            out.metricSnapshot(gauge("ferrite_master_link_up", "1 while the link to the master is up (INFO master_link_status)",
                own.linkUp() ? 1 : 0));
            out.metricSnapshot(gauge("ferrite_master_last_io_seconds", "Seconds since the master last sent anything, -1 without a link",
                own.lastIoSecondsAgo()));
            out.metricSnapshot(gauge("ferrite_replica_processed_offset_bytes", "The master's stream offset this replica has applied (INFO slave_repl_offset)",
                own.processedOffset()));
        }
        return out.build();
    }

    private static GaugeSnapshot gauge(String name, String help, double value) {
        return GaugeSnapshot.builder().name(name).help(help).dataPoint(gaugePoint(Labels.EMPTY, value)).build();
    }

    private static CounterSnapshot counter(String name, String help, Labels labels, double value) {
        return CounterSnapshot.builder().name(name).help(help).dataPoint(counterPoint(labels, value)).build();
    }

    private static GaugeSnapshot.GaugeDataPointSnapshot gaugePoint(Labels labels, double value) {
        return GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(labels).value(value).build();
    }

    private static CounterSnapshot.CounterDataPointSnapshot counterPoint(Labels labels, double value) {
        return CounterSnapshot.CounterDataPointSnapshot.builder().labels(labels).value(value).build();
    }
}
