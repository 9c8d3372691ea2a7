package io.ferrite.command.memcached;

import io.ferrite.engine.ShardKeyspace;
import io.netty.buffer.ByteBuf;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** stats, stats settings/items/slabs/conns/reset, in text and binary form, with memcached's field names. */
public final class McStats {
    private McStats() {
    }

    public static String address(java.net.SocketAddress a) {
        if (a instanceof InetSocketAddress i) {
            return i.getAddress().getHostAddress() + ":" + i.getPort();
        }
        return String.valueOf(a);
    }

    /**
     * The group a stats request asks for; memcached's binary stat compares only the first bytes of
     * reset, settings and detail. Words after the group are ignored, as memcached does.
     */
    static String group(McRequest r) {
        String group = r.hasArg ? r.arg : "";
        if (r.proto == McRequest.Proto.BINARY) {
            for (String prefixed : new String[] {"reset", "settings", "detail"}) {
                if (group.startsWith(prefixed)) {
                    return prefixed;
                }
            }
        }
        return group;
    }

    /** The groups that count items, which need a look at every shard. */
    static boolean everyShard(String group) {
        return group.isEmpty() || group.equals("items") || group.equals("slabs");
    }

    /** A group answered without the shards, on the connection's own thread. */
    static void local(McContext ctx, McRequest r, ByteBuf out) {
        boolean binary = r.proto == McRequest.Proto.BINARY;
        String group = group(r);
        if (group.equals("detail")) {
            if (binary) {
                binaryDetail(ctx, out, r, r.arg.substring("detail".length()));
            } else {
                textDetail(ctx, out, r.arg2 == null ? "" : r.arg2);
            }
            return;
        }
        switch (group) {
            case "settings" -> write(out, r, settings(ctx));
            case "conns" -> {
                Map<String, String> m = new LinkedHashMap<>();
                for (McPeer c : ctx.connections.values()) {
                    m.put(c.id() + ":addr", "tcp:" + c.address());
                    m.put(c.id() + ":listen_addr", "tcp:" + c.listenAddress());
                    m.put(c.id() + ":state", "conn_parse_cmd");
                    m.put(c.id() + ":secs_since_last_cmd", "0");
                }
                write(out, r, m);
            }
            case "sizes" -> {
                // Ferrite keeps no item size histogram: reported as memcached reports it switched off
                write(out, r, Map.of("sizes_status", "disabled"));
            }
            case "reset" -> {
                ctx.resetStats();
                if (binary) {
                    write(out, r, Map.of());
                } else {
                    McOps.writeAscii(out, "RESET\r\n");
                }
            }
            default -> {
                if (binary) {
                    McOps.binError(out, r.opcode, r.opaque, McOps.ST_NOT_FOUND);
                } else {
                    McOps.writeAscii(out, "ERROR\r\n");
                }
            }
        }
    }

    /** One shard's part of an {@link #everyShard} group. */
    static Object onShard(McContext ctx, String group, ShardKeyspace ks) {
        if (!group.isEmpty()) {
            return classTotals(ctx, ks);
        }
        long[] v = new long[2 + McContext.COUNTERS];
        ks.forEachLive(e -> {
            v[0]++;
            v[1] += ((McItem) e.value()).memory() + e.key.length;
        });
        for (long[] c : ctx.classCounts(ks.shard())) {
            for (int i = 0; i < McContext.COUNTERS; i++) {
                v[2 + i] += c[i];
            }
        }
        return v;
    }

    /** The reply of an {@link #everyShard} group from the shards' parts. */
    static void combine(McContext ctx, McRequest r, String group, List<Object> parts, ByteBuf out) {
        if (!group.isEmpty()) {
            long[][] t = sumClasses(parts);
            write(out, r, group.equals("items") ? itemsStats(t) : slabsStats(t));
            return;
        }
        long[] sum = new long[2 + McContext.COUNTERS];
        for (Object o : parts) {
            long[] v = (long[]) o;
            for (int i = 0; i < sum.length; i++) {
                sum[i] += v[i];
            }
        }
        write(out, r, general(ctx, sum[0], sum[1], java.util.Arrays.copyOfRange(sum, 2, sum.length)));
    }

    private static final int COUNT = 0;
    private static final int BYTES = 1;
    private static final int OLDEST = 2;
    /** Where a class's {@link McContext} counters start in its totals. */
    private static final int COUNTED = 3;

