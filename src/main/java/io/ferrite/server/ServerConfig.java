package io.ferrite.server;

import io.ferrite.engine.command.Settings;
import io.ferrite.engine.pubsub.NotifyFlags;
import io.ferrite.protocol.resp.InlineArgs;
import io.ferrite.server.Directive.Flag;
import io.ferrite.stats.Percentiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The server's directives, named as in redis.conf, read from a config file and the command line
 * and changed at run time by CONFIG SET. Values are kept in the canonical text CONFIG GET prints.
 */
public final class ServerConfig implements Settings {
    private static final Map<String, Directive> DIRECTIVES = new LinkedHashMap<>();
    /** Redis's CONFIG_BINDADDR_MAX. */
    private static final int BIND_ADDRESSES_MAX = 16;

    static {
        // CONFIG SET port and tls-port rebind the listeners, as Redis does (Server.changePort)
        add(Directive.integer("port", 6379, 0, 65535, true));
        // CONFIG SET bind rebinds the TCP and TLS listeners (Server.changeBind); "" binds none (the unix socket serves)
        add(Directive.custom("bind", "* -::*", true,
            v -> v.isBlank() || v.trim().split("\\s+").length <= BIND_ADDRESSES_MAX ? null : "Too many bind addresses specified.",
            v -> v.isBlank() ? "" : String.join(" ", v.trim().split("\\s+"))).with(Flag.MULTI_ARG));
        add(Directive.integer("tcp-backlog", 511, 0, Integer.MAX_VALUE, false));
        add(Directive.integer("timeout", 0, 0, Integer.MAX_VALUE, true));
        add(Directive.integer("tcp-keepalive", 300, 0, Integer.MAX_VALUE, true));
        add(Directive.choice("loglevel", "notice", true, "debug", "verbose", "notice", "warning"));
        add(Directive.string("logfile", "", false));
        add(Directive.integer("databases", 16, 1, Integer.MAX_VALUE, false));
        // the working directory: every file Ferrite writes is resolved against it (see resolve)
        add(Directive.custom("dir", ".", true, v -> Files.isDirectory(Path.of(v)) ? null : "No such file or directory",
            v -> Path.of(v).toAbsolutePath().normalize().toString()).with(Flag.PROTECTED));
        add(Directive.string("pidfile", "", false));
        add(Directive.bool("daemonize", false, false));
        add(Directive.bool("always-show-logo", false, false));
        // Redis 7.0's protected actions: no (the default), local (loopback clients only) or yes
        add(Directive.choice("enable-protected-configs", "no", false, "no", "yes", "local"));
        add(Directive.choice("enable-debug-command", "no", false, "no", "yes", "local"));
        // no MODULE command exists, so this one only keeps redis.conf loading
        add(Directive.choice("enable-module-command", "no", false, "no", "yes", "local").with(Flag.INERT));
        // the RDB file SAVE and SHUTDOWN write and start-up loads, in dir
        add(Directive.string("dbfilename", "dump.rdb", true,
            v -> v.contains("/") ? "dbfilename can't be a path, just a filename" : null).with(Flag.PROTECTED));
        add(Directive.custom("save", "3600 1 300 100 60 10000", true, ServerConfig::checkSave,
            v -> String.join(" ", v.trim().isEmpty() ? new String[0] : v.trim().split("\\s+"))).with(Flag.MULTI_ARG));
        // background saves: writes refused after a failed one, and Redis's test knob slowing them
        add(Directive.bool("stop-writes-on-bgsave-error", true, true));
        add(Directive.integer("rdb-key-save-delay", 0, Integer.MIN_VALUE, Integer.MAX_VALUE, true).with(Flag.HIDDEN));
        add(Directive.bool("rdbcompression", true, true));
        // yes (Ferrite's default, never a crash on a hostile payload): every check on RESTORE payloads and RDB
        // files; clients: on RESTORE only; no (Redis's default): Redis's shallow ones, a corrupt value ending the server when read
        add(Directive.choice("sanitize-dump-payload", "yes", true, "no", "yes", "clients"));
        add(Directive.bool("rdbchecksum", true, false));
        // loading at start-up: Redis's test knobs, a delay per key and how often progress is published
        add(Directive.integer("key-load-delay", 0, Integer.MIN_VALUE, Integer.MAX_VALUE, true).with(Flag.HIDDEN));
        add(Directive.integer("loading-process-events-interval-bytes", 2 * 1024 * 1024, 1024, Integer.MAX_VALUE, true)
            .with(Flag.HIDDEN));
        // what SIGINT and SIGTERM do (save, nosave, now, force), as SHUTDOWN's options
        add(RedisDirectives.shutdownOnSignal("shutdown-on-sigint"));
        add(RedisDirectives.shutdownOnSignal("shutdown-on-sigterm"));
        // how long SHUTDOWN and the signals wait for lagging replicas (seconds; 0: they do not wait)
        add(Directive.integer("shutdown-timeout", 10, 0, Integer.MAX_VALUE, true));
        // the multi-part append-only file (server.aof)
        add(Directive.bool("appendonly", false, true));
        add(Directive.string("appendfilename", "appendonly.aof", false,
            v -> v.isEmpty() ? "appendfilename can't be empty"
                : v.contains("/") ? "appendfilename can't be a path, just a filename" : null));
        add(Directive.string("appenddirname", "appendonlydir", false,
            v -> v.isEmpty() ? "appenddirname can't be empty"
                : v.contains("/") ? "appenddirname can't be a path, just a dirname" : null));
        add(Directive.choice("appendfsync", "everysec", true, "everysec", "always", "no"));
        add(Directive.bool("no-appendfsync-on-rewrite", false, true));
        add(Directive.bool("aof-load-truncated", true, true));
        add(Directive.bool("aof-use-rdb-preamble", true, true));
        add(Directive.bool("aof-timestamp-enabled", false, true));
        add(Directive.bool("aof-disable-auto-gc", false, true));
        add(Directive.integer("auto-aof-rewrite-percentage", 100, 0, Integer.MAX_VALUE, true));
        add(Directive.memory("auto-aof-rewrite-min-size", 64L * 1024 * 1024, 0, Long.MAX_VALUE, true));
        add(Directive.string("requirepass", "", true));
        add(Directive.integer("maxclients", 10000, 1, 4294967295L, true));
        add(Directive.memory("proto-max-bulk-len", 512L * 1024 * 1024, 1024 * 1024, Long.MAX_VALUE, true));
        add(Directive.memory("client-query-buffer-limit", 1024L * 1024 * 1024, 1024 * 1024, Long.MAX_VALUE, true));
        add(Directive.integer("hz", 10, 0, Integer.MAX_VALUE, true));
        // encodings of the collection types: the same thresholds as Redis 7.0
        add(Directive.integer("list-max-listpack-size", -2, Integer.MIN_VALUE, Integer.MAX_VALUE, true));
        add(Directive.integer("list-compress-depth", 0, 0, Integer.MAX_VALUE, true).with(Flag.INERT));
        add(Directive.integer("hash-max-listpack-entries", 512, 0, Long.MAX_VALUE, true));
        add(Directive.memory("hash-max-listpack-value", 64, 0, Long.MAX_VALUE, true));
        add(Directive.integer("set-max-intset-entries", 512, 0, Long.MAX_VALUE, true));
        add(Directive.integer("zset-max-listpack-entries", 128, 0, Long.MAX_VALUE, true));
        add(Directive.memory("zset-max-listpack-value", 64, 0, Long.MAX_VALUE, true));
        add(Directive.memory("hll-sparse-max-bytes", 3000, 0, Long.MAX_VALUE, true));
        add(Directive.memory("stream-node-max-bytes", 4096, 0, Long.MAX_VALUE, true));
        add(Directive.integer("stream-node-max-entries", 100, 0, Long.MAX_VALUE, true));
        add(Directive.integer("shards", 0, 0, 1024, false).with(Flag.START_UP_ONLY));
        // Redis's name for its I/O threads: here the shard loops that read and answer clients (0 = all)
        add(Directive.integer("io-threads", 0, 0, 128, false));
        add(Directive.integer("memcached-port", 11211, 0, 65535, false).with(Flag.START_UP_ONLY));
        // memcached's -I (largest item) and -c (connection limit) for the memcached listener
        add(Directive.memory("item-size-max", 1024 * 1024, 1024, 1024L * 1024 * 1024, true));
        add(Directive.integer("memcached-max-connections", 1024, 1, Integer.MAX_VALUE, true));
        // memcached's -M: a memcached store over maxmemory fails with its out-of-memory error instead of evicting
        add(Directive.bool("memcached-no-evict", false, true));
        // Ferrite: who memcached connections run as. none: the ACL user memcached-user names, no password
        // asked; acl: each logs in as an ACL user first (binary: SASL PLAIN, memcached's -S; text: its -Y "set")
        add(Directive.choice("memcached-auth", "none", true, "none", "acl"));
        add(Directive.string("memcached-user", "default", true));
        add(Directive.integer("metrics-port", 9121, 0, 65535, false).with(Flag.START_UP_ONLY));
        // Ferrite's own: the memcached port and the metrics endpoint over TLS, with the tls-* certificates
        add(Directive.bool("memcached-tls", false, false).with(Flag.START_UP_ONLY));
        add(Directive.bool("metrics-tls", false, false).with(Flag.START_UP_ONLY));
        // which TLS implementation: OpenSSL (BoringSSL, netty-tcnative) when it loads, else the JDK's
        add(Directive.choice("ssl-provider", "auto", true, "auto", "openssl", "jdk"));
        add(Directive.custom("notify-keyspace-events", "", true, NotifyFlags::check,
            NotifyFlags::canonical));
        add(Directive.custom("client-output-buffer-limit", OutputBufferLimits.DEFAULT, true, OutputBufferLimits::check,
            v -> OutputBufferLimits.merge(null, v)).with(Flag.MULTI_ARG));
        // observability, as Redis 7.0 names them: slow log, latency monitor, per-command latency histograms
        add(Directive.integer("slowlog-log-slower-than", 10000, -1, Long.MAX_VALUE, true));
        add(Directive.integer("slowlog-max-len", 128, 0, Long.MAX_VALUE, true));
        add(Directive.integer("latency-monitor-threshold", 0, 0, Long.MAX_VALUE, true));
        add(Directive.integer("tracking-table-max-keys", 1000000, 0, Long.MAX_VALUE, true));
        // enforced with noeviction: writes are refused with OOM once used_memory is over it
        add(Directive.memory("maxmemory", 0, 0, -1L, true).with(Flag.UNSIGNED));
        // eviction by the LRU, TTL and random policies (the LFU ones need counters not kept yet)
        add(Directive.choice("maxmemory-policy", "noeviction", true, "volatile-lru", "volatile-lfu", "volatile-random",
            "volatile-ttl", "allkeys-lru", "allkeys-lfu", "allkeys-random", "noeviction"));
        add(Directive.integer("maxmemory-samples", 5, 1, Integer.MAX_VALUE, true));
        // Ferrite's own: W-TinyLFU admission on top of the policy (a cold newcomer is evicted before the victim)
        add(Directive.choice("maxmemory-admission", "none", true, "none", "tinylfu"));
        // the JVM frees memory on its own threads either way: these pick how deletions propagate (DEL or UNLINK)
        add(Directive.bool("lazyfree-lazy-eviction", false, true));
        add(Directive.bool("lazyfree-lazy-expire", false, true));
        add(Directive.bool("latency-tracking", true, true));
        add(Directive.custom("latency-tracking-info-percentiles", "50 99 99.9", true,
            Percentiles::check, Percentiles::canonical).with(Flag.MULTI_ARG));
        // the rest of Redis 7.0's table, for the names not taken above
        RedisDirectives.inert().forEach(d -> DIRECTIVES.putIfAbsent(d.name, d));
        // table directives Ferrite acts on (replication's, LFU's): no start-up warning that they do nothing
        for (String live : List.of("replicaof", "masterauth", "masteruser", "replica-read-only", "replica-serve-stale-data",
                "replica-announced", "replica-announce-ip", "replica-announce-port", "replica-priority", "repl-timeout",
                "replica-ignore-maxmemory", "repl-diskless-load", "repl-diskless-sync", "repl-diskless-sync-delay",
                "repl-diskless-sync-max-replicas", "repl-ping-replica-period", "repl-backlog-size", "repl-backlog-ttl",
                "min-replicas-to-write", "min-replicas-max-lag", "lfu-log-factor", "lfu-decay-time",
                "maxmemory-clients", "maxmemory-eviction-tenacity", "aclfile", "acllog-max-len", "acl-pubsub-default", "protected-mode", "tls-port", "tls-cert-file",
                "tls-key-file", "tls-key-file-pass", "tls-client-cert-file", "tls-client-key-file",
                "tls-client-key-file-pass", "tls-dh-params-file", "tls-ca-cert-file", "tls-ca-cert-dir", "tls-auth-clients",
                "tls-protocols", "tls-ciphers", "tls-ciphersuites", "tls-prefer-server-ciphers", "tls-session-caching",
                "tls-session-cache-size", "tls-session-cache-timeout", "tls-replication", "tls-cluster",
                "unixsocket", "unixsocketperm", "set-proc-title", "proc-title-template", "bind-source-addr", "watchdog-period",
                "busy-reply-threshold")) {
            DIRECTIVES.get(live).live();
        }
    }

