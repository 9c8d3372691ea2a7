package io.ferrite.server.commands;

import io.ferrite.command.family.FamilyUtil;
import io.ferrite.engine.Eviction;
import io.ferrite.engine.command.Call;
import io.ferrite.engine.command.CommandRegistry;
import io.ferrite.store.Glob;
import io.ferrite.engine.command.ShardedCommand;
import io.ferrite.engine.ShardKeyspace;
import io.ferrite.engine.Shard;
import io.ferrite.server.ConfigRewriter;
import io.ferrite.server.Directive;
import io.ferrite.common.Log;
import io.ferrite.server.AclSetup;
import io.ferrite.server.Server;
import io.ferrite.server.ServerConfig;
import io.ferrite.store.Bytes;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** CONFIG GET, SET, RESETSTAT, REWRITE, HELP with Redis 7.0's replies (config.c). */
public final class ConfigFamily {
    /** Redis 7.0's DENY_LOADING_CONFIG directives: CONFIG SET refuses them while a data set loads. */
    private static final java.util.Set<String> DENIED_WHILE_LOADING = java.util.Set.of("dir", "appendonly");
    private static final String[] HELP = {
        "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "GET <pattern>",
        "    Return parameters matching the glob-like <pattern> and their values.",
        "SET <directive> <value>",
        "    Set the configuration <directive> to <value>.",
        "RESETSTAT",
        "    Reset statistics reported by the INFO command.",
        "REWRITE",
        "    Rewrite the configuration file.",
        "HELP",
        "    Prints this help.",
    };

    private ConfigFamily() {
    }

    public static void register(CommandRegistry r) {
        r.add("config|get", ConfigFamily::get);
        r.add("config|set", ConfigFamily::set);
        r.addSharded("config|resetstat", RESET_STAT);
        r.add("config|rewrite", ConfigFamily::rewrite);
        r.add("config|help", c -> FamilyUtil.help(c, HELP));
    }

    /**
     * An exact name (or alias) answers under the name as spelled; a pattern matches every name and
     * alias except the hidden ones, so both spellings of a directive come back when both match, as
     * Redis 7.0 registers an alias as a config of its own.
     */
    static void get(Call c) {
        ServerConfig cfg = Server.of(c).config();
        Map<String, String> matches = new LinkedHashMap<>();
        Set<String> seen = new HashSet<>();
        for (int i = 2; i < c.argc(); i++) {
            String name = c.argString(i);
            if (name.indexOf('[') < 0 && name.indexOf('*') < 0 && name.indexOf('?') < 0) {
                Directive d = ServerConfig.lookup(name);
                if (d != null && seen.add(name.toLowerCase(Locale.ROOT))) {
                    matches.put(name, cfg.get(d.name()));
                }
                continue;
            }
            for (Directive d : ServerConfig.directives().values()) {
                if (!d.has(Directive.Flag.HIDDEN) && !seen.contains(d.name()) && Glob.match(c.arg(i), Bytes.of(d.name()), true)) {
                    seen.add(d.name());
                    matches.put(d.name(), cfg.get(d.name()));
                }
            }
            for (Map.Entry<String, String> a : ServerConfig.aliases().entrySet()) {
                if (!seen.contains(a.getKey()) && Glob.match(c.arg(i), Bytes.of(a.getKey()), true)) {
                    seen.add(a.getKey());
                    matches.put(a.getKey(), cfg.get(a.getValue()));
                }
            }
        }
        c.reply().map(matches.size());
        matches.forEach((k, v) -> {
            c.reply().bulk(k);
            c.reply().bulk(v);
        });
    }