    /** Per slab class on one shard: items, their memcached sizes, the oldest last access (Unix seconds), the counters. */
    private static Object classTotals(McContext ctx, ShardKeyspace ks) {
        long[][] t = new long[McSlabs.classes() + 1][COUNTED + McContext.COUNTERS];
        long[][] counts = ctx.classCounts(ks.shard());
        for (int c = 1; c < t.length; c++) {
            System.arraycopy(counts[c], 0, t[c], COUNTED, McContext.COUNTERS);
        }
        ks.forEachLive(e -> {
            McItem it = (McItem) e.value();
            long size = McSlabs.itemSize(e.key.length, it);
            long[] c = t[McSlabs.classOf(size)];
            c[OLDEST] = c[COUNT] == 0 ? it.lastAccess : Math.min(c[OLDEST], it.lastAccess);
            c[COUNT]++;
            c[BYTES] += size;
        });
        return t;
    }

    private static long[][] sumClasses(List<Object> results) {
        long[][] sum = new long[McSlabs.classes() + 1][COUNTED + McContext.COUNTERS];
        for (Object o : results) {
            long[][] t = (long[][]) o;
            for (int c = 1; c < t.length; c++) {
                for (int i = COUNTED; i < t[c].length; i++) {
                    // the age of the last evicted item is a figure: the shards' largest stands for it
                    sum[c][i] = i == COUNTED + McContext.EVICTED_TIME ? Math.max(sum[c][i], t[c][i]) : sum[c][i] + t[c][i];
                }
                if (t[c][COUNT] > 0) {
                    sum[c][OLDEST] = sum[c][COUNT] == 0 ? t[c][OLDEST] : Math.min(sum[c][OLDEST], t[c][OLDEST]);
                    sum[c][COUNT] += t[c][COUNT];
                    sum[c][BYTES] += t[c][BYTES];
                }
            }
        }
        return sum;
    }

    /**
     * stats items: the classes holding items, or that evicted or refused some (memcached keeps
     * listing a class once it was used), with memcached's first figures. Ferrite has one LRU per
     * shard, not memcached's hot/warm/cold segments: every item counts as cold.
     */
    private static Map<String, String> itemsStats(long[][] t) {
        Map<String, String> m = new LinkedHashMap<>();
        long now = System.currentTimeMillis() / 1000;
        for (int c = 1; c < t.length; c++) {
            long[] k = t[c];
            if (k[COUNT] == 0 && k[COUNTED + McContext.EVICTED] == 0 && k[COUNTED + McContext.OUTOFMEMORY] == 0) {
                continue;
            }
            String p = "items:" + c + ":";
            m.put(p + "number", Long.toString(k[COUNT]));
            m.put(p + "number_hot", "0");
            m.put(p + "number_warm", "0");
            m.put(p + "number_cold", Long.toString(k[COUNT]));
            m.put(p + "age_hot", "0");
            m.put(p + "age_warm", "0");
            m.put(p + "age", Long.toString(k[COUNT] == 0 ? 0 : Math.max(0, now - k[OLDEST])));
            m.put(p + "mem_requested", Long.toString(k[BYTES]));
            m.put(p + "evicted", Long.toString(k[COUNTED + McContext.EVICTED]));
            m.put(p + "evicted_nonzero", Long.toString(k[COUNTED + McContext.EVICTED_NONZERO]));
            m.put(p + "evicted_time", Long.toString(k[COUNTED + McContext.EVICTED_TIME]));
            m.put(p + "outofmemory", Long.toString(k[COUNTED + McContext.OUTOFMEMORY]));
            // no LRU tail repairs or crawler here: those figures are truly zero
            m.put(p + "tailrepairs", "0");
            m.put(p + "reclaimed", Long.toString(k[COUNTED + McContext.RECLAIMED]));
            m.put(p + "expired_unfetched", Long.toString(k[COUNTED + McContext.UNFETCHED]));
            m.put(p + "evicted_unfetched", Long.toString(k[COUNTED + McContext.EVICTED_UNFETCHED]));
            // evicted_active counts items memcached's segmented LRU should have moved up: one LRU here
            m.put(p + "evicted_active", "0");
            m.put(p + "crawler_reclaimed", "0");
        }
        return m;
    }

