package io.ferrite.command.family;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferrite.engine.command.Call;
import io.ferrite.engine.command.Command;
import io.ferrite.engine.command.CommandFlag;
import io.ferrite.engine.command.CommandRegistry;
import io.ferrite.engine.command.CommandTable;
import io.ferrite.store.Glob;
import io.ferrite.engine.command.KeySpec;
import io.ferrite.engine.command.KeySpecAccess;
import io.ferrite.engine.command.Errors;
import io.ferrite.reply.Reply;
import io.ferrite.store.Bytes;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * COMMAND and its subcommands (COUNT, INFO, DOCS, GETKEYS, GETKEYSANDFLAGS, LIST, HELP), answered
 * from the Redis 7.0 specs of the commands Ferrite registers, in Redis's layout (server.c
 * addReplyCommandInfo / addReplyCommandDocs).
 */
public final class IntrospectionFamily {
    private static final String[] HELP = {
        "COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "(no subcommand)",
        "    Return details about all Redis commands.",
        "COUNT",
        "    Return the total number of commands in this Redis server.",
        "LIST",
        "    Return a list of all commands in this Redis server.",
        "INFO [<command-name> ...]",
        "    Return details about multiple Redis commands.",
        "    If no command names are given, documentation details for all",
        "    commands are returned.",
        "DOCS [<command-name> ...]",
        "    Return documentation details about multiple Redis commands.",
        "    If no command names are given, documentation details for all",
        "    commands are returned.",
        "GETKEYS <full-command>",
        "    Return the keys from a full Redis command.",
        "GETKEYSANDFLAGS <full-command>",
        "    Return the keys and the access flags from a full Redis command.",
        "HELP",
        "    Prints this help.",
    };

    /** ACL categories in Redis's ACLCommandCategories order (the order COMMAND INFO prints them). */
    private static final List<String> CATEGORIES = List.of("keyspace", "read", "write", "set", "sortedset", "list",
        "hash", "string", "bitmap", "hyperloglog", "geo", "stream", "pubsub", "admin", "fast", "slow", "blocking",
        "dangerous", "connection", "transaction", "scripting");

    /** Key spec flags in Redis's order (addReplyFlagsForKeyArgs). */
    private static final List<String> KEY_FLAGS = List.of("RO", "RW", "OW", "RM", "ACCESS", "UPDATE", "INSERT",
        "DELETE", "NOT_KEY", "INCOMPLETE", "VARIABLE_FLAGS");

    private IntrospectionFamily() {
    }

    public static void register(CommandRegistry r) {
        r.add("command", c -> info(c, all(c)));
        r.add("command|count", c -> c.reply().integer(table(c).topLevel().size()));
        r.add("command|info", IntrospectionFamily::commandInfo);
        r.add("command|docs", IntrospectionFamily::commandDocs);
        r.add("command|getkeys", c -> getKeys(c, false));
        r.add("command|getkeysandflags", c -> getKeys(c, true));
        r.add("command|list", IntrospectionFamily::list);
        r.add("command|help", c -> FamilyUtil.help(c, HELP));
    }

    private static CommandTable table(Call c) {
        return c.server.engine().commands();
    }

    private static List<Command> all(Call c) {
        return new ArrayList<>(table(c).topLevel());
    }

    /** Redis's lookupCommandBySds: "name" or "container|sub", any letter case. */
    static Command lookup(CommandTable t, String name) {
        String[] parts = name.split("\\|", -1);
        if (parts.length > 2) {
            return null;
        }
        Command base = t.lookup(parts[0]);
        if (base == null || parts.length == 1) {
            return base;
        }
        return base.subcommands().get(parts[1].toLowerCase(Locale.ROOT));
    }

    private static void info(Call c, List<Command> commands) {
        c.reply().array(commands.size());
        for (Command cmd : commands) {
            commandInfo(c.reply(), cmd);
        }
    }

    static void commandInfo(Call c) {
        if (c.argc() == 2) {
            info(c, all(c));
            return;
        }
        c.reply().array(c.argc() - 2);
        for (int i = 2; i < c.argc(); i++) {
            commandInfo(c.reply(), lookup(table(c), c.argString(i)));
        }
    }