    private static void add(Directive d) {
        DIRECTIVES.put(d.name, d);
    }

    /** The directives by their current names; the aliases are in {@link #aliases()}. */
    public static Map<String, Directive> directives() {
        return DIRECTIVES;
    }

    /** Redis 7.0's old names (slaveof, hash-max-ziplist-entries, ...), each to the directive it names. */
    public static Map<String, String> aliases() {
        return RedisDirectives.ALIASES;
    }

    /** The directive a name or alias names, in any case; null for unknown names. */
    public static Directive lookup(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        Directive d = DIRECTIVES.get(n);
        if (d == null) {
            String target = RedisDirectives.ALIASES.get(n);
            d = target == null ? null : DIRECTIVES.get(target);
        }
        return d;
    }

    /** Whether CONFIG SET may change the directive at run time (false for unknown names). */
    public static boolean isMutable(String name) {
        Directive d = lookup(name);
        return d != null && d.mutable;
    }

    /** The directive's default in the canonical form CONFIG GET prints, or null for unknown names. */
    public static String defaultValue(String name) {
        Directive d = lookup(name);
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
    /** The config file's rename-command lines (old name, new name; "" disables), in order. */
    private final List<Map.Entry<String, String>> renames = new ArrayList<>();

    /** The inert directives the config file or command line named, for the start-up warnings. */
    private final Set<String> inertGiven = new TreeSet<>();
    /** While a config file is read, its first save line replaces the default and the next ones add to it. */
    private boolean readingFile;
    private boolean fileSetSave;

    public static ServerConfig defaults() {
        ServerConfig c = new ServerConfig();
        DIRECTIVES.values().forEach(d -> c.values.put(d.name, d.normalize(d.defaultValue)));
        return c;
    }

    /** Sets a directive (by name or alias) from the config file, the command line or a test; throws on unknown names or bad values. */
    public void set(String name, String value) {
        Directive d = lookup(name);
        if (d == null) {
            throw new IllegalArgumentException("Bad directive or wrong number of arguments");
        }
        if (d.name.equals("dir")) {
            // as Redis's chdir: a relative path is taken from the current directory
            value = Path.of(values.get("dir")).resolve(value).toString();
        }
        String v = d.normalize(value);
        if (d.name.equals("hz")) {
            // Redis clamps hz into [1, 500] (CONFIG_MIN_HZ, CONFIG_MAX_HZ)
            v = Long.toString(Math.max(1, Math.min(500, Long.parseLong(v))));
        }
        if (d.name.equals("watchdog-period") && !v.equals("0")) {
            // Redis's applyWatchdogPeriod: under two cron periods the watchdog would trip between two beats
            v = Long.toString(Math.max(2L * (1000 / getInt("hz")), Long.parseLong(v)));
        }
        if (d.name.equals("client-output-buffer-limit")) {
            // the classes given replace theirs; the others keep their limits
            v = OutputBufferLimits.merge(values.get(d.name), value);
        }
        if (d.name.equals("notify-keyspace-events")) {
            // kept as bits: the printed form drops 'n' beside 'A', as Redis's does
            notifyFlags = NotifyFlags.parse(value);
        }
        values.put(d.name, v);
    }

    private volatile int notifyFlags;

    /** The notify-keyspace-events classes as {@link io.ferrite.engine.Notify} bits, read on every notification. */
    public int notifyFlags() {
        return notifyFlags;
    }

    /** The value of a directive, by its name or alias. */
    @Override
    public String get(String name) {
        String v = values.get(name);
        if (v == null) {
            Directive d = lookup(name);
            v = d == null ? null : values.get(d.name);
        }
        return v;
    }

    @Override
    public int getInt(String name) {
        return (int) getLong(name);
    }

    @Override
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

    /** A file Ferrite writes, resolved against {@code dir} as Redis resolves it after its chdir. */
    public Path resolve(String fileName) {
        return Path.of(values.get("dir")).resolve(fileName);
    }

    /**
     * Whether a protected action (enable-debug-command, enable-protected-configs,
     * enable-module-command) is allowed for a client at {@code clientAddr} ("ip:port"): "yes"
     * always, "local" only from 127.0.0.1 or ::1 (Redis's islocalClient), "no" never.
     */
    @Override
    public boolean allows(String setting, String clientAddr) {
        String v = values.get(setting);
        if ("yes".equals(v)) {
            return true;
        }
        if (!"local".equals(v) || clientAddr == null) {
            return false;
        }
        int colon = clientAddr.lastIndexOf(':');
        String ip = colon < 0 ? clientAddr : clientAddr.substring(0, colon);
        return ip.equals("127.0.0.1") || ip.equals("::1") || ip.equals("0:0:0:0:0:0:0:1");
    }

    /** The rename-command lines read, in order (only a config file or the command line gives them, never CONFIG SET). */
    public List<Map.Entry<String, String>> renames() {
        return renames;
    }

    public Path file() {
        return file;
    }

    /** The directives without effect in Ferrite yet that the config file or command line set, sorted. */
    public Set<String> inertGiven() {
        return inertGiven;
    }

    public Map<String, String> snapshot() {
        Map<String, String> m = new LinkedHashMap<>();
        DIRECTIVES.keySet().forEach(k -> m.put(k, values.get(k)));
        return m;
    }

    /** Reads a redis.conf-syntax file; an error names the line, as Redis's "FATAL CONFIG FILE ERROR" does. */
    public void load(Path path) throws IOException {
        file = path.toAbsolutePath();
        readingFile = true;
        try {
            include(path);
        } finally {
            readingFile = false;
        }
    }

    /** The files being read, outermost first: a file that includes one of them would never end. */
    private final java.util.ArrayDeque<Path> including = new java.util.ArrayDeque<>();
    /** Includes deeper than this are refused too (symbolic links can loop under other names). */
    private static final int INCLUDE_DEPTH_MAX = 32;

    private void include(Path path) throws IOException {
        Path at = path.toAbsolutePath().normalize();
        if (including.contains(at) || including.size() >= INCLUDE_DEPTH_MAX) {
            // Redis recurses here until it runs out of stack; a start-up error names the loop instead
            throw new ConfigError("Reading the configuration file " + at, "include " + path,
                "include loop: the file is already being read");
        }
        including.push(at);
        try {
            includeLines(path);
        } finally {
            including.pop();
        }
    }

    private void includeLines(Path path) throws IOException {
        // Redis reads the file as bytes and splits it at '\n' only; bytes that are not UTF-8 are
        // taken leniently (as U+FFFD) rather than failing the whole file with a decoder error
        String[] lines = new String(Files.readAllBytes(path), StandardCharsets.UTF_8).split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            applyLine(line, "Reading the configuration file, at line " + (i + 1));
        }
    }

