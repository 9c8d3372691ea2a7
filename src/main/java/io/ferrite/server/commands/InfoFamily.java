package io.ferrite.server.commands;

import io.ferrite.engine.Engine;
import io.ferrite.engine.LruClock;
import io.ferrite.engine.Shard;
import io.ferrite.engine.ShardStats;
import io.ferrite.engine.command.Call;
import io.ferrite.engine.command.Command;
import io.ferrite.engine.command.CommandRegistry;
import io.ferrite.server.Server;
import io.ferrite.server.replication.replica.Replica;
import io.ferrite.server.replication.replica.ReplicaInfo;
import io.ferrite.server.ServerStats;
import io.ferrite.server.Version;
import io.ferrite.stats.Percentiles;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * INFO [section ...] with Redis 7.0's section names, field names and layout (server.c
 * genRedisInfoString). Only fields Ferrite can report truly are printed: persistence says only that
 * nothing is loading or being saved (RDB and AOF do not exist yet), replication as the master
 * side sees it (io.ferrite.server.replication), and fields of missing features (forks,
 * pub/sub, client-side caching) are left out.
 */
public final class InfoFamily {
    /** Sections in the order Redis prints them. */
    private static final List<String> ORDER = List.of("server", "clients", "memory", "persistence", "stats",
        "replication", "cpu", "modules", "commandstats", "errorstats", "latencystats", "cluster", "keyspace");
    private static final Set<String> DEFAULT = Set.of("server", "clients", "memory", "persistence", "stats",
        "replication", "cpu", "module_list", "modules", "errorstats", "cluster", "keyspace");
    private static final Set<String> ALL_EXTRA = Set.of("commandstats", "latencystats");

    private InfoFamily() {
    }

    public static void register(CommandRegistry r) {
        r.add("info", InfoFamily::info);
    }

    static void info(Call c) {
        Set<String> wanted = new LinkedHashSet<>();
        if (c.argc() == 1) {
            wanted.addAll(DEFAULT);
        }
        for (int i = 1; i < c.argc(); i++) {
            String s = c.argString(i).toLowerCase(Locale.ROOT);
            switch (s) {
                case "default" -> wanted.addAll(DEFAULT);
                case "all", "everything" -> {
                    wanted.addAll(DEFAULT);
                    wanted.addAll(ALL_EXTRA);
                }
                default -> wanted.add(s);
            }
        }
        c.reply().verbatim(text(Server.of(c), wanted));
    }

    /** The INFO text for the given (lower-case) section names. */
    public static String text(Server server, Set<String> wanted) {
        StringBuilder out = new StringBuilder();
        int sections = 0;
        for (String s : ORDER) {
            if (!wanted.contains(s) && !(s.equals("modules") && wanted.contains("module_list"))) {
                continue;
            }
            if (sections++ > 0) {
                out.append("\r\n");
            }
            switch (s) {
                case "server" -> server(server, out);
                case "clients" -> clients(server, out);
                case "memory" -> memory(server, out);
                case "persistence" -> persistence(server, out);
                case "stats" -> stats(server, out);
                case "replication" -> replication(server, out);
                case "cpu" -> cpu(out);
                case "modules" -> out.append("# Modules\r\n");
                case "commandstats" -> commandstats(server, out);
                case "errorstats" -> errorstats(server, out);
                case "latencystats" -> latencystats(server, out);
                case "cluster" -> out.append("# Cluster\r\ncluster_enabled:0\r\n");
                case "keyspace" -> keyspace(server, out);
                default -> throw new IllegalStateException(s);
            }
        }
        return out.toString();
    }

    private static void field(StringBuilder out, String name, Object value) {
        out.append(name).append(':').append(value).append("\r\n");
    }