    private static boolean isIndexRange(JsonNode ks) {
        return ks.path("begin_search").has("index") && ks.path("find_keys").has("range");
    }

    private static boolean hasKeyFlag(JsonNode ks, String flag) {
        for (JsonNode f : ks.path("flags")) {
            if (f.asText().equals(flag)) {
                return true;
            }
        }
        return false;
    }

    /** Redis 7.0's populateCommandLegacyRangeSpec: {first, last, step, movable (0/1)}. */
    static int[] legacyRange(JsonNode spec) {
        JsonNode specs = spec.path("key_specs");
        int movable = 0;
        if (specs.isEmpty()) {
            return new int[] {0, 0, 0, 0};
        }
        if (specs.size() == 1 && isIndexRange(specs.get(0))) {
            JsonNode ks = specs.get(0);
            int pos = ks.get("begin_search").get("index").get("pos").asInt();
            int last = ks.get("find_keys").get("range").get("lastkey").asInt();
            int step = ks.get("find_keys").get("range").get("step").asInt();
            return new int[] {pos, last >= 0 ? last + pos : last, step, hasKeyFlag(ks, "INCOMPLETE") ? 1 : 0};
        }
        int first = Integer.MAX_VALUE;
        int lastKey = 0;
        int prevLast = 0;
        for (JsonNode ks : specs) {
            if (!isIndexRange(ks)) {
                movable = 1;
                continue;
            }
            int pos = ks.get("begin_search").get("index").get("pos").asInt();
            JsonNode range = ks.get("find_keys").get("range");
            if (range.get("step").asInt() != 1 || prevLast != 0 && prevLast != pos - 1) {
                movable = 1;
                continue;
            }
            if (hasKeyFlag(ks, "INCOMPLETE")) {
                movable = 1;
            }
            first = Math.min(first, pos);
            int abs = range.get("lastkey").asInt();
            if (abs >= 0) {
                abs += pos;
            }
            // unsigned comparison, so a negative (relative to the end) last key wins
            lastKey = Integer.compareUnsigned(lastKey, abs) >= 0 ? lastKey : abs;
            prevLast = lastKey;
        }
        if (first == Integer.MAX_VALUE) {
            return new int[] {0, 0, 0, 1};
        }
        return new int[] {first, lastKey, 1, movable};
    }

    private static long flagsOf(JsonNode spec) {
        long f = 0;
        for (JsonNode flag : spec.path("command_flags")) {
            f |= CommandFlag.valueOf(flag.asText()).bit();
        }
        if (legacyRange(spec)[3] == 1) {
            f |= CommandFlag.MOVABLE_KEYS.bit();
        }
        return f;
    }

    /** COMMAND INFO flags: Redis hides may_replicate, sentinel, only_sentinel and protected. */
    private static List<String> flagNames(long flags) {
        List<String> out = new ArrayList<>();
        for (CommandFlag f : CommandFlag.values()) {
            if ((flags & f.bit()) == 0) {
                continue;
            }
            switch (f) {
                case MAY_REPLICATE, SENTINEL, ONLY_SENTINEL, PROTECTED, TOUCHES_ARBITRARY_KEYS -> {
                }
                default -> out.add(f.replyName());
            }
        }
        return out;
    }

    /** The spec's categories plus Redis's implicit ones (setImplicitACLCategories), in Redis's order. */
    static List<String> categories(Command cmd) {
        return categories(cmd.spec());
    }

    private static List<String> categories(JsonNode spec) {
        java.util.Set<String> cats = new java.util.HashSet<>();
        for (JsonNode a : spec.path("acl_categories")) {
            cats.add(a.asText().toLowerCase(Locale.ROOT));
        }
        long f = flagsOf(spec);
        if ((f & CommandFlag.WRITE.bit()) != 0) {
            cats.add("write");
        }
        if ((f & CommandFlag.READONLY.bit()) != 0 && !cats.contains("scripting")) {
            cats.add("read");
        }
        if ((f & CommandFlag.ADMIN.bit()) != 0) {
            cats.add("admin");
            cats.add("dangerous");
        }
        if ((f & CommandFlag.PUBSUB.bit()) != 0) {
            cats.add("pubsub");
        }
        if ((f & CommandFlag.FAST.bit()) != 0) {
            cats.add("fast");
        }
        if ((f & CommandFlag.BLOCKING.bit()) != 0) {
            cats.add("blocking");
        }
        if (!cats.contains("fast")) {
            cats.add("slow");
        }
        List<String> out = new ArrayList<>();
        for (String c : CATEGORIES) {
            if (cats.contains(c)) {
                out.add(c);
            }
        }
        return out;
    }