    /**
     * Applies config lines (newline-separated) as new defaults, before the file and the command
     * line, which override them: how a launcher changes Ferrite's defaults without touching the
     * arguments a caller passes as to redis-server (see scripts/redis-server).
     */
    public void applyDefaults(String lines) {
        for (String line : lines.split("\n")) {
            String l = line.trim();
            if (!l.isEmpty() && !l.startsWith("#")) {
                applyLine(l, "Reading the ferrite.defaults system property");
            }
        }
    }

    /**
     * Applies `--name value ...` arguments as redis-server does: as more lines after the file's
     * (they override it, and a save given there adds to the file's save lines).
     */
    public void applyArgs(List<String> args) {
        readingFile = true;
        try {
            applyArgWords(args);
        } finally {
            readingFile = false;
        }
    }

    /**
     * redis-server's main(): each {@code --name} starts a config line and the arguments after it
     * are its values (quoted as Redis's sdscatrepr quotes them); "--name value" in one argument is
     * a whole line; an argument after a bare {@code --name} is its value even when it starts with
     * "--"; a {@code --save} with nothing after it, or before another option, means {@code save ""}.
     */
    private void applyArgWords(List<String> args) {
        StringBuilder options = new StringBuilder();
        boolean handledLast = true;
        for (int j = 0; j < args.size(); j++) {
            String a = args.get(j);
            if (handledLast && a.startsWith("--")) {
                if (options.length() > 0) {
                    options.append('\n');
                }
                options.append(a.substring(2)).append(' ');
                List<byte[]> w = InlineArgs.split(a.getBytes(StandardCharsets.UTF_8));
                if (w != null && w.size() == 1) {
                    handledLast = false;
                    boolean nextIsOption = j + 1 < args.size() && args.get(j + 1).startsWith("--");
                    if (a.equalsIgnoreCase("--save") && (nextIsOption || j == args.size() - 1)) {
                        options.append("\"\"");
                        handledLast = nextIsOption;
                    }
                } else {
                    handledLast = true;
                }
            } else {
                options.append(ConfigRewriter.quote(a)).append(' ');
                handledLast = true;
            }
        }
        for (String line : options.toString().split("\n")) {
            String l = line.trim();
            if (!l.isEmpty()) {
                applyLine(l, "Reading the command line");
            }
        }
    }

