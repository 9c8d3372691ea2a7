package io.ferrite.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The server's directives, named as in redis.conf, read from a config file and the command line
 * and changed at run time by CONFIG SET. Values are kept in the canonical text CONFIG GET prints.
 */
public final class ServerConfig {
    private static final Map<String, Directive> DIRECTIVES = new LinkedHashMap<>();

    static {
        add(Directive.integer("port", 6379, 0, 65535, false));
        add(Directive.custom("bind", "* -::*", false, v -> v.isBlank() ? "Too many bind addresses specified." : null,
            v -> String.join(" ", v.trim().split("\\s+"))));
        add(Directive.integer("tcp-backlog", 511, 0, Integer.MAX_VALUE, false));
        add(Directive.integer("timeout", 0, 0, Integer.MAX_VALUE, true));
        add(Directive.integer("tcp-keepalive", 300, 0, Integer.MAX_VALUE, true));
        add(Directive.choice("loglevel", "notice", true, "debug", "verbose", "notice", "warning"));
        add(Directive.string("logfile", "", false));
        add(Directive.integer("databases", 16, 1, Integer.MAX_VALUE, false));
        add(Directive.custom("dir", ".", true, v -> Files.isDirectory(Path.of(v)) ? null : "No such file or directory",
            v -> Path.of(v).toAbsolutePath().normalize().toString()));
        add(Directive.string("dbfilename", "dump.rdb", true));
        add(Directive.custom("save", "3600 1 300 100 60 10000", true, ServerConfig::checkSave,
            v -> String.join(" ", v.trim().isEmpty() ? new String[0] : v.trim().split("\\s+"))));
        add(Directive.bool("appendonly", false, true));
        add(Directive.string("appendfilename", "appendonly.aof", false));
        add(Directive.string("requirepass", "", true));
        add(Directive.integer("maxclients", 10000, 1, 4294967295L, true));
        add(Directive.memory("proto-max-bulk-len", 512L * 1024 * 1024, 1024 * 1024, Long.MAX_VALUE, true));
        add(Directive.memory("client-query-buffer-limit", 1024L * 1024 * 1024, 1024 * 1024, Long.MAX_VALUE, true));
        add(Directive.integer("hz", 10, 0, Integer.MAX_VALUE, true));
        // encodings of the collection types: the same thresholds as Redis 7.0
        add(Directive.integer("list-max-listpack-size", -2, Integer.MIN_VALUE, Integer.MAX_VALUE, true));
        add(Directive.integer("list-compress-depth", 0, 0, Integer.MAX_VALUE, true));
        add(Directive.integer("hash-max-listpack-entries", 512, 0, Long.MAX_VALUE, true));
        add(Directive.integer("hash-max-listpack-value", 64, 0, Long.MAX_VALUE, true));
        add(Directive.integer("set-max-intset-entries", 512, 0, Long.MAX_VALUE, true));
        add(Directive.integer("zset-max-listpack-entries", 128, 0, Long.MAX_VALUE, true));
        add(Directive.integer("zset-max-listpack-value", 64, 0, Long.MAX_VALUE, true));
        add(Directive.memory("hll-sparse-max-bytes", 3000, 0, Long.MAX_VALUE, true));
        add(Directive.memory("stream-node-max-bytes", 4096, 0, Long.MAX_VALUE, true));
        add(Directive.integer("stream-node-max-entries", 100, 0, Long.MAX_VALUE, true));
        add(Directive.integer("shards", 0, 0, 1024, false));
        add(Directive.integer("memcached-port", 11211, 0, 65535, false));
        // memcached's -I (largest item) and -c (connection limit) for the memcached listener
        add(Directive.memory("item-size-max", 1024 * 1024, 1024, 1024L * 1024 * 1024, true));
        add(Directive.integer("memcached-max-connections", 1024, 1, Integer.MAX_VALUE, true));
        add(Directive.integer("metrics-port", 9121, 0, 65535, false));
        add(Directive.custom("notify-keyspace-events", "", true, io.ferrite.pubsub.NotifyFlags::check,
            io.ferrite.pubsub.NotifyFlags::canonical));
        add(Directive.custom("client-output-buffer-limit", OutputBufferLimits.DEFAULT, true, OutputBufferLimits::check,
            v -> OutputBufferLimits.merge(null, v)));
        // observability, as Redis 7.0 names them: slow log, latency monitor, per-command latency histograms
        add(Directive.integer("slowlog-log-slower-than", 10000, -1, Long.MAX_VALUE, true));
        add(Directive.integer("slowlog-max-len", 128, 0, Long.MAX_VALUE, true));
        add(Directive.integer("latency-monitor-threshold", 0, 0, Long.MAX_VALUE, true));
        add(Directive.integer("tracking-table-max-keys", 1000000, 0, Long.MAX_VALUE, true));
        add(Directive.bool("latency-tracking", true, true));
        add(Directive.custom("latency-tracking-info-percentiles", "50 99 99.9", true,
            io.ferrite.metrics.Percentiles::check, io.ferrite.metrics.Percentiles::canonical));
    }

    private static void add(Directive d) {
        DIRECTIVES.put(d.name, d);
    }

    public static Map<String, Directive> directives() {
        return DIRECTIVES;
    }

    /** Whether CONFIG SET may change the directive at run time (false for unknown names). */
    public static boolean isMutable(String name) {
        Directive d = DIRECTIVES.get(name.toLowerCase(Locale.ROOT));
        return d != null && d.mutable;
    }

    /** The directive's default in the canonical form CONFIG GET prints, or null for unknown names. */
    public static String defaultValue(String name) {
        Directive d = DIRECTIVES.get(name.toLowerCase(Locale.ROOT));
        return d == null ? null : d.normalize(d.defaultValue);
    }