    static void commandInfo(Reply r, Command cmd) {
        if (cmd == null) {
            r.nil();
            return;
        }
        JsonNode spec = cmd.spec();
        int[] range = legacyRange(spec);
        r.array(10);
        r.bulk(cmd.fullName());
        r.integer(cmd.arity());
        List<String> flags = flagNames(flagsOf(spec));
        r.set(flags.size());
        flags.forEach(r::simple);
        r.integer(range[0]);
        r.integer(range[1]);
        r.integer(range[2]);
        List<String> cats = categories(spec);
        r.set(cats.size());
        cats.forEach(cat -> r.simple("@" + cat));
        JsonNode tips = spec.path("command_tips");
        r.set(tips.size());
        tips.forEach(t -> r.bulk(t.asText().toLowerCase(Locale.ROOT)));
        keySpecs(r, spec.path("key_specs"));
        if (!cmd.hasSubcommands()) {
            r.set(0);
        } else {
            r.array(cmd.subcommands().size());
            cmd.subcommands().values().forEach(sub -> commandInfo(r, sub));
        }
    }

    private static void keySpecs(Reply r, JsonNode specs) {
        r.set(specs.size());
        for (JsonNode ks : specs) {
            boolean notes = ks.has("notes");
            r.map(notes ? 4 : 3);
            if (notes) {
                r.bulk("notes");
                r.bulk(ks.get("notes").asText());
            }
            r.bulk("flags");
            keyFlags(r, ks);
            r.bulk("begin_search");
            JsonNode bs = ks.path("begin_search");
            r.map(2);
            r.bulk("type");
            if (bs.has("index")) {
                r.bulk("index");
                r.bulk("spec");
                r.map(1);
                r.bulk("index");
                r.integer(bs.get("index").get("pos").asInt());
            } else if (bs.has("keyword")) {
                r.bulk("keyword");
                r.bulk("spec");
                r.map(2);
                r.bulk("keyword");
                r.bulk(bs.get("keyword").get("keyword").asText());
                r.bulk("startfrom");
                r.integer(bs.get("keyword").get("startfrom").asInt());
            } else {
                r.bulk("unknown");
                r.bulk("spec");
                r.map(0);
            }
            r.bulk("find_keys");
            JsonNode fk = ks.path("find_keys");
            r.map(2);
            r.bulk("type");
            if (fk.has("range")) {
                JsonNode rg = fk.get("range");
                r.bulk("range");
                r.bulk("spec");
                r.map(3);
                r.bulk("lastkey");
                r.integer(rg.get("lastkey").asInt());
                r.bulk("keystep");
                r.integer(rg.get("step").asInt());
                r.bulk("limit");
                r.integer(rg.get("limit").asInt());
            } else if (fk.has("keynum")) {
                JsonNode kn = fk.get("keynum");
                r.bulk("keynum");
                r.bulk("spec");
                r.map(3);
                r.bulk("keynumidx");
                r.integer(kn.get("keynumidx").asInt());
                r.bulk("firstkey");
                r.integer(kn.get("firstkey").asInt());
                r.bulk("keystep");
                r.integer(kn.get("step").asInt());
            } else {
                r.bulk("unknown");
                r.bulk("spec");
                r.map(0);
            }
        }
    }

    private static List<String> keyFlagNames(JsonNode ks) {
        List<String> out = new ArrayList<>();
        for (String f : KEY_FLAGS) {
            if (hasKeyFlag(ks, f)) {
                out.add(f.length() == 2 ? f : f.toLowerCase(Locale.ROOT));
            }
        }
        return out;
    }

