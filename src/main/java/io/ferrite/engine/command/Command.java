package io.ferrite.engine.command;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntConsumer;

/**
 * One registered command or subcommand: its Redis spec (arity, flags, key specs, docs) joined to
 * the code that runs it and the way the engine routes it.
 */
public final class Command {
    /** How the engine routes a command. */
    public enum Kind {
        /** No keys: runs on the client's own event loop (PING, SELECT, CONFIG ...). */
        LOCAL,
        /** Touches the keys its key specs name: runs on the shard(s) owning them. */
        KEYED,
        /** Touches the whole keyspace: runs on every shard, parts combined. */
        ALL_SHARDS,
        /** MULTI, EXEC, DISCARD, WATCH, UNWATCH: handled by the transaction machinery. */
        TRANSACTION
    }

    private final String name;
    private final Command parent;
    /** The spec as compact JSON ({@link SpecJson}): parsed again only to describe the command. */
    private final byte[] spec;
    private final int arity;
    private final long flags;
    private final KeySpec[] keySpecs;
    private final Map<String, Command> subcommands = new TreeMap<>();
    /** For commands whose keys are a plain first..last/step range (most of them): the range, for allocation-free routing. */
    private final int rangeFirst;
    private final int rangeLast;
    private final int rangeStep;
    final Kind kind;
    final CommandHandler handler;
    final ShardedCommand sharded;
    /** Key positions computed by code instead of the key specs, or null. */
    CommandKeys keys;
    /** Runs in two steps around work outside the engine (see {@link OutsideWork}). */
    boolean awaitsOutside;
    int id;

    Command(String name, Command parent, JsonNode spec, Kind kind, CommandHandler handler, ShardedCommand sharded) {
        this(name, parent, spec, spec, kind, handler, sharded);
    }

    /** {@code routing}'s key specs route the command; {@code spec} is what COMMAND reports (PUBLISH routes like SPUBLISH). */
    Command(String name, Command parent, JsonNode spec, JsonNode routing, Kind kind, CommandHandler handler,
            ShardedCommand sharded) {
        this.name = name;
        this.parent = parent;
        this.spec = SpecJson.bytes(spec);
        this.kind = kind;
        this.handler = handler;
        this.sharded = sharded;
        this.arity = spec.get("arity").asInt();
        long f = 0;
        for (JsonNode flag : spec.path("command_flags")) {
            f |= CommandFlag.valueOf(flag.asText()).bit();
        }
        JsonNode ks = routing.path("key_specs");
        keySpecs = new KeySpec[ks.size()];
        for (int i = 0; i < keySpecs.length; i++) {
            keySpecs[i] = new KeySpec(ks.get(i));
        }
        for (KeySpec k : keySpecs) {
            if (k.unknown || k.isKeyword() || k.isKeyNum()) {
                f |= CommandFlag.MOVABLE_KEYS.bit();
            }
        }
        this.flags = f;
        int first = 0;
        int last = 0;
        int step = 0;
        if (keySpecs.length == 1) {
            JsonNode k = routing.path("key_specs").get(0);
            JsonNode idx = k.path("begin_search").path("index");
            JsonNode range = k.path("find_keys").path("range");
            if (!idx.isMissingNode() && !range.isMissingNode() && range.path("limit").asInt() == 0) {
                first = idx.path("pos").asInt();
                int lk = range.path("lastkey").asInt();
                last = lk >= 0 ? first + lk : lk;
                step = range.path("step").asInt();
            }
        }
        rangeFirst = first;
        rangeLast = last;
        rangeStep = step;
    }

    /** True when {@link #rangeFirst} etc. describe the key positions. */
    public boolean simpleKeys() {
        return rangeStep > 0 && keys == null;
    }

    public int firstKey() {
        return rangeFirst;
    }

    /** Last key position for {@code argc} arguments (negative spec values count from the end). */
    public int lastKey(int argc) {
        return rangeLast >= 0 ? rangeLast : argc + rangeLast;
    }

    public int keyStep() {
        return rangeStep;
    }

    /** Lower-case name; "config|get" for a subcommand, as Redis's errors and stats print it. */
    public String fullName() {
        String f = fullName;
        if (f == null) {
            // built once: a benign race at worst builds an equal string twice
            f = parent == null ? name : parent.name + "|" + name;
            fullName = f;
        }
        return f;
    }

    private String fullName;

    public String name() {
        return name;
    }

    public Command parent() {
        return parent;
    }

    public int id() {
        return id;
    }

    public Kind kind() {
        return kind;
    }

    /**
     * How this call is routed: a keyless command with a whole-keyspace form (DEBUG DIGEST) runs on
     * every shard for the arguments that form {@link ShardedCommand#handles handles}.
     */
    public Kind kindFor(byte[][] args) {
        return kind == Kind.LOCAL && sharded != null && sharded.handles(args) ? Kind.ALL_SHARDS : kind;
    }

    /**
     * The Redis spec (arity, flags, key specs, ACL categories, docs), parsed anew on each call:
     * callers that read several parts take it once. Only introspection and start-up read it; the
     * command path uses the fields compiled from it.
     */
    public JsonNode spec() {
        return SpecJson.tree(spec);
    }

    public int arity() {
        return arity;
    }

    public long flags() {
        return flags;
    }

    public boolean has(CommandFlag f) {
        return (flags & f.bit()) != 0;
    }

    /** Whether this call has {@code f}: a script's flags come from its shebang ({@link CommandKeys#flags}). */
    public boolean has(CommandFlag f, byte[][] args) {
        long fl = keys == null ? flags : keys.flags(args, flags);
        return (fl & f.bit()) != 0;
    }

    public boolean isWrite() {
        return has(CommandFlag.WRITE);
    }

    public KeySpec[] keySpecs() {
        return keySpecs;
    }

    /** The code that finds this command's keys instead of its key specs, or null. */
    public CommandKeys keys() {
        return keys;
    }

    public Map<String, Command> subcommands() {
        return Collections.unmodifiableMap(subcommands);
    }

    void addSubcommand(Command c) {
        subcommands.put(c.name, c);
    }

    /** True for a command whose handler may wait for work outside the engine between two runs (MIGRATE). */
    public boolean awaitsOutside() {
        return awaitsOutside;
    }

    public boolean hasSubcommands() {
        return !subcommands.isEmpty();
    }

    public CommandHandler handler() {
        return handler;
    }

    public ShardedCommand sharded() {
        return sharded;
    }

    /** Whether this call reaches keys its arguments do not name (see {@link CommandKeys#undeclared}). */
    public boolean touchesUndeclaredKeys(byte[][] args) {
        return keys != null && keys.undeclared(args);
    }

    public boolean arityOk(int argc) {
        return arity > 0 ? argc == arity : argc >= -arity;
    }

    /** Reports each key's argument position; false if the arguments do not fit the key specs. */
    public boolean keyPositions(byte[][] args, int argc, IntConsumer sink) {
        if (keys != null) {
            keys.positions(args, (pos, spec) -> sink.accept(pos));
            return true;
        }
        for (KeySpec k : keySpecs) {
            if (!k.positions(args, argc, sink)) {
                return false;
            }
        }
        return true;
    }
}