    static void set(Call c) {
        if (c.argc() < 4 || c.argc() % 2 != 0) {
            c.reply().error("ERR wrong number of arguments for 'config|set' command");
            return;
        }
        ServerConfig cfg = Server.of(c).config();
        String unknown = null;
        String errArg = null;
        String errStr = null;
        boolean denyLoading = false;
        boolean loading = Server.of(c).loading() || Server.of(c).asyncLoading();
        // the names as the table spells them (an alias stays an alias: Redis keeps one entry for each)
        List<String> names = new ArrayList<>();
        List<Directive> targets = new ArrayList<>();
        List<String> values = new ArrayList<>();
        for (int i = 2; i < c.argc(); i += 2) {
            String given = c.argString(i);
            String name = given.toLowerCase(Locale.ROOT);
            Directive d = ServerConfig.lookup(name);
            if (d == null) {
                if (unknown == null && errStr == null) {
                    unknown = given;
                }
                continue;
            }
            if (unknown != null || errStr != null) {
                continue;
            }
            if (!ServerConfig.isMutable(name) && !(d.has(Directive.Flag.START_UP_ONLY) && sameValue(cfg, d, c.argString(i + 1)))) {
                errStr = "can't set immutable config";
                errArg = given;
                continue;
            }
            if (d.has(Directive.Flag.PROTECTED) && !cfg.allows("enable-protected-configs", c.client.addr)) {
                errStr = "can't set protected config";
                errArg = given;
                continue;
            }
            if (loading && DENIED_WHILE_LOADING.contains(d.name())) {
                denyLoading = true;
                continue;
            }
            if (names.contains(name)) {
                errStr = "duplicate parameter";
                errArg = given;
                continue;
            }
            names.add(name);
            targets.add(d);
            values.add(c.argString(i + 1));
        }
        // Redis answers its loading error before any other of the arguments' errors
        if (denyLoading) {
            c.reply().error("LOADING Redis is loading the dataset in memory");
            return;
        }
        if (unknown != null) {
            c.reply().error("ERR Unknown option or number of arguments for CONFIG SET - '" + unknown + "'");
            return;
        }
        if (errStr != null) {
            c.reply().error("ERR CONFIG SET failed (possibly related to argument '" + errArg + "') - " + errStr);
            return;
        }
        Map<String, String> old = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            String target = targets.get(i).name();
            old.putIfAbsent(target, cfg.get(target));
            try {
                cfg.set(target, values.get(i));
            } catch (IllegalArgumentException e) {
                // all or nothing: put back what was already set
                old.forEach(cfg::set);
                c.reply().error("ERR CONFIG SET failed (possibly related to argument '" + names.get(i) + "') - " + e.getMessage());
                return;
            }
        }
        String failed = applyListeners(Server.of(c), targets, old);
        if (failed != null) {
            c.reply().error(failed);
            return;
        }
        for (Directive d : targets) {
            apply(Server.of(c), d.name());
        }
        c.reply().ok();
    }

    private static boolean sameValue(ServerConfig cfg, Directive d, String value) {
        try {
            return d.normalizedEquals(cfg.get(d.name()), value);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * The changes that can fail once the values are in (Redis's apply functions): TLS contexts
     * rebuilt when a tls-* directive changed, listeners rebound for port and tls-port. On failure
     * every value is put back and Redis's error returned; null when all went through.
     */
    /** Whether setting directive {@code name} rebuilds the TLS contexts: every tls-* but the port, and Ferrite's ssl-provider. */
    private static boolean rebuildsTls(String name) {
        return name.startsWith("tls-") && !name.equals("tls-port") || name.equals("ssl-provider");
    }

    private static String applyListeners(Server server, List<Directive> targets, Map<String, String> old) {
        ServerConfig cfg = server.config();
        boolean tls = targets.stream().anyMatch(d -> rebuildsTls(d.name()));
        String err = null;
        String arg = null;
        if (tls) {
            err = server.reloadTls();
            arg = targets.stream().filter(d -> rebuildsTls(d.name())).findFirst().orElseThrow().name();
        }
        boolean bindChanged = old.containsKey("bind") && !old.get("bind").equals(cfg.get("bind"));
        if (err == null && bindChanged) {
            err = server.changeBind();
            arg = "bind";
            if (err != null) {
                Log.warning("Failed applying new configuration. Possibly related to new bind setting. Restoring previous settings.");
            }
        }
        for (String port : List.of("port", "tls-port")) {
            if (err == null && old.containsKey(port) && !old.get(port).equals(cfg.get(port))) {
                err = server.changePort(port, Integer.parseInt(old.get(port)));
                arg = port;
            }
        }
        if (err == null) {
            return null;
        }
        old.forEach(cfg::set);
        if (bindChanged) {
            // the previous addresses bound again, as Redis's restoreBackupConfig applies them
            server.changeBind();
        }
        if (tls) {
            server.reloadTls();
        }
        return "ERR CONFIG SET failed (possibly related to argument '" + arg + "') - " + err;
    }

    /** Side effects of a changed directive; the others are read where they are used. */
    private static void apply(Server server, String name) {
        if (name.equals("loglevel")) {
            Log.level(server.config().get("loglevel"));
        }
        if (name.equals("appendonly")) {
            server.aof().appendonlyChanged();
        }
        if (name.equals("aof-disable-auto-gc")) {
            server.aof().autoGcChanged();
        }
        if (name.equals("requirepass")) {
            AclSetup.requirePass(server.acl(), server.config());
        }
        if (name.equals("acl-pubsub-default")) {
            AclSetup.pubsubDefault(server.acl(), server.config());
        }
        if (name.equals("proc-title-template")) {
            // Redis's updateProcTitleTemplate sets the title whatever set-proc-title says
            server.updateProcTitle();
        }
        if (name.equals("tracking-table-max-keys")) {
            server.engine().trackingLimit().check();
        }
        if (name.equals("maxmemory") || name.equals("maxmemory-policy") || name.equals("maxmemory-samples")
                || name.equals("maxmemory-clients") || name.equals("maxmemory-eviction-tenacity")
                || name.equals("lfu-log-factor") || name.equals("lfu-decay-time")
                || name.equals("maxmemory-admission")) {
            server.applyEviction();
            // as Redis's updateMaxmemory: a limit now below used memory evicts at once
            if (server.engine().mustEvict()) {
                Eviction.run(server.engine(), () -> { });
            }
        }
        server.observer().reload();
    }

    /** Clears INFO's counters: the server-wide ones first, then each shard's on its own thread. */
    private static final ShardedCommand RESET_STAT = ShardedCommand.okAfterEveryShard(
        c -> {
            Server.of(c).stats().reset();
            Server.of(c).replication().resetStats();
            Server.of(c).engine().resetEvictionStats();
        },
        ks -> {
            Shard s = ((ShardKeyspace) ks).shard();
            s.stats.reset();
        });

    static void rewrite(Call c) {
        if (Server.of(c).config().file() == null) {
            c.reply().error("ERR The server is running without a config file");
            return;
        }
        try {
            ConfigRewriter.rewrite(Server.of(c).config(), AclSetup.userLines(Server.of(c).acl(), Server.of(c).config()));
        } catch (IOException | RuntimeException e) {
            String reason = e.getMessage() == null ? e.toString() : e.getMessage();
            Log.warning("CONFIG REWRITE failed: " + reason);
            c.reply().error("ERR Rewriting config file: " + reason);
            return;
        }
        Log.notice("CONFIG REWRITE executed with success.");
        c.reply().ok();
    }
}