    private static void server(Server server, StringBuilder out) {
        long now = System.currentTimeMillis();
        long uptime = (now - server.startMillis()) / 1000;
        out.append("# Server\r\n");
        field(out, "redis_version", Version.REDIS);
        field(out, "ferrite_version", Version.FERRITE);
        field(out, "redis_mode", "standalone");
        field(out, "os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + arch());
        field(out, "arch_bits", "64".equals(System.getProperty("sun.arch.data.model")) ? 64 : 32);
        field(out, "multiplexing_api", server.epoll() ? "epoll" : "java-nio");
        field(out, "java_version", System.getProperty("java.version"));
        field(out, "process_id", ProcessHandle.current().pid());
        field(out, "process_supervised", "no");
        field(out, "run_id", server.runId());
        // as Redis: the TLS port when the plain one is off
        field(out, "tcp_port", server.respPort() != 0 ? server.respPort() : server.tlsPort());
        java.time.Instant t = java.time.Instant.now();
        field(out, "server_time_usec", t.getEpochSecond() * 1_000_000 + t.getNano() / 1000);
        field(out, "uptime_in_seconds", uptime);
        field(out, "uptime_in_days", uptime / 86400);
        field(out, "hz", server.config().get("hz"));
        field(out, "configured_hz", server.config().get("hz"));
        field(out, "lru_clock", LruClock.now());
        field(out, "executable", ProcessHandle.current().info().command().orElse(""));
        field(out, "config_file", server.config().file() == null ? "" : server.config().file().toString());
        field(out, "shards", server.engine().shardCount());
        long shutdownIn = server.shutdown().millisLeft();
        if (shutdownIn >= 0) {
            field(out, "shutdown_in_milliseconds", shutdownIn);
        }
    }

    private static String arch() {
        String a = System.getProperty("os.arch");
        return switch (a) {
            case "amd64" -> "x86_64";
            case "arm64" -> "aarch64";
            default -> a;
        };
    }

    private static void clients(Server server, StringBuilder out) {
        out.append("# Clients\r\n");
        // listLength(server.clients) - listLength(server.slaves)
        field(out, "connected_clients", server.stats().connectedClients.get() - server.replication().replicaCount());
        field(out, "cluster_connections", 0);
        field(out, "maxclients", server.config().get("maxclients"));
        field(out, "client_recent_max_input_buffer", server.recentMaxInputBuffer());
        field(out, "client_recent_max_output_buffer", server.recentMaxOutputBuffer());
        field(out, "blocked_clients", server.blockedClients());
        field(out, "tracking_clients", server.clients().stream().filter(rc -> rc.client().tracking.on()).count());
    }


    private static void memory(Server server, StringBuilder out) {
        long data = server.engine().memory();
        long used = server.engine().usedMemory();
        long rss = rss();
        long total = totalSystemMemory();
        long peak = server.instantaneous().notePeak(used);
        out.append("# Memory\r\n");
        field(out, "used_memory", used);
        field(out, "used_memory_human", bytesToHuman(used));
        field(out, "used_memory_rss", rss);
        field(out, "used_memory_rss_human", bytesToHuman(rss));
        field(out, "used_memory_peak", peak);
        field(out, "used_memory_peak_human", bytesToHuman(peak));
        field(out, "used_memory_peak_perc", percent(used, peak));
        field(out, "used_memory_startup", Engine.startupMemory());
        field(out, "used_memory_dataset", data);
        field(out, "used_memory_dataset_perc", percent(data, used - Engine.startupMemory()));
        field(out, "total_system_memory", total);
        field(out, "total_system_memory_human", bytesToHuman(total));
        server.scripting().memoryInfo((name, value) -> field(out, name, value));
        long max = server.engine().maxMemory();
        field(out, "maxmemory", max);
        field(out, "maxmemory_human", bytesToHuman(max));
        field(out, "maxmemory_policy", server.config().get("maxmemory-policy"));
        field(out, "mem_fragmentation_ratio", String.format(Locale.ROOT, "%.2f", (double) rss / used));
        field(out, "mem_fragmentation_bytes", rss - used);
        // replicas' output buffers count in used_memory but not for maxmemory (Redis's freeMemoryGetNotCountedMemory)
        field(out, "mem_not_counted_for_evict", server.engine().notCountedMemory());
        server.replication().memoryInfo(out);
        field(out, "mem_clients_slaves", server.clientMemory().replicas());
        field(out, "mem_clients_normal", server.clientMemory().normal());
        Runtime rt = Runtime.getRuntime();
        field(out, "jvm_heap_used", rt.totalMemory() - rt.freeMemory());
        field(out, "jvm_heap_max", rt.maxMemory());
        field(out, "mem_allocator", "jvm");
        // nothing waits to be freed: the collector reclaims unlinked values on its own threads
        field(out, "lazyfree_pending_objects", 0);
        long lazyfreed = 0;
        for (Shard s : server.engine().shards()) {
            lazyfreed += s.stats.lazyfreedObjects();
        }
        field(out, "lazyfreed_objects", lazyfreed);
    }

    /** Redis's "%.2f%%" of part over whole (0 when whole is 0). */
    private static String percent(long part, long whole) {
        return String.format(Locale.ROOT, "%.2f%%", whole <= 0 ? 0.0 : part * 100.0 / whole);
    }

    /**
     * RDB figures of SAVE, BGSAVE and the start-up load. There is no forked child: the
     * copy-on-write figures are the bytes a background save wrote ahead of its walk because
     * clients were changing those keys, its progress the keys of the cut and those written.
     */
    private static void persistence(Server server, StringBuilder out) {
        out.append("# Persistence\r\n");
        field(out, "loading", server.loading() ? 1 : 0);
        field(out, "async_loading", server.asyncLoading() ? 1 : 0);
        var rdb = server.rdb();
        var state = rdb.state();
        var bg = rdb.background();
        long total = bg == null ? 0 : bg.keysTotal();
        long processed = bg == null ? 0 : bg.keysProcessed();
        long cow = bg == null ? 0 : bg.preservedBytes();
        field(out, "current_cow_peak", cow);
        field(out, "current_cow_size", cow);
        field(out, "current_cow_size_age", bg == null ? 0 : (System.currentTimeMillis() - bg.preservedAtMillis()) / 1000);
        field(out, "current_fork_perc", String.format(Locale.ROOT, "%.2f", total == 0 ? 0.0 : processed * 100.0 / total));
        field(out, "current_save_keys_processed", processed);
        field(out, "current_save_keys_total", total);
        field(out, "rdb_changes_since_last_save", state.changesSince(rdb.dirtyNow()));
        field(out, "rdb_bgsave_in_progress", rdb.backgroundInProgress() ? 1 : 0);
        field(out, "rdb_last_save_time", state.lastSaveSeconds());
        field(out, "rdb_last_bgsave_status", state.lastBgsaveOk() ? "ok" : "err");
        field(out, "rdb_last_bgsave_time_sec", state.lastBgsaveSeconds());
        field(out, "rdb_current_bgsave_time_sec", state.currentBgsaveSeconds());
        field(out, "rdb_saves", state.saves());
        field(out, "rdb_last_cow_size", state.lastPreservedBytes());
        field(out, "rdb_last_load_keys_expired", state.lastLoadExpired());
        field(out, "rdb_last_load_keys_loaded", state.lastLoadLoaded());
        server.aof().info(out);
        field(out, "module_fork_in_progress", 0);
        field(out, "module_fork_last_cow_size", 0);
        server.aof().infoWhenOn(out);
        // Redis ends the section with the loading_* fields while a load runs
        server.loadProgress().appendInfo(out);
    }

    /** Redis's replication section: the replica's fields (ReplicaInfo) when following a master, then the primary side's. */
    private static void replication(Server server, StringBuilder out) {
        Replica replica = server.replica();
        server.replication().info(out, replica.isReplica() ? o -> ReplicaInfo.append(o, replica, server.config()) : null);
    }

    /** Resident set size from /proc/self/statm; the JVM's committed heap where that is not available. */
    static long rss() {
        try {
            String[] f = Files.readString(Path.of("/proc/self/statm")).trim().split("\\s+");
            return Long.parseLong(f[1]) * 4096;
        } catch (IOException | RuntimeException e) {
            return Runtime.getRuntime().totalMemory();
        }
    }

    private static long totalSystemMemory() {
        try {
            var os = ManagementFactory.getOperatingSystemMXBean();
            if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
                return sun.getTotalMemorySize();
            }
        } catch (RuntimeException | LinkageError ignored) {
            // not available on this JVM
        }
        return 0;
    }

