package io.ferrite.protocol.memcached;

import io.ferrite.engine.Shard;
import io.netty.buffer.ByteBuf;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** stats, stats settings/items/slabs/conns/reset, in text and binary form, with memcached's field names. */
final class McStats {
    private McStats() {
    }

    static String address(java.net.SocketAddress a) {
        if (a instanceof InetSocketAddress i) {
            return i.getAddress().getHostAddress() + ":" + i.getPort();
        }
        return String.valueOf(a);
    }

    static boolean run(McContext ctx, McConnection conn, McRequest r) {
        boolean binary = r.proto == McRequest.Proto.BINARY;
        String group = r.hasArg ? r.arg : "";
        if (binary) {
            // memcached's binary stat compares only the first bytes of reset, settings and detail
            for (String prefixed : new String[] {"reset", "settings", "detail"}) {
                if (group.startsWith(prefixed)) {
                    if (prefixed.equals("detail")) {
                        return binaryDetail(ctx, conn, r, group.substring(prefixed.length()));
                    }
                    group = prefixed;
                }
            }
        } else if (group.equals("detail")) {
            textDetail(ctx, conn, r.arg2 == null ? "" : r.arg2);
            return true;
        }
        // words after the group are ignored, as memcached does
        switch (group) {
            case "" -> {
                // items and bytes need a look at every shard
                conn.fanOut(r, s -> {
                    long[] v = new long[2];
                    s.memcached().forEachLive(e -> {
                        v[0]++;
                        v[1] += ((McItem) e.value).memory() + e.key.length;
                    });
                    return v;
                }, results -> {
                    long items = 0;
                    long bytes = 0;
                    for (Object o : results) {
                        if (o instanceof long[] v) {
                            items += v[0];
                            bytes += v[1];
                        }
                    }
                    ByteBuf out = conn.alloc();
                    write(out, r, general(ctx, items, bytes));
                    return out;
                });
                return false;
            }
            case "settings" -> write(conn.pending(), r, settings(ctx));
            case "items" -> {
                long items = items(ctx);
                Map<String, String> m = new LinkedHashMap<>();
                if (items > 0) {
                    m.put("items:1:number", Long.toString(items));
                    m.put("items:1:number_hot", "0");
                    m.put("items:1:number_warm", "0");
                    m.put("items:1:number_cold", Long.toString(items));
                    m.put("items:1:age_hot", "0");
                    m.put("items:1:age_warm", "0");
                    m.put("items:1:age", "0");
                    m.put("items:1:evicted", "0");
                    m.put("items:1:evicted_nonzero", "0");
                    m.put("items:1:outofmemory", "0");
                }
                write(conn.pending(), r, m);
            }
            case "slabs" -> {
                Map<String, String> m = new LinkedHashMap<>();
                m.put("active_slabs", items(ctx) > 0 ? "1" : "0");
                m.put("total_malloced", Long.toString(ctx.server.engine().memory()));
                write(conn.pending(), r, m);
            }
            case "conns" -> {
                Map<String, String> m = new LinkedHashMap<>();
                for (McConnection c : ctx.connections.values()) {
                    m.put(c.id + ":addr", "tcp:" + c.describe());
                    m.put(c.id + ":listen_addr", "tcp:" + address(c.channel().localAddress()));
                    m.put(c.id + ":state", "conn_parse_cmd");
                    m.put(c.id + ":secs_since_last_cmd", "0");
                }
                write(conn.pending(), r, m);
            }
            case "sizes" -> {
                // Ferrite keeps no item size histogram: reported as memcached reports it switched off
                write(conn.pending(), r, Map.of("sizes_status", "disabled"));
            }
            case "reset" -> {
                ctx.resetStats();
                if (binary) {
                    write(conn.pending(), r, Map.of());
                } else {
                    McOps.writeAscii(conn.pending(), "RESET\r\n");
                }
            }
            default -> {
                if (binary) {
                    McOps.binError(conn.pending(), r.opcode, r.opaque, McOps.ST_NOT_FOUND);
                } else {
                    McOps.writeAscii(conn.pending(), "ERROR\r\n");
                }
            }
        }
        return true;
    }

    /** Text "stats detail on|off|dump". */
    private static void textDetail(McContext ctx, McConnection conn, String sub) {
        ByteBuf out = conn.pending();
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
    private static boolean binaryDetail(McContext ctx, McConnection conn, McRequest r, String rest) {
        ByteBuf out = conn.pending();
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
        return true;
    }

    private static long items(McContext ctx) {
        long n = 0;
        for (Shard s : ctx.server.engine().shards()) {
            n += s.keys(s.databases());
        }
        return n;
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

    static Map<String, String> general(McContext ctx, long items, long bytes) {
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
        m.put("bytes_read", Long.toString(ctx.bytesRead.sum()));
        m.put("bytes_written", Long.toString(ctx.bytesWritten.sum()));
        m.put("limit_maxbytes", "0");
        m.put("threads", Integer.toString(ctx.server.engine().shardCount()));
        m.put("bytes", Long.toString(bytes));
        m.put("curr_items", Long.toString(items));
        m.put("total_items", Long.toString(ctx.totalItems.sum()));
        m.put("expired_unfetched", "0");
        m.put("evicted_unfetched", "0");
        m.put("evictions", "0");
        m.put("reclaimed", "0");
        return m;
    }

    static Map<String, String> settings(McContext ctx) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("maxbytes", "0");
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
        m.put("evictions", "off");
        m.put("item_size_max", Long.toString(ctx.itemSizeMax()));
        m.put("binding_protocol", "auto-negotiate");
        m.put("flush_enabled", "yes");
        m.put("lru_crawler", "no");
        return m;
    }

    static List<String> unused() {
        return new ArrayList<>();
    }
}
