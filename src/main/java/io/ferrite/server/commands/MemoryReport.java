package io.ferrite.server.commands;

import io.ferrite.command.Numbers;
import io.ferrite.engine.Engine;
import io.ferrite.engine.command.Call;
import io.ferrite.engine.command.CommandRegistry;
import io.ferrite.reply.Reply;
import io.ferrite.server.Server;

import java.util.ArrayList;
import java.util.List;

/**
 * MEMORY STATS and MEMORY DOCTOR (Redis 7.0 object.c getMemoryOverheadData and
 * getMemoryDoctorReport), with Redis's field names where they have a meaning here: used_memory
 * stands for the allocator's total, the start-up heap for startup.allocated, the key tables and
 * expiry indexes for the hash tables' overhead. jemalloc's own figures (allocator.*,
 * allocator-fragmentation.*, allocator-rss.*, rss-overhead.*) are left out: a JVM has no such
 * layer between the process's RSS and what the server accounts for.
 */
final class MemoryReport {
    /** Redis's thresholds for DOCTOR: an almost empty instance, a big peak, high fragmentation, big buffers, many scripts. */
    private static final long EMPTY_BELOW = 5L << 20;
    private static final double BIG_PEAK_RATIO = 1.5;
    private static final double HIGH_FRAGMENTATION = 1.4;
    private static final long HIGH_FRAGMENTATION_BYTES = 10L << 20;
    private static final long BIG_CLIENT_BUFFERS = 200L * 1024;
    private static final long BIG_REPLICA_BUFFERS = 10L << 20;
    private static final int MANY_SCRIPTS = 1000;

    private MemoryReport() {
    }

    static void register(CommandRegistry r) {
        r.add("memory|stats", MemoryReport::stats);
        r.add("memory|doctor", c -> c.reply().verbatim(doctor(Overhead.of(Server.of(c)))));
    }

    /** Redis's redisMemOverhead, as far as Ferrite has its parts. */
    record Overhead(long peak, long total, long startup, long backlog, long replicas, long clients, long luaCaches,
                    long functionsCaches, List<long[]> dbs, long keys, long rss, int clientCount, int replicaCount,
                    int scripts) {
        static Overhead of(Server server) {
            Engine engine = server.engine();
            long total = engine.usedMemory();
            long peak = server.instantaneous().notePeak(total);
            long[] scripting = new long[3];
            server.scripting().memoryInfo((name, value) -> {
                switch (name) {
                    case "used_memory_scripts_eval" -> scripting[0] = ((Number) value).longValue();
                    case "used_memory_functions" -> scripting[1] = ((Number) value).longValue();
                    case "number_of_cached_scripts" -> scripting[2] = ((Number) value).longValue();
                    default -> {
                    }
                }
            });
            List<long[]> dbs = new ArrayList<>();
            long keys = 0;
            int databases = engine.shard(0).databases();
            for (int db = 0; db < databases; db++) {
                long n = engine.keys(db);
                keys += n;
                if (n > 0) {
                    long[] o = engine.tableOverhead(db);
                    dbs.add(new long[] {db, o[0], o[1]});
                }
            }
            int replicas = server.replication().replicaCount();
            return new Overhead(peak, total, Engine.startupMemory(), server.replication().backlogMemory(),
                server.clientMemory().replicas(), server.clientMemory().normal(), scripting[0], scripting[1], dbs, keys,
                InfoFamily.rss(), Math.max(0, server.stats().connectedClients.get() - replicas), replicas,
                (int) scripting[2]);
        }

        long overheadTotal() {
            long o = startup + backlog + replicas + clients + luaCaches + functionsCaches;
            for (long[] d : dbs) {
                o += d[1] + d[2];
            }
            return o;
        }

        long dataset() {
            return Math.max(0, total - overheadTotal());
        }

        double fragmentation() {
            return total == 0 ? 0 : (double) rss / total;
        }
    }

    private static void stats(Call c) {
        Overhead o = Overhead.of(Server.of(c));
        Reply r = c.reply();
        r.map(18 + o.dbs().size());
        pair(r, "peak.allocated", o.peak());
        pair(r, "total.allocated", o.total());
        pair(r, "startup.allocated", o.startup());
        pair(r, "replication.backlog", o.backlog());
        pair(r, "clients.slaves", o.replicas());
        pair(r, "clients.normal", o.clients());
        pair(r, "cluster.links", 0);
        // the AOF writer thread takes each write as it comes: no buffer builds up in between
        pair(r, "aof.buffer", 0);
        pair(r, "lua.caches", o.luaCaches());
        pair(r, "functions.caches", o.functionsCaches());
        for (long[] d : o.dbs()) {
            r.bulk("db." + d[0]);
            r.map(3);
            pair(r, "overhead.hashtable.main", d[1]);
            pair(r, "overhead.hashtable.expires", d[2]);
            pair(r, "overhead.hashtable.slot-to-keys", 0);
        }
        long overhead = o.overheadTotal();
        long dataset = o.dataset();
        long net = o.total() - o.startup();
        pair(r, "overhead.total", overhead);
        pair(r, "keys.count", o.keys());
        pair(r, "keys.bytes-per-key", o.keys() == 0 ? 0 : net / o.keys());
        pair(r, "dataset.bytes", dataset);
        // Redis computes the percentages in single precision and prints them with %.17g
        percentage(r, "dataset.percentage", net <= 0 ? 0 : (float) dataset * 100 / net);
        percentage(r, "peak.percentage", o.peak() == 0 ? 0 : (float) o.total() * 100 / o.peak());
        percentage(r, "fragmentation", (float) o.fragmentation());
        pair(r, "fragmentation.bytes", o.rss() - o.total());
    }

