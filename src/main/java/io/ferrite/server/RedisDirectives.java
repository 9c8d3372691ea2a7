package io.ferrite.server;

import io.ferrite.server.Directive.Flag;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The rest of Redis 7.0's config table (config.c's static_configs, TLS included as Debian builds
 * it), so that any Redis 7.0 redis.conf loads: every directive Ferrite does not act on yet, with
 * Redis's type, bounds, default and mutability, flagged {@link Flag#INERT} so that start-up warns
 * when one is given. {@link ServerConfig} registers its own directives first; an entry here only
 * fills a name that is still free, so a directive that gains an effect simply moves there.
 */
final class RedisDirectives {
    private static final long INT_MAX = Integer.MAX_VALUE;
    private static final long INT_MIN = Integer.MIN_VALUE;
    private static final long LONG_MAX = Long.MAX_VALUE;
    private static final long UINT_MAX = 4294967295L;
    /** ULLONG_MAX as an unsigned long. */
    private static final long ULLONG_MAX = -1L;

    /** Redis 7.0's aliases (the old names), each to the directive it names. */
    static final Map<String, String> ALIASES = aliases();

    /** Deprecated names Redis 7.0 still reads from a config file with one argument, and ignores. */
    static final Set<String> DEPRECATED = Set.of("list-max-ziplist-entries", "list-max-ziplist-value", "lua-replicate-commands");

    private RedisDirectives() {
    }

