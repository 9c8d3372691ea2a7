package io.ferrite.engine.acl;

import io.ferrite.engine.command.Command;
import io.ferrite.engine.command.CommandTable;
import io.ferrite.engine.command.KeySpec;
import io.ferrite.engine.command.KeySpecAccess;
import io.ferrite.store.Bytes;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What ACL rules need to know of the command table, computed once: each command's categories,
 * the read/write permission each of its key specs asks for, and where its channels are (Redis's
 * commands_with_channels table in db.c). Commands are indexed by their id.
 */
public final class AclCommands {
    /** Permission bits a key pattern grants and a key spec asks for (Redis's ACL_READ/WRITE_PERMISSION). */
    public static final int READ = 1;
    public static final int WRITE = 2;
    public static final int READ_WRITE = READ | WRITE;

    private final CommandTable table;
    private final long[] categories;
    /** Per command id, per key spec: the permission bits it asks for; null for a command without keys. */
    private final int[][] specPerms;

    public AclCommands(CommandTable table) {
        this.table = table;
        int n = table.endId();
        categories = new long[n];
        specPerms = new int[n][];
        for (Command c : table.all()) {
            categories[c.id()] = AclCategory.of(c);
            JsonNode specs = c.spec().path("key_specs");
            if (specs.size() > 0) {
                int[] perms = new int[specs.size()];
                boolean keys = false;
                for (int i = 0; i < perms.length; i++) {
                    perms[i] = permsOf(specs.get(i).path("flags"));
                    keys |= perms[i] != NOT_KEY;
                }
                // a spec flagged NOT_KEY (SPUBLISH's channel) names no key an ACL checks
                specPerms[c.id()] = keys ? perms : null;
            }
        }
    }

    public CommandTable table() {
        return table;
    }

    /** Every command and subcommand, in table order. */
    public List<Command> all() {
        return table.all();
    }

    public int size() {
        return table.endId();
    }

    public long categories(Command c) {
        return categories[c.id()];
    }

    /** The command named {@code name} ("get", or "config|get" for a subcommand), any letter case, or null. */
    public Command lookup(String name) {
        int bar = name.indexOf('|');
        if (bar < 0) {
            return table.lookup(name);
        }
        Command parent = table.lookup(name.substring(0, bar));
        if (parent == null) {
            return null;
        }
        return parent.subcommands().get(name.substring(bar + 1).toLowerCase(Locale.ROOT));
    }

    /** Receives a key or channel argument and the permission it asks for (channels: one of the CHANNEL_ kinds). */
    @FunctionalInterface
    public interface ArgSink {
        /** Returns false to stop the walk. */
        boolean accept(int position, int perms);
    }

    /** Walks the keys of a call with the read/write permission each needs; false when the sink stopped it. */
    public boolean keys(Command cmd, byte[][] args, ArgSink sink) {
        int[] perms = specPerms[cmd.id()];
        if (perms == null) {
            return true;
        }
        if (cmd.fullName().equals("migrate")) {
            return migrateKeys(args, perms[0], sink);
        }
        int variable = variablePerms(cmd, args);
        boolean[] go = {true};
        if (cmd.keys() != null) {
            cmd.keys().positions(args, (pos, spec) -> {
                int p = variable >= 0 ? variable : perms[Math.min(spec, perms.length - 1)];
                if (go[0] && pos < args.length && p != NOT_KEY) {
                    go[0] = sink.accept(pos, p);
                }
            });
            return go[0];
        }
        KeySpec[] specs = cmd.keySpecs();
        for (int i = 0; i < specs.length && go[0]; i++) {
            int p = variable >= 0 ? variable : perms[Math.min(i, perms.length - 1)];
            if (p == NOT_KEY) {
                continue;
            }
            KeySpecAccess.positions(specs[i], args, args.length, pos -> {
                if (go[0] && pos < args.length) {
                    go[0] = sink.accept(pos, p);
                }
            });
        }
        return go[0];
    }

