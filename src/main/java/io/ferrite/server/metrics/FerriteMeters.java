package io.ferrite.server.metrics;

import io.ferrite.engine.command.Command;
import io.ferrite.engine.command.CommandTable;
import io.ferrite.engine.Engine;
import io.ferrite.engine.Shard;
import io.ferrite.server.ServerStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.function.ToDoubleFunction;

/**
 * Ferrite's Prometheus metrics on a Micrometer registry. Nothing here is updated on the data path:
 * every meter is a function over the counters INFO reads (each shard's {@code ShardStats}, the
 * server's {@code ServerStats}, memcached's stats), evaluated when Prometheus scrapes, so INFO and
 * /metrics always agree. Per-command meters are registered at scrape time for the commands that
 * have been called, as INFO commandstats lists them.
 */
public final class FerriteMeters implements AutoCloseable {
    private final MeterSources server;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Set<Integer> commandsRegistered = new HashSet<>();
    private final Set<String> errorCodesRegistered = new HashSet<>();
    private final JvmGcMetrics gc = new JvmGcMetrics();
    /** Micrometer holds a function meter's state object weakly: these keep the suppliers alive. */
    private final java.util.List<Object> suppliers = new java.util.ArrayList<>();

    public FerriteMeters(MeterSources server) {
        this.server = server;
        Engine engine = server.engine();
        ServerStats st = server.stats();
        MeterRegistry r = registry;
        lintClean(r);

        counter("ferrite_commands_processed", "Commands executed (INFO total_commands_processed)",
            () -> sumShards(s -> s.stats.commandsProcessed()), Tags.empty());
        counter("ferrite_keyspace_hits", "Key lookups that found the key", () -> sumShards(s -> s.stats.keyspaceHits()), Tags.empty());
        counter("ferrite_keyspace_misses", "Key lookups that did not find the key", () -> sumShards(s -> s.stats.keyspaceMisses()), Tags.empty());
        counter("ferrite_expired_keys", "Keys deleted because their TTL passed", () -> sumShards(s -> s.stats.expiredKeys()), Tags.empty());
        counter("ferrite_evicted_keys", "Keys removed by maxmemory's eviction policy (INFO evicted_keys)",
            () -> sumShards(s -> s.stats.evictedKeys()), Tags.empty());
        counter("ferrite_expired_time_cap_reached", "Active expiry cycles stopped by their time limit",
            () -> sumShards(s -> s.stats.expiredTimeCapReached()), Tags.empty());
        counter("ferrite_connections_received", "Connections accepted", st.totalConnections::sum, Tags.empty());
        counter("ferrite_rejected_connections", "Connections refused because of maxclients", st.rejectedConnections::sum, Tags.empty());
        counter("ferrite_net_input_bytes", "Bytes read from clients (RESP and memcached)", st.netInputBytes::sum, Tags.empty());
        counter("ferrite_net_output_bytes", "Bytes written to RESP clients (memcached's: ferrite_memcached_written_bytes)", st.netOutputBytes::sum, Tags.empty());
        counter("ferrite_error_replies", "Error replies sent (INFO total_error_replies)", st.totalErrorReplies::sum, Tags.empty());
        gauge("ferrite_connected_clients", "RESP clients connected", () -> st.connectedClients.get(), Tags.empty());
        gauge("ferrite_blocked_clients", "Clients waiting in a blocking command", server::blockedClients, Tags.empty());
        gauge("ferrite_monitor_clients", "Clients in MONITOR mode", () -> server.observer().monitors().size(), Tags.empty());
        gauge("ferrite_memory_used_bytes", "INFO used_memory: the data's estimated size plus the start-up baseline",
            engine::usedMemory, Tags.empty());
        gauge("ferrite_slowlog_length", "Entries in the slow log (SLOWLOG LEN)",
            () -> Math.min(server.observer().slowlogMaxLen(), sumShards(s -> s.stats.slowlog.length())), Tags.empty());
        Gauge.builder("ferrite_uptime_seconds", server, s -> (System.currentTimeMillis() - s.startMillis()) / 1000.0)
            .description("Seconds since the server started").register(r);

        for (Shard s : engine.shards()) {
            Tags shard = Tags.of("shard", Integer.toString(s.id));
            gauge("ferrite_shard_memory_bytes", "Estimated size of the shard's data", s::memory, shard);
            gauge("ferrite_shard_queue_depth", "Work waiting for the shard: queued tasks and work parked behind a hold",
                s::queueDepth, shard);
            counter("ferrite_shard_commands_processed", "Commands executed on the shard", () -> s.stats.commandsProcessed(), shard);
            counter("ferrite_cross_shard_ops", "Commands that held several shards (cross-shard hops)",
                () -> s.stats.crossShardOps(), shard);
        }
        int dbs = server.config().getInt("databases");
        for (int db = 0; db < dbs; db++) {
            int d = db;
            Tags tag = Tags.of("db", "db" + db);
            gauge("ferrite_db_keys", "Keys in the database", () -> engine.keys(d), tag);
            gauge("ferrite_db_keys_expiring", "Keys with a TTL in the database", () -> engine.expires(d), tag);
        }

        var mc = server.memcached();
        Map<String, LongSupplier> mcs = mc.counters();
        for (String cmd : new String[] {"get", "set", "flush", "touch", "meta"}) {
            counter("ferrite_memcached_commands", "memcached commands (stats cmd_*)", mcs.get("cmd_" + cmd), Tags.of("cmd", cmd));
        }
        for (String cmd : new String[] {"get", "delete", "incr", "decr", "cas", "touch"}) {
            counter("ferrite_memcached_hits", "memcached commands that found their item (stats *_hits)",
                mcs.get(cmd + "_hits"), Tags.of("cmd", cmd));
            counter("ferrite_memcached_misses", "memcached commands that did not find their item (stats *_misses)",
                mcs.get(cmd + "_misses"), Tags.of("cmd", cmd));
        }
        counter("ferrite_memcached_read_bytes", "Bytes read by the memcached listener (stats bytes_read)",
            mcs.get("bytes_read"), Tags.empty());
        counter("ferrite_memcached_written_bytes", "Bytes written by the memcached listener (stats bytes_written)",
            mcs.get("bytes_written"), Tags.empty());
        gauge("ferrite_memcached_connections", "memcached connections", mc::connections, Tags.empty());
        gauge("ferrite_memcached_items", "memcached items stored", () -> sumShards(s -> s.keys(s.databases())), Tags.empty());

        new JvmMemoryMetrics().bindTo(r);
        gc.bindTo(r);
        new JvmThreadMetrics().bindTo(r);
        new ClassLoaderMetrics().bindTo(r);
        new ProcessorMetrics().bindTo(r);
        new UptimeMetrics().bindTo(r);
        new FileDescriptorMetrics().bindTo(r);

        registry.getPrometheusRegistry().register(new CommandLatencyCollector(engine, engine.commands(),
            CommandLatencyCollector.NAME, "Command execution time on its shard (latency-tracking), by command"));
        registry.getPrometheusRegistry().register(new CommandLatencyCollector(engine, mc.commands(),
            "ferrite_memcached_command_latency_seconds", "memcached command execution time on its shard (latency-tracking), by command"));
        registry.getPrometheusRegistry().register(new ReplicationCollector(server::replication, server::replica));
    }

