package io.ferrite.command.memcached;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ferrite.engine.Client;
import io.ferrite.engine.Keyspace;
import io.ferrite.engine.ShardKeyspace;
import io.ferrite.engine.command.Call;
import io.ferrite.engine.command.Command;
import io.ferrite.engine.command.CommandHandler;
import io.ferrite.engine.command.CommandRegistry;
import io.ferrite.engine.command.CommandTable;
import io.ferrite.engine.command.Host;
import io.ferrite.engine.command.ShardedCommand;
import io.ferrite.store.Bytes;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * memcached's command table, apart from Redis's (COMMAND and INFO commandstats list only Redis's):
 * every memcached operation, in whichever protocol it came (text, meta or binary), is a command the
 * engine routes, times and counts like a Redis one, as Dragonfly maps its memcache commands onto its
 * command table. A call's arguments are the command's name and the request's keys (what routing
 * reads); the handlers read the decoded request itself ({@link Call#request}). Keyed operations run
 * on their key's shard; a get of keys on several shards, flush_all and the stats groups that count
 * items run on every shard; the rest on the connection's own.
 */
public final class McCommands {
    private final McContext ctx;
    private final Map<McRequest.Op, byte[]> names = new EnumMap<>(McRequest.Op.class);
    /** By operation (ordinal): its command, null for what the connection answers itself. Read per request. */
    private final Command[] byOp = new Command[McRequest.Op.values().length];
    private final byte[][] nameByOp = new byte[McRequest.Op.values().length][];
    private final CommandTable table;

    McCommands(McContext ctx, int firstId) {
        this.ctx = ctx;
        CommandRegistry r = new CommandRegistry();
        CommandHandler keyed = this::keyed;
        ShardedCommand multiGet = new MultiGet();
        for (McRequest.Op op : new McRequest.Op[] {McRequest.Op.GET, McRequest.Op.GETS, McRequest.Op.GAT, McRequest.Op.GATS}) {
            r.add(name(op), spec(-2, -1), Command.Kind.KEYED, keyed, multiGet);
        }
        for (McRequest.Op op : new McRequest.Op[] {McRequest.Op.SET, McRequest.Op.ADD, McRequest.Op.REPLACE,
            McRequest.Op.APPEND, McRequest.Op.PREPEND, McRequest.Op.CAS, McRequest.Op.INCR, McRequest.Op.DECR,
            McRequest.Op.DELETE, McRequest.Op.TOUCH, McRequest.Op.MG, McRequest.Op.MS, McRequest.Op.MD,
            McRequest.Op.MA, McRequest.Op.ME}) {
            r.add(name(op), spec(2, 0), Command.Kind.KEYED, keyed, null);
        }
        r.add(name(McRequest.Op.FLUSH), spec(1, null), Command.Kind.ALL_SHARDS, null, new FlushAll());
        r.add(name(McRequest.Op.STATS), spec(-1, null), Command.Kind.LOCAL, this::stats, new StatsEveryShard());
        r.add(name(McRequest.Op.VERSION), spec(1, null), Command.Kind.LOCAL, this::version, null);
        r.add(name(McRequest.Op.VERBOSITY), spec(1, null), Command.Kind.LOCAL, this::verbosity, null);
        r.add(name(McRequest.Op.NOOP), spec(1, null), Command.Kind.LOCAL, this::noop, null);
        r.add(name(McRequest.Op.MN), spec(1, null), Command.Kind.LOCAL, this::mn, null);
        table = r.build(firstId);
        for (Map.Entry<McRequest.Op, byte[]> e : names.entrySet()) {
            byOp[e.getKey().ordinal()] = table.lookup(e.getValue());
            nameByOp[e.getKey().ordinal()] = e.getValue();
        }
    }

    /** The table; its ids follow Redis's table's, so the shards' statistics keep both apart. */
    public CommandTable table() {
        return table;
    }

    /** Whether r runs as a command (else the connection answers it itself: decoder errors, quit). */
    boolean runs(McRequest r) {
        return byOp[r.op.ordinal()] != null;
    }

    boolean keyed(McRequest r) {
        Command c = byOp[r.op.ordinal()];
        return c != null && c.kind() == Command.Kind.KEYED;
    }

    /** The call that runs r for {@code client}. */
    public Call call(McRequest r, Client client, Host host) {
        Command cmd = byOp[r.op.ordinal()];
        byte[] name = nameByOp[r.op.ordinal()];
        byte[][] args;
        if (r.keys != null) {
            args = new byte[r.keys.length + 1][];
            args[0] = name;
            System.arraycopy(r.keys, 0, args, 1, r.keys.length);
        } else if (r.op == McRequest.Op.STATS) {
            args = new byte[][] {name, Bytes.of(McStats.group(r))};
        } else if (cmd.kind() == Command.Kind.KEYED) {
            args = new byte[][] {name, r.key};
        } else {
            args = new byte[][] {name};
        }
        Call call = new Call(cmd, args, client, host);
        call.request(r);
        return call;
    }

    /** memcached's word for the operation; binary opcodes and meta commands share the text ones'. */
    private String name(McRequest.Op op) {
        String n = switch (op) {
            case FLUSH -> "flush_all";
            default -> op.name().toLowerCase(java.util.Locale.ROOT);
        };
        names.put(op, Bytes.of(n));
        return n;
    }

    /**
     * A spec in the shape of Redis's: arity, flags and (when {@code lastKey} is not null) one key
     * range from argument 1. memcached calls stay out of Redis's SLOWLOG and MONITOR, as they are
     * not Redis commands.
     */
    private static ObjectNode spec(int arity, Integer lastKey) {
        ObjectNode s = JsonNodeFactory.instance.objectNode();
        s.put("arity", arity);
        ArrayNode flags = s.putArray("command_flags");
        flags.add("FAST").add("SKIP_MONITOR").add("SKIP_SLOWLOG");
        ArrayNode keys = s.putArray("key_specs");
        if (lastKey != null) {
            ObjectNode k = keys.addObject();
            k.putObject("begin_search").putObject("index").put("pos", 1);
            k.putObject("find_keys").putObject("range").put("lastkey", lastKey).put("step", 1).put("limit", 0);
        }
        return s;
    }

    private static McRequest request(Call call) {
        return call.request();
    }

    /** A keyed operation on its key's shard; a handler that throws still leaves exactly one reply. */
    private void keyed(Call call) {
        McRequest r = request(call);
        // memcached's items are no Redis data: nothing of theirs goes to the effects feed
        call.preventPropagation();
        ShardKeyspace ks = (ShardKeyspace) call.ks();
        ByteBuf out = call.reply().buffer();
        int mark = out.writerIndex();
        try {
            ctx.beforeRequest(r.keys != null ? r.keys[0] : r.key);
            switch (r.proto) {
                case TEXT -> McOps.runText(ctx, ks, r, out);
                case BINARY -> McOps.runBinary(ctx, ks, r, out);
                case META -> McMeta.run(ctx, ks, r, out);
            }
        } catch (Throwable t) {
            out.writerIndex(mark);
            McFailure.write(ctx, out, r, t);
        }
        if (McErrors.isError(r, out, mark)) {
            call.reply().countForeignError();
        }
    }

    private void version(Call call) {
        McRequest r = request(call);
        ByteBuf out = call.reply().buffer();
        if (r.proto == McRequest.Proto.BINARY) {
            McOps.binHeader(out, r.opcode, 0, 0, 0, McContext.VERSION.length(), r.opaque, 0);
            McOps.writeAscii(out, McContext.VERSION);
        } else {
            McOps.writeAscii(out, "VERSION " + McContext.VERSION + "\r\n");
        }
    }

    private void noop(Call call) {
        McRequest r = request(call);
        McOps.binHeader(call.reply().buffer(), r.opcode, 0, 0, 0, 0, r.opaque, 0);
    }

    private void verbosity(Call call) {
        McRequest r = request(call);
        ctx.verbosity = (int) r.delta;
        McOps.text(call.reply().buffer(), r, "OK\r\n");
    }

    private void mn(Call call) {
        McOps.writeAscii(call.reply().buffer(), "MN\r\n");
    }

    private void stats(Call call) {
        McRequest r = request(call);
        ByteBuf out = call.reply().buffer();
        int mark = out.writerIndex();
        try {
            McStats.local(ctx, r, out);
        } catch (Throwable t) {
            out.writerIndex(mark);
            McFailure.write(ctx, out, r, t);
            call.reply().countForeignError();
        }
    }

    /** What a shard's part becomes when it threw: the reply is then the request's error alone. */
    private record Failed(Throwable cause) {
    }

    /**
     * A whole-keyspace memcached command: a part that throws, or a combination that does, answers
     * the request with {@link McFailure}'s error (not the engine's Redis error).
     */
    private abstract class McSharded implements ShardedCommand {
        abstract Object part(Call call, McRequest r, ShardKeyspace ks);

        abstract void combine(Call call, McRequest r, List<Object> parts, ByteBuf out);

        @Override
        public Object onShard(Call call, Keyspace ks) {
            try {
                return part(call, request(call), (ShardKeyspace) ks);
            } catch (Throwable t) {
                return new Failed(t);
            }
        }

        @Override
        public void reply(Call call, List<Object> parts) {
            McRequest r = request(call);
            ByteBuf out = call.reply().buffer();
            int mark = out.writerIndex();
            Throwable failed = null;
            for (Object p : parts) {
                if (p instanceof Failed f) {
                    failed = f.cause;
                }
            }
            if (failed == null) {
                try {
                    combine(call, r, parts, out);
                    return;
                } catch (Throwable t) {
                    failed = t;
                }
            }
            // memcached answers a request that failed part-way with the error alone
            out.writerIndex(mark);
            McFailure.write(ctx, out, r, failed);
            call.reply().countForeignError();
        }

        @Override
        public boolean atomic() {
            return false;
        }
    }

    /** get/gets/gat/gats of keys on several shards: each shard answers for its own keys, the replies keep the request's key order. */
    private final class MultiGet extends McSharded {
        @Override
        Object part(Call call, McRequest r, ShardKeyspace ks) {
            byte[][] keys = r.keys;
            byte[][] found = new byte[keys.length][];
            ByteBuf tmp = Unpooled.buffer();
            try {
                for (int i = 0; i < keys.length; i++) {
                    if (call.server.engine().shardOf(keys[i]) == ks.shard()) {
                        tmp.clear();
                        ctx.beforeRequest(keys[i]);
                        McOps.getOne(ctx, ks, r, keys[i], tmp);
                        found[i] = new byte[tmp.readableBytes()];
                        tmp.readBytes(found[i]);
                    }
                }
            } finally {
                tmp.release();
            }
            return found;
        }

        @Override
        void combine(Call call, McRequest r, List<Object> parts, ByteBuf out) {
            for (int i = 0; i < r.keys.length; i++) {
                for (Object p : parts) {
                    byte[] v = ((byte[][]) p)[i];
                    if (v != null) {
                        out.writeBytes(v);
                        break;
                    }
                }
            }
            if (!r.more) {
                out.writeBytes(McOps.END);
            }
        }
    }

    /** flush_all: every shard drops its items at once, or, with a delay, none does and items stored until then expire. */
    private final class FlushAll extends McSharded {
        @Override
        public void before(Call call) {
            McRequest r = request(call);
            ctx.cmdFlush.increment();
            long nowSec = System.currentTimeMillis() / 1000;
            long delay = r.hasArg ? r.exptime : 0;
            if (delay > 0) {
                long realtime = delay > McOps.REALTIME_MAXDELTA ? delay : nowSec + delay;
                if (realtime - 1 > nowSec) {
                    ctx.oldestLive = realtime - 1;
                    call.share(Boolean.FALSE);
                    return;
                }
            }
            ctx.oldestLive = 0;
            ctx.nextCas(); // memcached takes a CAS id for oldest_cas
            call.share(Boolean.TRUE);
        }

        @Override
        Object part(Call call, McRequest r, ShardKeyspace ks) {
            return call.shared() == Boolean.TRUE ? ks.flush() : 0;
        }

        @Override
        void combine(Call call, McRequest r, List<Object> parts, ByteBuf out) {
            if (r.proto == McRequest.Proto.BINARY) {
                if (!r.quiet) {
                    McOps.binHeader(out, r.opcode, 0, 0, 0, 0, r.opaque, 0);
                }
            } else {
                McOps.text(out, r, "OK\r\n");
            }
        }
    }

    /** The stats groups that count items (general, items, slabs): each shard counts its own. */
    private final class StatsEveryShard extends McSharded {
        @Override
        public boolean handles(byte[][] args) {
            return args.length > 1 && McStats.everyShard(Bytes.str(args[1]));
        }

        @Override
        Object part(Call call, McRequest r, ShardKeyspace ks) {
            return McStats.onShard(ctx, McStats.group(r), ks);
        }

        @Override
        void combine(Call call, McRequest r, List<Object> parts, ByteBuf out) {
            McStats.combine(ctx, r, McStats.group(r), parts, out);
        }
    }
}