    public static final int CHANNEL_PUBLISH = 1;
    public static final int CHANNEL_SUBSCRIBE = 2;
    public static final int CHANNEL_PATTERN = 4;

    /** Walks the channels a call publishes or subscribes to; false when the sink stopped it. */
    public static boolean channels(Command cmd, byte[][] args, ArgSink sink) {
        int kind;
        int stop = args.length;
        switch (cmd.fullName()) {
            case "subscribe", "ssubscribe" -> kind = CHANNEL_SUBSCRIBE;
            case "psubscribe" -> kind = CHANNEL_SUBSCRIBE | CHANNEL_PATTERN;
            case "publish", "spublish" -> {
                kind = CHANNEL_PUBLISH;
                stop = Math.min(2, args.length);
            }
            default -> {
                return true;
            }
        }
        for (int i = 1; i < stop; i++) {
            if (!sink.accept(i, kind)) {
                return false;
            }
        }
        return true;
    }

    /**
     * MIGRATE's keys (its spec is INCOMPLETE, so Redis asks migrateGetKeys): the key argument, or
     * with the KEYS option (and an empty key argument) the keys after it; none when both are given.
     */
    private static boolean migrateKeys(byte[][] args, int perms, ArgSink sink) {
        int first = 3;
        int num = 1;
        for (int i = 6; i < args.length; i++) {
            if (Bytes.is(args[i], "keys")) {
                if (args[3].length > 0) {
                    num = 0;
                } else {
                    first = i + 1;
                    num = args.length - first;
                }
                break;
            }
            if (Bytes.is(args[i], "auth")) {
                i += 1;
            } else if (Bytes.is(args[i], "auth2")) {
                i += 2;
            }
        }
        for (int i = first; i < first + num && i < args.length; i++) {
            if (!sink.accept(i, perms)) {
                return false;
            }
        }
        return true;
    }

    /** Whether a call of {@code cmd} names channels an ACL checks. */
    public static boolean hasChannels(Command cmd) {
        return switch (cmd.fullName()) {
            case "subscribe", "ssubscribe", "psubscribe", "publish", "spublish" -> true;
            default -> false;
        };
    }

    /** Whether the command has key specs at all (Redis's doesCommandHaveKeys). */
    public boolean hasKeys(Command cmd) {
        return specPerms[cmd.id()] != null;
    }

    /**
     * The permission of the key of SET and BITFIELD, whose spec flags depend on the arguments
     * (VARIABLE_FLAGS: Redis's setGetKeys and bitfieldGetKeys); -1 for every other command.
     */
    private static int variablePerms(Command cmd, byte[][] args) {
        if (cmd.fullName().equals("set")) {
            for (int i = 3; i < args.length; i++) {
                if (Bytes.is(args[i], "get")) {
                    return READ_WRITE;
                }
            }
            return WRITE;
        }
        if (cmd.fullName().equals("bitfield")) {
            for (int i = 2; i < args.length; i++) {
                int rest = args.length - i - 1;
                if (Bytes.is(args[i], "get") && rest >= 2) {
                    i += 2;
                } else if (Bytes.is(args[i], "overflow") && rest >= 1) {
                    i += 1;
                } else {
                    return READ_WRITE;
                }
            }
            return READ;
        }
        return -1;
    }

    /** A key spec's perms when it is flagged NOT_KEY: skipped. */
    private static final int NOT_KEY = -1;

    private static int permsOf(JsonNode flags) {
        int p = 0;
        for (JsonNode f : flags) {
            switch (f.asText()) {
                case "NOT_KEY" -> {
                    return NOT_KEY;
                }
                case "ACCESS" -> p |= READ;
                case "INSERT", "DELETE", "UPDATE" -> p |= WRITE;
                default -> { }
            }
        }
        return p;
    }

    /** Commands in table order that belong to {@code category}. */
    public List<Command> inCategory(AclCategory category) {
        List<Command> out = new ArrayList<>();
        for (Command c : table.all()) {
            if ((categories[c.id()] & category.bit()) != 0) {
                out.add(c);
            }
        }
        return out;
    }
}
