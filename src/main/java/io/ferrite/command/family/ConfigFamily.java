package io.ferrite.command.family;

import io.ferrite.command.Call;
import io.ferrite.command.CommandRegistry;
import io.ferrite.command.Glob;
import io.ferrite.command.ShardedCommand;
import io.ferrite.engine.ShardKeyspace;
import io.ferrite.engine.Shard;
import io.ferrite.server.ConfigRewriter;
import io.ferrite.server.Log;
import io.ferrite.server.Server;
import io.ferrite.server.ServerConfig;
import io.ferrite.store.Bytes;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** CONFIG GET, SET, RESETSTAT, REWRITE, HELP with Redis 7.0's replies (config.c). */
public final class ConfigFamily {
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

    /** Redis's PROTECTED_CONFIG directives: refused by CONFIG SET while enable-protected-configs is "no" (its default). */
    private static final Set<String> PROTECTED = Set.of("dir");

    private ConfigFamily() {
    }

    public static void register(CommandRegistry r) {
        r.add("config|get", ConfigFamily::get);
        r.add("config|set", ConfigFamily::set);
        r.addSharded("config|resetstat", RESET_STAT);
        r.add("config|rewrite", ConfigFamily::rewrite);
        r.add("config|help", c -> FamilyUtil.help(c, HELP));
    }

    static void get(Call c) {
        ServerConfig cfg = c.server.config();
        Map<String, String> matches = new LinkedHashMap<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 2; i < c.argc(); i++) {
            String name = c.argString(i);
            if (name.indexOf('[') < 0 && name.indexOf('*') < 0 && name.indexOf('?') < 0) {
                String canonical = name.toLowerCase(Locale.ROOT);
                if (ServerConfig.directives().containsKey(canonical) && seen.add(canonical)) {
                    // Redis replies with the name as the client spelled it
                    matches.put(name, cfg.get(canonical));
                }
                continue;
            }
            for (String d : ServerConfig.directives().keySet()) {
                if (!seen.contains(d) && Glob.match(c.arg(i), Bytes.of(d), true)) {
                    seen.add(d);
                    matches.put(d, cfg.get(d));
                }
            }
        }
        c.reply.map(matches.size());
        matches.forEach((k, v) -> {
            c.reply.bulk(k);
            c.reply.bulk(v);
        });
    }

    static void set(Call c) {
        if (c.argc() < 4 || c.argc() % 2 != 0) {
            c.reply.error("ERR wrong number of arguments for 'config|set' command");
            return;
        }
        ServerConfig cfg = c.server.config();
        String unknown = null;
        String errArg = null;
        String errStr = null;
        List<String> names = new ArrayList<>();
        List<String> values = new ArrayList<>();
        for (int i = 2; i < c.argc(); i += 2) {
            String given = c.argString(i);
            String name = given.toLowerCase(Locale.ROOT);
            if (!ServerConfig.directives().containsKey(name)) {
                if (unknown == null && errStr == null) {
                    unknown = given;
                }
                continue;
            }
            if (unknown != null || errStr != null) {
                continue;
            }
            if (!ServerConfig.isMutable(name)) {
                errStr = "can't set immutable config";
                errArg = given;
                continue;
            }
            if (PROTECTED.contains(name)) {
                errStr = "can't set protected config";
                errArg = given;
                continue;
            }
            if (names.contains(name)) {
                errStr = "duplicate parameter";
                errArg = given;
                continue;
            }
            names.add(name);
            values.add(c.argString(i + 1));
        }
        if (unknown != null) {
            c.reply.error("ERR Unknown option or number of arguments for CONFIG SET - '" + unknown + "'");
            return;
        }
        if (errStr != null) {
            c.reply.error("ERR CONFIG SET failed (possibly related to argument '" + errArg + "') - " + errStr);
            return;
        }
        Map<String, String> old = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            old.put(name, cfg.get(name));
            try {
                cfg.set(name, values.get(i));
            } catch (IllegalArgumentException e) {
                // all or nothing: put back what was already set
                old.forEach(cfg::set);
                c.reply.error("ERR CONFIG SET failed (possibly related to argument '" + name + "') - " + e.getMessage());
                return;
            }
        }
        for (String name : names) {
            apply(c.server, name);
        }
        c.reply.ok();
    }

    /** Side effects of a changed directive; the others are read where they are used. */
    private static void apply(Server server, String name) {
        if (name.equals("loglevel")) {
            Log.level(server.config().get("loglevel"));
        }
        if (name.equals("tracking-table-max-keys")) {
            server.engine().trackingLimit().check();
        }
        server.observer().reload();
    }

    /** Clears INFO's counters: the server-wide ones first, then each shard's on its own thread. */
    private static final ShardedCommand RESET_STAT = ShardedCommand.okAfterEveryShard(
        c -> c.server.stats().reset(),
        ks -> {
            Shard s = ((ShardKeyspace) ks).shard();
            s.stats.reset();
            s.stats.expireCycleCpuMillis = 0;
            s.stats.expiredStalePerc = 0;
        });

    static void rewrite(Call c) {
        if (c.server.config().file() == null) {
            c.reply.error("ERR The server is running without a config file");
            return;
        }
        try {
            ConfigRewriter.rewrite(c.server.config());
        } catch (IOException | RuntimeException e) {
            String reason = e.getMessage() == null ? e.toString() : e.getMessage();
            Log.warning("CONFIG REWRITE failed: " + reason);
            c.reply.error("ERR Rewriting config file: " + reason);
            return;
        }
        Log.notice("CONFIG REWRITE executed with success.");
        c.reply.ok();
    }
}