    /**
     * Keeps the exposition clean for promtool's linter: Micrometer's process.cpu.time (in "ns")
     * becomes Prometheus's usual process_cpu_seconds_total, and system.cpu.count (a gauge whose
     * name ends in _count, which the linter reserves for histograms) becomes system_cpu_cores.
     */
    private void lintClean(MeterRegistry r) {
        r.config().meterFilter(io.micrometer.core.instrument.config.MeterFilter.deny(
            id -> id.getName().equals("process.cpu.time")));
        r.config().meterFilter(new io.micrometer.core.instrument.config.MeterFilter() {
            @Override
            public io.micrometer.core.instrument.Meter.Id map(io.micrometer.core.instrument.Meter.Id id) {
                return id.getName().equals("system.cpu.count") ? id.withName("system.cpu.cores") : id;
            }
        });
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
            instanceof com.sun.management.OperatingSystemMXBean os) {
            FunctionCounter.builder("process_cpu_seconds", os, o -> o.getProcessCpuTime() / 1e9)
                .description("CPU time used by the process").register(r);
        }
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /**
     * Registers the meters of commands and error codes seen since the last scrape. memcached's
     * commands, timed and counted by the engine like Redis's, get meters of their own names
     * (ferrite_memcached_command_*), so that a memcached get never adds to Redis's GET.
     */
    public synchronized void refresh() {
        registerCalled(server.engine().commands(), "ferrite_command");
        registerCalled(server.memcached().commands(), "ferrite_memcached_command");
        for (Map.Entry<String, LongAdder> e : server.stats().errorsByCode.entrySet()) {
            if (errorCodesRegistered.add(e.getKey())) {
                String code = e.getKey();
                counter("ferrite_errors", "Error replies by error code (INFO errorstats)",
                    () -> {
                        LongAdder now = server.stats().errorsByCode.get(code);
                        return now == null ? 0 : now.sum();
                    }, Tags.of("err", code));
            }
        }
    }

    private void registerCalled(CommandTable table, String prefix) {
        Shard[] shards = server.engine().shards();
        for (Command cmd : table.all()) {
            int id = cmd.id();
            if (commandsRegistered.contains(id)) {
                continue;
            }
            long seen = 0;
            for (Shard s : shards) {
                seen += s.stats.calls(id) + s.stats.failed(id) + s.stats.rejected(id);
            }
            if (seen == 0) {
                continue;
            }
            commandsRegistered.add(id);
            Tags tag = Tags.of("cmd", cmd.fullName());
            counter(prefix + "_calls", "Calls of the command (INFO commandstats calls)",
                () -> sumShards(s -> s.stats.calls(id)), tag);
            counter(prefix + "_failed_calls", "Calls that replied with an error (failed_calls)",
                () -> sumShards(s -> s.stats.failed(id)), tag);
            counter(prefix + "_rejected_calls", "Calls refused before running: arity, auth ... (rejected_calls)",
                () -> sumShards(s -> s.stats.rejected(id)), tag);
            LongSupplier micros = () -> sumShards(s -> s.stats.micros(id));
            suppliers.add(micros);
            FunctionCounter.builder(prefix + "_duration_seconds", micros, m -> m.getAsLong() / 1e6)
                .description("Total execution time of the command (INFO commandstats usec)").tags(tag).register(registry);
        }
    }

    private long sumShards(java.util.function.ToLongFunction<Shard> f) {
        long n = 0;
        for (Shard s : server.engine().shards()) {
            n += f.applyAsLong(s);
        }
        return n;
    }

    private void counter(String name, String help, LongSupplier value, Tags tags) {
        suppliers.add(value);
        FunctionCounter.builder(name, value, v -> (double) v.getAsLong()).description(help).tags(tags).register(registry);
    }

    private void gauge(String name, String help, LongSupplier value, Tags tags) {
        ToDoubleFunction<LongSupplier> f = v -> (double) v.getAsLong();
        Gauge.builder(name, value, f).description(help).tags(tags).strongReference(true).register(registry);
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