    private static Map<String, String> aliases() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("cluster-slave-no-failover", "cluster-replica-no-failover");
        m.put("slave-lazy-flush", "replica-lazy-flush");
        m.put("slave-serve-stale-data", "replica-serve-stale-data");
        m.put("slave-read-only", "replica-read-only");
        m.put("slave-ignore-maxmemory", "replica-ignore-maxmemory");
        m.put("slave-announce-ip", "replica-announce-ip");
        m.put("cluster-slave-validity-factor", "cluster-replica-validity-factor");
        m.put("list-max-ziplist-size", "list-max-listpack-size");
        m.put("slave-priority", "replica-priority");
        m.put("slave-announce-port", "replica-announce-port");
        m.put("repl-ping-slave-period", "repl-ping-replica-period");
        m.put("min-slaves-to-write", "min-replicas-to-write");
        m.put("min-slaves-max-lag", "min-replicas-max-lag");
        m.put("lua-time-limit", "busy-reply-threshold");
        m.put("hash-max-ziplist-entries", "hash-max-listpack-entries");
        m.put("zset-max-ziplist-entries", "zset-max-listpack-entries");
        m.put("hash-max-ziplist-value", "hash-max-listpack-value");
        m.put("zset-max-ziplist-value", "zset-max-listpack-value");
        m.put("slaveof", "replicaof");
        return Map.copyOf(m);
    }

    /** Every directive of the table, in config.c's order, each flagged {@link Flag#INERT}. */
    static List<Directive> inert() {
        List<Directive> l = new ArrayList<>();
        // bool
        l.add(Directive.bool("rdbchecksum", true, false));
        l.add(Directive.bool("io-threads-do-reads", false, false));
        l.add(Directive.bool("protected-mode", true, true));
        l.add(Directive.bool("rdbcompression", true, true));
        l.add(Directive.bool("rdb-del-sync-files", false, true));
        l.add(Directive.bool("activerehashing", true, true));
        l.add(Directive.bool("set-proc-title", true, false));
        l.add(Directive.bool("dynamic-hz", true, true));
        l.add(Directive.bool("lazyfree-lazy-eviction", false, true));
        l.add(Directive.bool("lazyfree-lazy-expire", false, true));
        l.add(Directive.bool("lazyfree-lazy-server-del", false, true));
        l.add(Directive.bool("lazyfree-lazy-user-del", false, true));
        l.add(Directive.bool("lazyfree-lazy-user-flush", false, true));
        l.add(Directive.bool("repl-disable-tcp-nodelay", false, true));
        l.add(Directive.bool("repl-diskless-sync", true, true));
        l.add(Directive.bool("aof-rewrite-incremental-fsync", true, true));
        l.add(Directive.bool("no-appendfsync-on-rewrite", false, true));
        l.add(Directive.bool("cluster-require-full-coverage", true, true));
        l.add(Directive.bool("rdb-save-incremental-fsync", true, true));
        l.add(Directive.bool("aof-load-truncated", true, true));
        l.add(Directive.bool("aof-use-rdb-preamble", true, true));
        l.add(Directive.bool("aof-timestamp-enabled", false, true));
        l.add(Directive.bool("cluster-replica-no-failover", false, true));
        l.add(Directive.bool("replica-lazy-flush", false, true));
        l.add(Directive.bool("replica-serve-stale-data", true, true));
        l.add(Directive.bool("replica-read-only", true, true));
        l.add(Directive.bool("replica-ignore-maxmemory", true, true));
        l.add(Directive.bool("jemalloc-bg-thread", true, true));
        l.add(Directive.bool("activedefrag", false, true));
        l.add(Directive.bool("syslog-enabled", false, false));
        l.add(Directive.bool("cluster-enabled", false, false));
        l.add(Directive.bool("cluster-allow-reads-when-down", false, true));
        l.add(Directive.bool("cluster-allow-pubsubshard-when-down", true, true));
        l.add(Directive.bool("crash-log-enabled", true, true));
        l.add(Directive.bool("crash-memcheck-enabled", true, true));
        l.add(Directive.bool("use-exit-on-panic", false, true).with(Flag.HIDDEN));
        l.add(Directive.bool("disable-thp", true, false));
        l.add(Directive.bool("cluster-allow-replica-migration", true, true));
        l.add(Directive.bool("replica-announced", true, true));
        l.add(Directive.bool("aof-disable-auto-gc", false, true));
        l.add(Directive.bool("replica-ignore-disk-write-errors", false, true));
        // string
        l.add(Directive.string("aclfile", "", false));
        l.add(Directive.string("unixsocket", "", false));
        l.add(Directive.string("replica-announce-ip", "", true));
        l.add(Directive.string("masteruser", "", true));
        l.add(Directive.string("cluster-announce-ip", "", true));
        l.add(Directive.string("cluster-config-file", "nodes.conf", false));
        l.add(Directive.string("cluster-announce-hostname", "", true, RedisDirectives::checkHostname));
        l.add(Directive.string("syslog-ident", "redis", false));
        l.add(Directive.string("appenddirname", "appendonlydir", false,
            v -> v.isEmpty() ? "appenddirname can't be empty"
                : v.contains("/") ? "appenddirname can't be a path, just a dirname" : null));
        l.add(Directive.string("server_cpulist", "", false));
        l.add(Directive.string("bio_cpulist", "", false));
        l.add(Directive.string("aof_rewrite_cpulist", "", false));
        l.add(Directive.string("bgsave_cpulist", "", false));
        l.add(Directive.string("ignore-warnings", "", true));
        l.add(Directive.string("proc-title-template", "{title} {listen-addr} {server-mode}", true,
            ProcTitle::check));
        l.add(Directive.string("bind-source-addr", "", true));
        l.add(Directive.string("masterauth", "", true));
        // enum
        l.add(Directive.choice("supervised", "no", false, "upstart", "systemd", "auto", "no"));
        l.add(Directive.choice("syslog-facility", "local0", false,
            "user", "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7"));
        l.add(Directive.choice("repl-diskless-load", "disabled", true, "disabled", "on-empty-db", "swapdb"));
        l.add(Directive.choice("maxmemory-policy", "noeviction", true, "volatile-lru", "volatile-lfu", "volatile-random",
            "volatile-ttl", "allkeys-lru", "allkeys-lfu", "allkeys-random", "noeviction"));
        l.add(Directive.choice("appendfsync", "everysec", true, "everysec", "always", "no"));
        // "relative" is "yes" under another name: CONFIG GET prints the first name of the value
        l.add(Directive.custom("oom-score-adj", "no", true,
            v -> enumError(v, "no", "yes", "relative", "absolute"),
            v -> v.equalsIgnoreCase("relative") ? "yes" : v.toLowerCase(Locale.ROOT)));
        l.add(Directive.choice("acl-pubsub-default", "resetchannels", true, "allchannels", "resetchannels"));
        l.add(Directive.choice("sanitize-dump-payload", "no", true, "no", "yes", "clients"));
        l.add(Directive.choice("cluster-preferred-endpoint-type", "ip", true, "ip", "hostname", "unknown-endpoint"));
        l.add(Directive.choice("propagation-error-behavior", "ignore", true, "ignore", "panic", "panic-on-replicas"));
        l.add(shutdownOnSignal("shutdown-on-sigint"));
        l.add(shutdownOnSignal("shutdown-on-sigterm"));
        // int
        l.add(Directive.integer("io-threads", 1, 1, 128, false));
        l.add(Directive.integer("auto-aof-rewrite-percentage", 100, 0, INT_MAX, true));
        l.add(Directive.integer("cluster-replica-validity-factor", 10, 0, INT_MAX, true));
        l.add(Directive.integer("cluster-migration-barrier", 1, 0, INT_MAX, true));
        l.add(Directive.integer("active-defrag-cycle-min", 1, 1, 99, true));
        l.add(Directive.integer("active-defrag-cycle-max", 25, 1, 99, true));
        l.add(Directive.integer("active-defrag-threshold-lower", 10, 0, 1000, true));
        l.add(Directive.integer("active-defrag-threshold-upper", 100, 0, 1000, true));
        l.add(Directive.integer("lfu-log-factor", 10, 0, INT_MAX, true));
        l.add(Directive.integer("lfu-decay-time", 1, 0, INT_MAX, true));
        l.add(Directive.integer("replica-priority", 100, 0, INT_MAX, true));
        l.add(Directive.integer("repl-diskless-sync-delay", 5, 0, INT_MAX, true));
        l.add(Directive.integer("maxmemory-samples", 5, 1, INT_MAX, true));
        l.add(Directive.integer("maxmemory-eviction-tenacity", 10, 0, 100, true));
        l.add(Directive.integer("replica-announce-port", 0, 0, 65535, true));
        l.add(Directive.integer("cluster-port", 0, 0, 65535, false));
        l.add(Directive.integer("cluster-announce-bus-port", 0, 0, 65535, true));
        l.add(Directive.integer("cluster-announce-port", 0, 0, 65535, true));
        l.add(Directive.integer("cluster-announce-tls-port", 0, 0, 65535, true));
        l.add(Directive.integer("repl-timeout", 60, 1, INT_MAX, true));
        l.add(Directive.integer("repl-ping-replica-period", 10, 1, INT_MAX, true));
        l.add(Directive.integer("key-load-delay", 0, INT_MIN, INT_MAX, true).with(Flag.HIDDEN));
        l.add(Directive.integer("active-expire-effort", 1, 1, 10, true));
        l.add(Directive.integer("min-replicas-to-write", 0, 0, INT_MAX, true));
        l.add(Directive.integer("min-replicas-max-lag", 10, 0, INT_MAX, true));
        l.add(Directive.integer("watchdog-period", 0, 0, INT_MAX, true).with(Flag.HIDDEN));
        l.add(Directive.integer("shutdown-timeout", 10, 0, INT_MAX, true));
        l.add(Directive.integer("repl-diskless-sync-max-replicas", 0, 0, INT_MAX, true));
        l.add(Directive.custom("unixsocketperm", "0", false, RedisDirectives::checkOctalPerm,
            v -> Long.toOctalString(Long.parseLong(v.trim(), 8))));
        l.add(Directive.integer("socket-mark-id", 0, 0, UINT_MAX, false).with(Flag.UNSIGNED));
        l.add(Directive.integer("active-defrag-max-scan-fields", 1000, 1, LONG_MAX, true).with(Flag.UNSIGNED));
        l.add(Directive.integer("acllog-max-len", 128, 0, LONG_MAX, true).with(Flag.UNSIGNED));
        l.add(Directive.integer("busy-reply-threshold", 5000, 0, LONG_MAX, true));
        l.add(Directive.integer("cluster-node-timeout", 15000, 0, LONG_MAX, true));
        l.add(Directive.memory("repl-backlog-size", 1024 * 1024, 1, LONG_MAX, true));
        l.add(Directive.memory("maxmemory", 0, 0, ULLONG_MAX, true).with(Flag.UNSIGNED));
        l.add(Directive.memory("cluster-link-sendbuf-limit", 0, 0, ULLONG_MAX, true).with(Flag.UNSIGNED));
        l.add(Directive.memory("active-defrag-ignore-bytes", 100L << 20, 1, LONG_MAX, true).with(Flag.UNSIGNED));
        l.add(Directive.integer("tracking-table-max-keys", 1000000, 0, LONG_MAX, true).with(Flag.UNSIGNED));
        l.add(Directive.custom("maxmemory-clients", "0", true, RedisDirectives::checkMemoryOrPercent,
            v -> v.trim().endsWith("%") ? v.trim() : Long.toString(Directive.parseMemory(v))));
        l.add(Directive.integer("repl-backlog-ttl", 3600, 0, LONG_MAX, true));
        l.add(Directive.memory("auto-aof-rewrite-min-size", 64L * 1024 * 1024, 0, LONG_MAX, true));
        l.add(Directive.integer("loading-process-events-interval-bytes", 2 * 1024 * 1024, 1024, INT_MAX, true)
            .with(Flag.HIDDEN));
        // TLS, as Debian's redis-server is built (USE_OPENSSL)
        l.add(Directive.integer("tls-port", 0, 0, 65535, true));
        l.add(Directive.integer("tls-session-cache-size", 20 * 1024, 0, INT_MAX, true));
        l.add(Directive.integer("tls-session-cache-timeout", 300, 0, INT_MAX, true));
        l.add(Directive.bool("tls-cluster", false, true));
        l.add(Directive.bool("tls-replication", false, true));
        l.add(Directive.choice("tls-auth-clients", "yes", true, "no", "yes", "optional"));
        l.add(Directive.bool("tls-prefer-server-ciphers", false, true));
        l.add(Directive.bool("tls-session-caching", true, true));
        for (String s : new String[] {"tls-cert-file", "tls-key-file", "tls-key-file-pass", "tls-client-cert-file",
            "tls-client-key-file", "tls-client-key-file-pass", "tls-dh-params-file", "tls-ca-cert-file",
            "tls-ca-cert-dir", "tls-protocols", "tls-ciphers", "tls-ciphersuites"}) {
            l.add(Directive.string(s, "", true));
        }
        // special
        l.add(Directive.custom("oom-score-adj-values", "0 200 800", true, RedisDirectives::checkOomValues,
            v -> String.join(" ", words(v))).with(Flag.MULTI_ARG));
        l.add(Directive.custom("replicaof", "", false, RedisDirectives::checkReplicaOf,
            v -> words(v).length == 2 && !String.join(" ", words(v)).equalsIgnoreCase("no one")
                ? String.join(" ", words(v)) : "").with(Flag.MULTI_ARG));
        l.forEach(d -> d.with(Flag.INERT));
        return l;
    }

    static String[] words(String v) {
        String t = v.trim();
        return t.isEmpty() ? new String[0] : t.split("\\s+");
    }

    private static String enumError(String v, String... names) {
        for (String n : names) {
            if (n.equalsIgnoreCase(v.trim())) {
                return null;
            }
        }
        return "argument(s) must be one of the following: " + String.join(", ", names);
    }

    /** shutdown-on-sigint/-sigterm: flag words, printed in the table's order (config.c's configEnumGetName). */
    static Directive shutdownOnSignal(String name) {
        String[] order = {"save", "nosave", "now", "force"};
        Function<String, String> check = v -> {
            String[] w = words(v);
            if (w.length == 0) {
                return "argument(s) must be one of the following: default, save, nosave, now, force";
            }
            boolean save = false;
            boolean nosave = false;
            for (String x : w) {
                String err = enumError(x, "default", "save", "nosave", "now", "force");
                if (err != null) {
                    return err;
                }
                save |= x.equalsIgnoreCase("save");
                nosave |= x.equalsIgnoreCase("nosave");
            }
            return save && nosave ? "shutdown options SAVE and NOSAVE can't be used simultaneously" : null;
        };
        Function<String, String> canonical = v -> {
            List<String> given = new ArrayList<>();
            for (String x : words(v)) {
                given.add(x.toLowerCase(Locale.ROOT));
            }
            List<String> out = new ArrayList<>();
            for (String o : order) {
                if (given.contains(o)) {
                    out.add(o);
                }
            }
            return out.isEmpty() ? "default" : String.join(" ", out);
        };
        return Directive.custom(name, "default", true, check, canonical).with(Flag.MULTI_ARG);
    }

    private static String checkHostname(String v) {
        if (v.length() >= 256) {
            return "Hostnames must be less than 256 characters";
        }
        for (char c : v.toCharArray()) {
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.')) {
                return "Hostnames may only contain alphanumeric characters, hyphens or dots";
            }
        }
        return null;
    }

    private static String checkOctalPerm(String v) {
        long n;
        try {
            n = Long.parseLong(v.trim(), 8);
        } catch (NumberFormatException e) {
            return "argument couldn't be parsed as an octal number";
        }
        return n < 0 || n > 0777 ? "argument must be between 0 and 777 inclusive" : null;
    }

    private static String checkMemoryOrPercent(String v) {
        String t = v.trim();
        if (t.length() > 1 && t.endsWith("%")) {
            try {
                long p = Long.parseLong(t.substring(0, t.length() - 1));
                if (p >= 0) {
                    return p > 100 ? "percentage argument must be less or equal to 100" : null;
                }
            } catch (NumberFormatException e) {
                // falls through to Redis's error
            }
            return "argument must be a memory or percent value";
        }
        try {
            Directive.parseMemory(t);
            return null;
        } catch (NumberFormatException | ArithmeticException e) {
            return "argument must be a memory or percent value";
        }
    }

    private static String checkOomValues(String v) {
        String[] w = words(v);
        if (w.length != 3) {
            return "wrong number of arguments";
        }
        for (String x : w) {
            try {
                int n = Integer.parseInt(x);
                if (n < -2000 || n > 2000) {
                    return "Invalid oom-score-adj-values, elements must be between -2000 and 2000.";
                }
            } catch (NumberFormatException e) {
                return "Invalid oom-score-adj-values, elements must be between -2000 and 2000.";
            }
        }
        return null;
    }

    private static String checkReplicaOf(String v) {
        String[] w = words(v);
        if (w.length == 0) {
            return null;
        }
        if (w.length != 2) {
            return "wrong number of arguments";
        }
        if (w[0].equalsIgnoreCase("no") && w[1].equalsIgnoreCase("one")) {
            return null;
        }
        try {
            int port = Integer.parseInt(w[1]);
            return port < 0 || port > 65535 ? "Invalid master port" : null;
        } catch (NumberFormatException e) {
            return "Invalid master port";
        }
    }
}