    /** stats slabs: each class's chunk geometry and used chunks, pages being the fewest that hold them. */
    private static Map<String, String> slabsStats(long[][] t) {
        Map<String, String> m = new LinkedHashMap<>();
        int active = 0;
        long pagesTotal = 0;
        for (int c = 1; c < t.length; c++) {
            long used = t[c][COUNT];
            if (used == 0) {
                continue;
            }
            int per = McSlabs.perPage(c);
            long pages = (used + per - 1) / per;
            active++;
            pagesTotal += pages;
            String p = c + ":";
            m.put(p + "chunk_size", Integer.toString(McSlabs.chunkSize(c)));
            m.put(p + "chunks_per_page", Integer.toString(per));
            m.put(p + "total_pages", Long.toString(pages));
            m.put(p + "total_chunks", Long.toString(pages * per));
            m.put(p + "used_chunks", Long.toString(used));
            m.put(p + "free_chunks", Long.toString(pages * per - used));
            m.put(p + "free_chunks_end", "0");
        }
        m.put("active_slabs", Integer.toString(active));
        m.put("total_malloced", Long.toString(pagesTotal * McSlabs.PAGE_SIZE));
        return m;
    }

    /** Text "stats detail on|off|dump". */
    private static void textDetail(McContext ctx, ByteBuf out, String sub) {
        switch (sub) {
            case "on", "off" -> {
                ctx.prefixStats.enable(sub.equals("on"));
                McOps.writeAscii(out, "OK\r\n");
            }
            case "dump" -> out.writeBytes(ctx.prefixStats.dump());
            default -> McOps.writeAscii(out, "CLIENT_ERROR usage: stats detail on|off|dump\r\n");
        }
    }

    /**
     * Binary stat "detail on|off|dump": on and off answer the empty end-of-stats packet, dump one stat
     * named "detailed" holding the text dump, anything else Not found (as memcached 1.6.18 does).
     */
    private static void binaryDetail(McContext ctx, ByteBuf out, McRequest r, String rest) {
        if (rest.startsWith(" dump")) {
            byte[] k = McOps.ascii("detailed");
            byte[] v = ctx.prefixStats.dump();
            McOps.binHeader(out, r.opcode, k.length, 0, 0, k.length + v.length, r.opaque, 0);
            out.writeBytes(k).writeBytes(v);
            McOps.binHeader(out, r.opcode, 0, 0, 0, 0, r.opaque, 0);
        } else if (rest.startsWith(" on") || rest.startsWith(" off")) {
            ctx.prefixStats.enable(rest.startsWith(" on"));
            McOps.binHeader(out, r.opcode, 0, 0, 0, 0, r.opaque, 0);
        } else {
            McOps.binError(out, r.opcode, r.opaque, McOps.ST_NOT_FOUND);
        }
    }

    static void write(ByteBuf out, McRequest r, Map<String, String> m) {
        if (r.proto == McRequest.Proto.BINARY) {
            for (var e : m.entrySet()) {
                byte[] k = McOps.ascii(e.getKey());
                byte[] v = McOps.ascii(e.getValue());
                McOps.binHeader(out, r.opcode, k.length, 0, 0, k.length + v.length, r.opaque, 0);
                out.writeBytes(k).writeBytes(v);
            }
            McOps.binHeader(out, r.opcode, 0, 0, 0, 0, r.opaque, 0);
            return;
        }
        for (var e : m.entrySet()) {
            McOps.writeAscii(out, "STAT " + e.getKey() + " " + e.getValue() + "\r\n");
        }
        out.writeBytes(McOps.END);
    }