    private static void pair(Reply r, String name, long value) {
        r.bulk(name);
        r.integer(value);
    }

    private static void percentage(Reply r, String name, float value) {
        r.bulk(name);
        r.dbl(value, Numbers.g17(value).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    /**
     * Redis's DOCTOR report for the conditions with a meaning here; the allocator's own
     * fragmentation and RSS checks have no counterpart in a JVM.
     */
    static String doctor(Overhead o) {
        // Redis weighs its whole allocation, its start-up part being under 1 MB; a JVM starts with
        // several MB of heap of its own, so here the part above start-up is weighed
        if (o.total() - o.startup() < EMPTY_BELOW) {
            return "Hi Sam, this instance is empty or is using very little memory, my issues detector can't be used in"
                + " these conditions. Please, leave for your mission on Earth and fill it with some data. The new Sam and"
                + " I will be back to our programming as soon as I finished rebooting.\n";
        }
        StringBuilder issues = new StringBuilder();
        if ((float) o.peak() / o.total() > BIG_PEAK_RATIO) {
            issues.append(" * Peak memory: In the past this instance used more than 150% the memory that is currently"
                + " using. The allocator is normally not able to release memory after a peak, so you can expect to see a"
                + " big fragmentation ratio, however this is actually harmless and is only due to the memory peak, and if"
                + " the Redis instance Resident Set Size (RSS) is currently bigger than expected, the memory will be used"
                + " as soon as you fill the Redis instance with more data. If the memory peak was only occasional and you"
                + " want to try to reclaim memory, please try the MEMORY PURGE command, otherwise the only other option is"
                + " to shutdown and restart the instance.\n\n");
        }
        if (o.fragmentation() > HIGH_FRAGMENTATION && o.rss() - o.total() > HIGH_FRAGMENTATION_BYTES) {
            issues.append(" * High total RSS: This instance has a memory fragmentation and RSS overhead greater than 1.4"
                + " (this means that the Resident Set Size of the Redis process is much larger than the sum of the"
                + " logical allocations Redis performed). This problem is usually due either to a large peak memory"
                + " (check if there is a peak memory entry above in the report) or may result from a workload that"
                + " causes the allocator to fragment memory a lot. If the problem is a large peak memory, then there is"
                + " no issue. Otherwise, make sure you are using the Jemalloc allocator and not the default libc malloc."
                + " Note: The currently used allocator is \"jvm\".\n\n");
        }
        if (o.replicaCount() > 0 && o.replicas() > BIG_REPLICA_BUFFERS) {
            issues.append(" * Big replica buffers: The replica output buffers in this instance are greater than 10MB for"
                + " each replica (on average). This likely means that there is some replica instance that is struggling"
                + " receiving data, either because it is too slow or because of networking issues. As a result, data"
                + " piles on the master output buffers. Please try to identify what replica is not receiving data"
                + " correctly and why. You can use the INFO output in order to check the replicas delays and the CLIENT"
                + " LIST command to check the output buffers of each replica.\n\n");
        }
        if (o.clientCount() > 0 && o.clients() / o.clientCount() > BIG_CLIENT_BUFFERS) {
            issues.append(" * Big client buffers: The clients output buffers in this instance are greater than 200K per"
                + " client (on average). This may result from different causes, like Pub/Sub clients subscribed to"
                + " channels bot not receiving data fast enough, so that data piles on the Redis instance output buffer,"
                + " or clients sending commands with large replies or very large sequences of commands in the same"
                + " pipeline. Please use the CLIENT LIST command in order to investigate the issue if it causes problems"
                + " in your instance, or to understand better why certain clients are using a big amount of memory.\n\n");
        }
        if (o.scripts() > MANY_SCRIPTS) {
            issues.append(" * Many scripts: There seem to be many cached scripts in this instance (more than 1000). This"
                + " may be because scripts are generated and `EVAL`ed, instead of being parameterized (with KEYS and"
                + " ARGV), `SCRIPT LOAD`ed and `EVALSHA`ed. Unless `SCRIPT FLUSH` is called periodically, the scripts'"
                + " caches may end up consuming most of your memory.\n\n");
        }
        if (issues.isEmpty()) {
            return "Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this"
                + " base.\n";
        }
        return "Sam, I detected a few issues in this Redis instance memory implants:\n\n" + issues
            + "I'm here to keep you safe, Sam. I want to help you.\n";
    }
}