    private final Map<String, String> values = new ConcurrentHashMap<>();
    /**
     * Numeric values already parsed, each with the text it came from: some are read on every
     * request (the protocol limits). An entry counts only while its text is still the current one.
     */
    private final Map<String, Parsed> longs = new ConcurrentHashMap<>();

    private record Parsed(String text, long value) {
    }

    private Path file;

    public static ServerConfig defaults() {
        ServerConfig c = new ServerConfig();
        DIRECTIVES.values().forEach(d -> c.values.put(d.name, d.normalize(d.defaultValue)));
        return c;
    }

    /** Sets a directive from the config file, the command line or a test; throws on unknown names or bad values. */
    public void set(String name, String value) {
        Directive d = DIRECTIVES.get(name.toLowerCase(Locale.ROOT));
        if (d == null) {
            throw new IllegalArgumentException("Bad directive or wrong number of arguments");
        }
        String v = d.normalize(value);
        if (d.name.equals("hz")) {
            // Redis clamps hz into [1, 500] (CONFIG_MIN_HZ, CONFIG_MAX_HZ)
            v = Long.toString(Math.max(1, Math.min(500, Long.parseLong(v))));
        }
        if (d.name.equals("client-output-buffer-limit")) {
            // the classes given replace theirs; the others keep their limits
            v = OutputBufferLimits.merge(values.get(d.name), value);
        }
        if (d.name.equals("notify-keyspace-events")) {
            // kept as bits: the printed form drops 'n' beside 'A', as Redis's does
            notifyFlags = io.ferrite.pubsub.NotifyFlags.parse(value);
        }
        values.put(d.name, v);
    }

    private volatile int notifyFlags;

    /** The notify-keyspace-events classes as {@link io.ferrite.engine.Notify} bits, read on every notification. */
    public int notifyFlags() {
        return notifyFlags;
    }

    public String get(String name) {
        return values.get(name);
    }

    public int getInt(String name) {
        return (int) getLong(name);
    }

    public long getLong(String name) {
        String text = values.get(name);
        Parsed p = longs.get(name);
        if (p == null || p.text != text) {
            p = new Parsed(text, Long.parseLong(text));
            longs.put(name, p);
        }
        return p.value;
    }

    public boolean getBool(String name) {
        return "yes".equals(values.get(name));
    }

    public Path file() {
        return file;
    }

    public Map<String, String> snapshot() {
        Map<String, String> m = new LinkedHashMap<>();
        DIRECTIVES.keySet().forEach(k -> m.put(k, values.get(k)));
        return m;
    }

    /** Reads a redis.conf-syntax file; an error names the line, as Redis's "FATAL CONFIG FILE ERROR" does. */
    public void load(Path path) throws IOException {
        file = path.toAbsolutePath();
        List<String> lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            applyLine(line, "Reading the configuration file, at line " + (i + 1));
        }
    }

    /** Applies `--name value ...` arguments as redis-server does (they override the file). */
    public void applyArgs(List<String> args) {
        String name = null;
        List<String> vals = new ArrayList<>();
        for (String a : args) {
            if (a.startsWith("--") && a.length() > 2) {
                if (name != null) {
                    applyWords(name, vals, "Reading the command line");
                }
                name = a.substring(2);
                vals = new ArrayList<>();
            } else if (name == null) {
                throw new ConfigError("Reading the command line", a, "Invalid argument: expected --directive");
            } else {
                vals.add(a);
            }
        }
        if (name != null) {
            applyWords(name, vals, "Reading the command line");
        }
    }

    private void applyLine(String line, String where) {
        List<byte[]> words = io.ferrite.protocol.resp.InlineArgs.split(line.getBytes(StandardCharsets.UTF_8));
        if (words == null) {
            throw new ConfigError(where, line, "Unbalanced quotes in configuration line");
        }
        List<String> w = new ArrayList<>();
        words.forEach(b -> w.add(new String(b, StandardCharsets.UTF_8)));
        applyWords(w.get(0), w.subList(1, w.size()), where);
    }

    private void applyWords(String name, List<String> vals, String where) {
        String n = name.toLowerCase(Locale.ROOT);
        Directive d = DIRECTIVES.get(n);
        String shown = name + (vals.isEmpty() ? "" : " " + String.join(" ", vals));
        if (d == null) {
            throw new ConfigError(where, shown, "Bad directive or wrong number of arguments");
        }
        boolean multi = n.equals("save") || n.equals("bind") || n.equals("client-output-buffer-limit");
        if (!multi && vals.size() != 1) {
            throw new ConfigError(where, shown, "wrong number of arguments");
        }
        try {
            set(n, String.join(" ", vals));
        } catch (IllegalArgumentException e) {
            throw new ConfigError(where, shown, e.getMessage());
        }
    }

    static String checkSave(String v) {
        String[] parts = v.trim().isEmpty() ? new String[0] : v.trim().split("\\s+");
        if (parts.length % 2 != 0) {
            return "Invalid save parameters";
        }
        for (String p : parts) {
            if (!p.chars().allMatch(Character::isDigit)) {
                return "Invalid save parameters";
            }
        }
        return null;
    }

    /** A start-up configuration error, reported as Redis reports it before exiting. */
    public static final class ConfigError extends RuntimeException {
        public ConfigError(String where, String line, String reason) {
            super("\n*** FATAL CONFIG FILE ERROR (Ferrite " + Version.FERRITE + ") ***\n" + where + "\n>>> '" + line + "'\n" + reason);
        }
    }
}