    private static void keyFlags(Reply r, JsonNode ks) {
        List<String> names = keyFlagNames(ks);
        r.set(names.size());
        names.forEach(r::simple);
    }

    // COMMAND DOCS

    static void commandDocs(Call c) {
        List<Command> chosen = new ArrayList<>();
        if (c.argc() == 2) {
            chosen.addAll(table(c).topLevel());
        } else {
            for (int i = 2; i < c.argc(); i++) {
                Command cmd = lookup(table(c), c.argString(i));
                if (cmd != null) {
                    chosen.add(cmd);
                }
            }
        }
        c.reply().map(chosen.size());
        for (Command cmd : chosen) {
            c.reply().bulk(cmd.fullName());
            docs(c.reply(), cmd);
        }
    }

    private static void docs(Reply r, Command cmd) {
        JsonNode s = cmd.spec();
        String[] optional = {"summary", "since", "complexity", "doc_flags", "deprecated_since", "replaced_by",
            "history", "arguments"};
        int n = 1;
        for (String k : optional) {
            if (s.has(k) && !(s.get(k).isArray() && s.get(k).isEmpty())) {
                n++;
            }
        }
        if (cmd.hasSubcommands()) {
            n++;
        }
        r.map(n);
        text(r, s, "summary");
        text(r, s, "since");
        r.bulk("group");
        r.bulk(s.path("group").asText());
        text(r, s, "complexity");
        if (s.has("doc_flags") && !s.get("doc_flags").isEmpty()) {
            r.bulk("doc_flags");
            r.set(s.get("doc_flags").size());
            s.get("doc_flags").forEach(f -> r.simple(f.asText().toLowerCase(Locale.ROOT)));
        }
        text(r, s, "deprecated_since");
        text(r, s, "replaced_by");
        if (s.has("history") && !s.get("history").isEmpty()) {
            r.bulk("history");
            r.set(s.get("history").size());
            for (JsonNode h : s.get("history")) {
                r.array(2);
                r.bulk(h.get(0).asText());
                r.bulk(h.get(1).asText());
            }
        }
        if (s.has("arguments") && !s.get("arguments").isEmpty()) {
            r.bulk("arguments");
            args(r, s.get("arguments"));
        }
        if (cmd.hasSubcommands()) {
            r.bulk("subcommands");
            r.map(cmd.subcommands().size());
            for (Command sub : cmd.subcommands().values()) {
                r.bulk(sub.fullName());
                docs(r, sub);
            }
        }
    }

    private static void text(Reply r, JsonNode s, String key) {
        if (s.has(key)) {
            r.bulk(key);
            r.bulk(s.get(key).asText());
        }
    }

    private static void args(Reply r, JsonNode args) {
        r.array(args.size());
        for (JsonNode a : args) {
            String type = a.path("type").asText();
            boolean nested = type.equals("oneof") || type.equals("block");
            List<String> flags = new ArrayList<>();
            for (String f : new String[] {"optional", "multiple", "multiple_token"}) {
                if (a.path(f).asBoolean(false)) {
                    flags.add(f);
                }
            }
            int n = 2;
            for (String k : new String[] {"key_spec_index", "token", "summary", "since", "deprecated_since"}) {
                if (a.has(k)) {
                    n++;
                }
            }
            if (!flags.isEmpty()) {
                n++;
            }
            if (nested) {
                n++;
            }
            r.map(n);
            r.bulk("name");
            r.bulk(a.path("name").asText());
            r.bulk("type");
            r.bulk(type);
            if (a.has("key_spec_index")) {
                r.bulk("key_spec_index");
                r.integer(a.get("key_spec_index").asInt());
            }
            if (a.has("token")) {
                // Redis's generated command table holds tokens upper-cased
                r.bulk("token");
                r.bulk(a.get("token").asText().toUpperCase(Locale.ROOT));
            }
            text(r, a, "summary");
            text(r, a, "since");
            text(r, a, "deprecated_since");
            if (!flags.isEmpty()) {
                r.bulk("flags");
                r.set(flags.size());
                flags.forEach(r::simple);
            }
            if (nested) {
                r.bulk("arguments");
                args(r, a.path("arguments"));
            }
        }
    }