    private void applyLine(String line, String where) {
        List<byte[]> words = InlineArgs.split(line.getBytes(StandardCharsets.UTF_8));
        if (words == null) {
            throw new ConfigError(where, line, "Unbalanced quotes in configuration line");
        }
        if (words.isEmpty()) {
            return;
        }
        List<String> w = new ArrayList<>();
        words.forEach(b -> w.add(new String(b, StandardCharsets.UTF_8)));
        applyWords(w.get(0), w.subList(1, w.size()), where, line);
    }

    /** Applies one config line, {@code shown} as the error names it (the line as written). */
    private void applyWords(String name, List<String> vals, String where, String shown) {
        String n = name.toLowerCase(Locale.ROOT);
        Directive d = lookup(n);
        if (d == null) {
            applyOther(n, vals, where, shown);
            return;
        }
        if (!d.has(Flag.MULTI_ARG) && vals.size() != 1) {
            throw new ConfigError(where, shown, "wrong number of arguments");
        }
        if (d.has(Flag.INERT)) {
            inertGiven.add(n);
        }
        try {
            String value = String.join(" ", vals);
            if (d.name.equals("save") && readingFile && !value.isBlank()) {
                // redis.conf lists one "save <seconds> <changes>" per line: the lines add up
                String sofar = fileSetSave ? values.get("save") : "";
                fileSetSave = true;
                value = (sofar + " " + value).trim();
            }
            set(d.name, value);
        } catch (IllegalArgumentException e) {
            throw new ConfigError(where, shown, e.getMessage());
        }
    }