    /** Redis's bytesToHuman: B, K, M, G, T, P with two decimals. */
    static String bytesToHuman(long n) {
        double d = n;
        if (n < 1024) {
            return n + "B";
        }
        String[] units = {"K", "M", "G", "T", "P"};
        for (int i = 0; i < units.length; i++) {
            d /= 1024;
            if (d < 1024 || i == units.length - 1) {
                return String.format(Locale.ROOT, "%.2f%s", d, units[i]);
            }
        }
        return n + "B";
    }

    private static void stats(Server server, StringBuilder out) {
        ServerStats st = server.stats();
        long processed = 0;
        long expired = 0;
        long stalePerc = 0;
        long expireCpu = 0;
        long timeCap = 0;
        long hits = 0;
        long misses = 0;
        long cross = 0;
        long evicted = 0;
        Shard[] shards = server.engine().shards();
        for (Shard s : shards) {
            ShardStats ss = s.stats;
            processed += ss.commandsProcessed();
            expired += ss.expiredKeys();
            evicted += ss.evictedKeys();
            stalePerc += ss.expiredStalePerc();
            expireCpu += ss.expireCycleCpuMillis();
            timeCap += ss.expiredTimeCapReached();
            hits += ss.keyspaceHits();
            misses += ss.keyspaceMisses();
            cross += ss.crossShardOps();
        }
        out.append("# Stats\r\n");
        field(out, "total_connections_received", st.totalConnections.sum());
        var inst = server.instantaneous();
        field(out, "total_commands_processed", processed);
        field(out, "instantaneous_ops_per_sec", inst.opsPerSec());
        field(out, "total_net_input_bytes", st.netInputBytes.sum());
        field(out, "total_net_output_bytes", st.netOutputBytes.sum());
        field(out, "instantaneous_input_kbps", String.format(Locale.ROOT, "%.2f", inst.inputKbps()));
        field(out, "instantaneous_output_kbps", String.format(Locale.ROOT, "%.2f", inst.outputKbps()));
        field(out, "rejected_connections", st.rejectedConnections.sum());
        server.replication().statsInfo(out);
        field(out, "expired_keys", expired);
        field(out, "expired_stale_perc", String.format(Locale.ROOT, "%.2f", (double) stalePerc / shards.length));
        field(out, "expired_time_cap_reached_count", timeCap);
        field(out, "expire_cycle_cpu_milliseconds", expireCpu);
        field(out, "evicted_keys", evicted);
        field(out, "evicted_clients", st.evictedClients.sum());
        field(out, "total_eviction_exceeded_time", server.engine().evictionExceededMillis(false));
        field(out, "current_eviction_exceeded_time", server.engine().evictionExceededMillis(true));
        field(out, "keyspace_hits", hits);
        field(out, "keyspace_misses", misses);
        long channels = 0;
        long shardChannels = 0;
        for (Shard s : shards) {
            channels += s.pubsub.channelCount(false);
            shardChannels += s.pubsub.channelCount(true);
        }
        field(out, "pubsub_channels", channels);
        // every shard holds every pattern
        field(out, "pubsub_patterns", shards[0].pubsub.patternCount());
        field(out, "pubsubshard_channels", shardChannels);
        field(out, "total_forks", st.totalForks.sum());
        field(out, "migrate_cached_sockets", server.migrateLinks().size());
        long ownExpires = 0;
        for (Shard s : shards) {
            ownExpires += s.replicaOwnExpires();
        }
        field(out, "slave_expires_tracked_keys", ownExpires);
        long trackedKeys = 0;
        long trackedItems = 0;
        for (Shard s : shards) {
            trackedKeys += s.tracking.keys();
            trackedItems += s.tracking.items();
        }
        field(out, "tracking_total_keys", trackedKeys);
        field(out, "tracking_total_items", trackedItems);
        // every shard holds every BCAST prefix
        field(out, "tracking_total_prefixes", shards[0].tracking.prefixCount());
        field(out, "unexpected_error_replies", st.unexpectedErrorReplies.sum());
        field(out, "total_error_replies", st.totalErrorReplies.sum());
        field(out, "cross_shard_ops", cross);
    }