    // COMMAND GETKEYS / GETKEYSANDFLAGS

    static void getKeys(Call c, boolean withFlags) {
        CommandTable t = table(c);
        int argc = c.argc() - 2;
        byte[][] argv = java.util.Arrays.copyOfRange(c.args, 2, c.argc());
        Command cmd = t.lookup(argv[0]);
        if (cmd != null && cmd.hasSubcommands() && argc >= 2) {
            cmd = cmd.subcommands().get(Bytes.str(Bytes.lower(argv[1])));
        }
        if (cmd == null) {
            c.reply().error("ERR Invalid command specified");
            return;
        }
        JsonNode described = cmd.spec();
        JsonNode specs = described.path("key_specs");
        boolean hasKeys = false;
        for (JsonNode ks : specs) {
            hasKeys |= !hasKeyFlag(ks, "NOT_KEY");
        }
        if (!hasKeys && !described.has("get_keys_function")) {
            c.reply().error("ERR The command has no key arguments");
            return;
        }
        if (cmd.arity() > 0 && cmd.arity() != argc || argc < -cmd.arity()) {
            c.reply().error("ERR Invalid number of arguments specified for command");
            return;
        }
        List<int[]> found = new ArrayList<>();
        KeySpec[] compiled = cmd.keySpecs();
        boolean ok = true;
        if (cmd.keys() != null) {
            // keys found by code (Redis's getkeys_proc), each with the spec that gives its flags
            cmd.keys().positions(argv, (pos, spec) -> found.add(new int[] {pos, spec}));
        } else {
            for (int i = 0; i < compiled.length && ok; i++) {
                int idx = i;
                ok = KeySpecAccess.positions(compiled[i], argv, argc, pos -> found.add(new int[] {pos, idx}));
            }
        }
        if (!ok || found.isEmpty()) {
            if (cmd.has(CommandFlag.NO_MANDATORY_KEYS)) {
                c.reply().array(0);
            } else {
                c.reply().error("ERR Invalid arguments specified for command");
            }
            return;
        }
        c.reply().array(found.size());
        for (int[] f : found) {
            if (withFlags) {
                c.reply().array(2);
            }
            c.reply().bulk(argv[f[0]]);
            if (withFlags) {
                List<String> names = keyFlagNames(specs.get(f[1]));
                if (cmd.fullName().equals("set")) {
                    // SET's flags vary with GET (setGetKeys): RW access update with it, OW update without
                    boolean get = false;
                    for (int j = 3; j < argc; j++) {
                        get |= Bytes.is(argv[j], "get");
                    }
                    names = get ? List.of("RW", "access", "update") : List.of("OW", "update");
                }
                c.reply().set(names.size());
                names.forEach(c.reply()::simple);
            }
        }
    }

    // COMMAND LIST

    static void list(Call c) {
        String type = null;
        byte[] arg = null;
        for (int i = 2; i < c.argc(); i++) {
            int more = c.argc() - 1 - i;
            if (c.argIs(i, "filterby") && more == 2) {
                String t = c.argString(i + 1).toLowerCase(Locale.ROOT);
                if (!t.equals("module") && !t.equals("aclcat") && !t.equals("pattern")) {
                    c.reply().error(Errors.SYNTAX);
                    return;
                }
                type = t;
                arg = c.arg(i + 2);
                i += 2;
            } else {
                c.reply().error(Errors.SYNTAX);
                return;
            }
        }
        List<String> names = new ArrayList<>();
        for (Command cmd : table(c).all()) {
            if (type == null || matches(cmd, type, arg)) {
                names.add(cmd.fullName());
            }
        }
        c.reply().array(names.size());
        names.forEach(c.reply()::bulk);
    }

    private static boolean matches(Command cmd, String type, byte[] arg) {
        return switch (type) {
            case "module" -> false;
            case "aclcat" -> {
                String cat = Bytes.str(arg).toLowerCase(Locale.ROOT);
                yield CATEGORIES.contains(cat) && categories(cmd).contains(cat);
            }
            default -> Glob.match(arg, Bytes.of(cmd.fullName()), true);
        };
    }
}