    /** The config-file keywords that are not directives of the table (loadServerConfigFromString's others). */
    private void applyOther(String n, List<String> vals, String where, String shown) {
        if (RedisDirectives.DEPRECATED.contains(n) && vals.size() == 1) {
            // Redis 7.0 reads and ignores these too
            inertGiven.add(n);
            return;
        }
        if (n.equals("include") && vals.size() == 1) {
            try {
                include(resolve(vals.get(0)));
            } catch (IOException | java.nio.file.InvalidPathException e) {
                // a name no file can have (a NUL in it) cannot be opened either
                throw new ConfigError(where, shown, "Fatal error, can't open config file '" + vals.get(0) + "': "
                    + e.getMessage());
            }
            return;
        }
        if (n.equals("user") && !vals.isEmpty()) {
            // applied once the command table exists (Redis's ACLAppendUserForLoading, then ACLLoadConfiguredUsers)
            userLines.add(new UserLine(where, shown, List.copyOf(vals)));
            return;
        }
        if (n.equals("rename-command") && vals.size() == 2) {
            // applied to the command table when the server starts (Server's constructor), in order
            renames.add(Map.entry(vals.get(0), vals.get(1)));
            return;
        }
        if (n.equals("rename-command") || n.equals("loadmodule") || n.equals("sentinel")
            || n.contains(".")) {
            // these change what the server does (commands, modules): refusing is safer than ignoring
            throw new ConfigError(where, shown, "'" + n + "' is not supported by Ferrite");
        }
        throw new ConfigError(where, shown, "Bad directive or wrong number of arguments");
    }

    /** A {@code user} line of the config file: where it was, as written, and its words after "user". */
    public record UserLine(String where, String shown, List<String> words) {
    }

    private final List<UserLine> userLines = new ArrayList<>();

    /** The {@code user} lines, in file order. */
    public List<UserLine> userLines() {
        return List.copyOf(userLines);
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