    /** The general stats; {@code counts} are the {@link McContext} class counters summed over classes and shards. */
    static Map<String, String> general(McContext ctx, long items, long bytes, long[] counts) {
        Map<String, String> m = new LinkedHashMap<>();
        long now = System.currentTimeMillis() / 1000;
        var bean = java.lang.management.ManagementFactory.getThreadMXBean();
        m.put("pid", Long.toString(ProcessHandle.current().pid()));
        m.put("uptime", Long.toString(now - ctx.started));
        m.put("time", Long.toString(now));
        m.put("version", McContext.VERSION);
        m.put("libevent", "netty");
        m.put("pointer_size", "64");
        double cpu = 0;
        try {
            if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os) {
                cpu = os.getProcessCpuTime() / 1e9;
            }
        } catch (Throwable t) {
            cpu = 0;
        }
        m.put("rusage_user", String.format("%.6f", cpu));
        m.put("rusage_system", "0.000000");
        m.put("max_connections", Integer.toString(ctx.maxConnections()));
        m.put("curr_connections", Integer.toString(ctx.currConnections.get()));
        m.put("total_connections", Long.toString(ctx.totalConnections.sum()));
        m.put("rejected_connections", Long.toString(ctx.rejectedConnections.sum()));
        m.put("connection_structures", Integer.toString(ctx.currConnections.get()));
        m.put("cmd_get", Long.toString(ctx.cmdGet.sum()));
        m.put("cmd_set", Long.toString(ctx.cmdSet.sum()));
        m.put("cmd_flush", Long.toString(ctx.cmdFlush.sum()));
        m.put("cmd_touch", Long.toString(ctx.cmdTouch.sum()));
        m.put("cmd_meta", Long.toString(ctx.cmdMeta.sum()));
        m.put("get_hits", Long.toString(ctx.getHits.sum()));
        m.put("get_misses", Long.toString(ctx.getMisses.sum()));
        m.put("get_expired", Long.toString(ctx.getExpired.sum()));
        m.put("get_flushed", Long.toString(ctx.getFlushed.sum()));
        m.put("delete_misses", Long.toString(ctx.deleteMisses.sum()));
        m.put("delete_hits", Long.toString(ctx.deleteHits.sum()));
        m.put("incr_misses", Long.toString(ctx.incrMisses.sum()));
        m.put("incr_hits", Long.toString(ctx.incrHits.sum()));
        m.put("decr_misses", Long.toString(ctx.decrMisses.sum()));
        m.put("decr_hits", Long.toString(ctx.decrHits.sum()));
        m.put("cas_misses", Long.toString(ctx.casMisses.sum()));
        m.put("cas_hits", Long.toString(ctx.casHits.sum()));
        m.put("cas_badval", Long.toString(ctx.casBadval.sum()));
        m.put("touch_hits", Long.toString(ctx.touchHits.sum()));
        m.put("touch_misses", Long.toString(ctx.touchMisses.sum()));
        m.put("store_too_large", Long.toString(ctx.storeTooLarge.sum()));
        m.put("store_no_memory", Long.toString(ctx.storeNoMemory.sum()));
        m.put("auth_cmds", Long.toString(ctx.authCmds.sum()));
        m.put("auth_errors", Long.toString(ctx.authErrors.sum()));
        m.put("bytes_read", Long.toString(ctx.bytesRead.sum()));
        m.put("bytes_written", Long.toString(ctx.bytesWritten.sum()));
        m.put("limit_maxbytes", Long.toString(ctx.maxBytes()));
        // Ferrite never stops accepting connections (memcached does at its connection limit)
        m.put("accepting_conns", "1");
        m.put("listen_disabled_num", "0");
        m.put("time_in_listen_disabled_us", "0");
        m.put("threads", Integer.toString(ctx.server.engine().shardCount()));
        m.put("bytes", Long.toString(bytes));
        m.put("curr_items", Long.toString(items));
        m.put("total_items", Long.toString(ctx.totalItems.sum()));
        m.put("expired_unfetched", Long.toString(counts[McContext.UNFETCHED]));
        m.put("evicted_unfetched", Long.toString(counts[McContext.EVICTED_UNFETCHED]));
        m.put("evicted_active", "0");
        m.put("evictions", Long.toString(counts[McContext.EVICTED]));
        m.put("reclaimed", Long.toString(counts[McContext.RECLAIMED]));
        return m;
    }

    static Map<String, String> settings(McContext ctx) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("maxbytes", Long.toString(ctx.maxBytes()));
        m.put("maxconns", Integer.toString(ctx.maxConnections()));
        m.put("tcpport", Integer.toString(ctx.server.config().getInt("memcached-port")));
        m.put("udpport", "0");
        m.put("verbosity", Integer.toString(ctx.verbosity));
        m.put("stat_key_prefix", ":");
        m.put("detail_enabled", ctx.prefixStats.enabled() ? "yes" : "no");
        m.put("slab_automove", Integer.toString(ctx.slabAutomove));
        m.put("slab_automove_ratio", String.format("%.2f", ctx.slabAutomoveRatio));
        m.put("num_threads", Integer.toString(ctx.server.engine().shardCount()));
        m.put("cas_enabled", "yes");
        m.put("evictions", ctx.noEvict() ? "off" : "on");
        m.put("item_size_max", Long.toString(ctx.itemSizeMax()));
        m.put("binding_protocol", "auto-negotiate");
        // memcached: -S, and -Y's file; here both follow memcached-auth (logins check ACL users)
        boolean acl = ctx.server.config().get("memcached-auth").equals("acl");
        m.put("auth_enabled_sasl", acl ? "yes" : "no");
        m.put("auth_enabled_ascii", acl ? "acl" : "no");
        m.put("flush_enabled", "yes");
        m.put("lru_crawler", "no");
        return m;
    }

    static List<String> unused() {
        return new ArrayList<>();
    }
}