    /** used_cpu_sys / used_cpu_user from /proc/self/stat (clock ticks of 1/100 s), as Redis's getrusage. */
    private static void cpu(StringBuilder out) {
        double user = 0;
        double sys = 0;
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            user = Long.parseLong(f[11]) / 100.0;
            sys = Long.parseLong(f[12]) / 100.0;
        } catch (IOException | RuntimeException e) {
            var os = ManagementFactory.getOperatingSystemMXBean();
            if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
                user = sun.getProcessCpuTime() / 1e9;
            }
        }
        out.append("# CPU\r\n");
        field(out, "used_cpu_sys", String.format(Locale.ROOT, "%.6f", sys));
        field(out, "used_cpu_user", String.format(Locale.ROOT, "%.6f", user));
        field(out, "used_cpu_sys_children", "0.000000");
        field(out, "used_cpu_user_children", "0.000000");
    }

    private static void commandstats(Server server, StringBuilder out) {
        out.append("# Commandstats\r\n");
        Shard[] shards = server.engine().shards();
        for (Command cmd : server.engine().commands().all()) {
            int id = cmd.id();
            long calls = 0;
            long usec = 0;
            long rejected = 0;
            long failed = 0;
            for (Shard s : shards) {
                calls += s.stats.calls(id);
                usec += s.stats.micros(id);
                rejected += s.stats.rejected(id);
                failed += s.stats.failed(id);
            }
            if (calls == 0 && rejected == 0 && failed == 0) {
                continue;
            }
            out.append("cmdstat_").append(cmd.fullName()).append(":calls=").append(calls)
                .append(",usec=").append(usec)
                .append(",usec_per_call=").append(String.format(Locale.ROOT, "%.2f", calls == 0 ? 0.0 : (double) usec / calls))
                .append(",rejected_calls=").append(rejected)
                .append(",failed_calls=").append(failed).append("\r\n");
        }
    }

    /**
     * latency_percentiles_usec_&lt;command&gt;:p50=..,p99=..,p99.9=.. for every command with a latency
     * histogram, the percentiles latency-tracking-info-percentiles names, in µs.
     */
    private static void latencystats(Server server, StringBuilder out) {
        out.append("# Latencystats\r\n");
        double[] pcts = server.observer().percentiles();
        Shard[] shards = server.engine().shards();
        for (Command cmd : server.engine().commands().all()) {
            var m = ShardStats.latency(shards, cmd.id());
            if (m == null || m.count() == 0) {
                continue;
            }
            out.append("latency_percentiles_usec_").append(cmd.fullName()).append(':');
            for (int i = 0; i < pcts.length; i++) {
                if (i > 0) {
                    out.append(',');
                }
                out.append('p').append(Percentiles.label(pcts[i])).append('=')
                    .append(String.format(Locale.ROOT, "%.3f", m.percentile(pcts[i]) / 1000.0));
            }
            out.append("\r\n");
        }
    }

    private static void errorstats(Server server, StringBuilder out) {
        out.append("# Errorstats\r\n");
        Map<String, Long> sorted = new TreeMap<>();
        for (Map.Entry<String, LongAdder> e : server.stats().errorsByCode.entrySet()) {
            sorted.put(e.getKey(), e.getValue().sum());
        }
        sorted.forEach((code, n) -> out.append("errorstat_").append(code).append(":count=").append(n).append("\r\n"));
    }

    /**
     * The shards' avg_ttl estimates for the database, weighted by their expiring keys; a shard
     * whose expire cycle has not sampled yet (estimate 0) is left out rather than averaged in as 0,
     * so the figure is 0 or a sampled one, as Redis's single estimate is.
     */
    private static long avgTtl(Engine e, int db) {
        long weighted = 0;
        long expires = 0;
        for (Shard s : e.shards()) {
            long[] avg = s.stats.avgTtl();
            long n = s.expires(db);
            if (db < avg.length && n > 0 && avg[db] > 0) {
                weighted += avg[db] * n;
                expires += n;
            }
        }
        return expires == 0 ? 0 : weighted / expires;
    }

    private static void keyspace(Server server, StringBuilder out) {
        out.append("# Keyspace\r\n");
        Engine e = server.engine();
        int dbs = server.config().getInt("databases");
        for (int db = 0; db < dbs; db++) {
            long keys = e.keys(db);
            if (keys == 0) {
                continue;
            }
            out.append("db").append(db).append(":keys=").append(keys).append(",expires=").append(e.expires(db))
                .append(",avg_ttl=").append(avgTtl(e, db)).append("\r\n");
        }
    }
}
