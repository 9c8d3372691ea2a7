package io.ferrite.scripting;

import io.ferrite.common.Log;
import io.ferrite.engine.AclGate;
import io.ferrite.engine.Client;
import io.ferrite.engine.acl.AclLog;
import io.ferrite.engine.acl.AclUser;
import io.ferrite.engine.acl.Denial;
import io.ferrite.engine.command.Call;
import io.ferrite.engine.command.Command;
import io.ferrite.engine.command.CommandFlag;
import io.ferrite.engine.command.CommandTable;
import io.ferrite.engine.feed.Effects;
import io.ferrite.reply.Reply;
import io.ferrite.store.Bytes;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.nio.charset.StandardCharsets;

/**
 * One script run (Redis's scriptRunCtx): the caller, the script's own client (database, protocol),
 * whether it is read-only, whether it has written yet; and what redis.call does (Redis's
 * scriptCall): the checks with Redis 7.0's words, then the command through the engine's nested
 * call primitive, its reply handed back to Lua as RESP.
 */
final class ScriptRun implements LuaEnvironment.Primitives {
    private final Call caller;
    private final Client client;
    private final CommandTable table;
    private final boolean readOnly;
    private final boolean allowOom;
    private final boolean oomAtStart;
    final long startNanos = System.nanoTime();
    /** Set by the script thread once a write command ran (SCRIPT KILL then refuses). */
    volatile boolean dirty;
    /** Set by SCRIPT KILL from a client's thread; the Lua hook reads it. */
    volatile boolean killed;
    private boolean killLogged;

    /** The running script's name (its SHA1, or the function's name) and whether it is a function (FCALL). */
    final String name;
    final boolean function;

    /** DEBUG SET-DISABLE-DENY-SCRIPTS: commands flagged noscript may run from scripts (for Redis's tests). */
    static volatile boolean denyScriptDisabled;

    ScriptRun(Call caller, String name, boolean function, boolean readOnly, boolean allowOom) {
        this.caller = caller;
        this.name = name;
        this.function = function;
        this.table = caller.server.engine().commands();
        this.readOnly = readOnly;
        this.allowOom = allowOom;
        this.oomAtStart = caller.server.engine().overMaxMemory();
        Client c = new Client(0, "lua", "", caller.client.home(), true);
        c.db(caller.client.db());
        c.resp(2);
        c.markScript();
        // Redis's scriptCall runs each command as the caller's user (SORT's BY and GET ask it)
        c.user(caller.client.user());
        this.client = c;
    }

    /** The client that ran the script. */
    Client client() {
        return caller.client;
    }

    /** The caller's arguments (FUNCTION STATS shows the command running). */
    byte[][] command() {
        return caller.args;
    }

    long elapsedMillis() {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    @Override
    public byte[] call(byte[][] argv) {
        Command cmd = lookup(argv);
        String refused = refusal(cmd, argv);
        if (refused != null) {
            if (caller.reply().listener() != null) {
                caller.reply().listener().onError(refused);
            }
            if (cmd != null) {
                caller.nested().rejected(new Call(cmd, argv, client, caller.server));
            }
            return ("-" + refused + "\r\n").getBytes(StandardCharsets.UTF_8);
        }
        if (cmd.has(CommandFlag.WRITE)) {
            dirty = true;
        }
        if (blocksInStreams(cmd, argv)) {
            // xreadCommand's own refusal for a script client, an error of the command itself
            return ("-ERR " + cmd.name() + " command is not allowed with BLOCK option from scripts\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        }
        // one buffer and writer for every call of the run: each reply is copied out before the next
        if (replyBuf == null) {
            replyBuf = Unpooled.buffer(256);
            replyWriter = new Reply(replyBuf, client.resp(), caller.reply().listener());
        }
        replyBuf.clear();
        replyWriter.retarget(replyBuf, client.resp());
        Call inner = new Call(cmd, argv, client, caller.server);
        inner.reply(replyWriter);
        caller.nested().run(inner);
        byte[] out = new byte[replyBuf.readableBytes()];
        replyBuf.readBytes(out);
        if (replyBuf.capacity() > 64 * 1024) {
            // a large reply's room is not kept for the rest of the run
            replyBuf = null;
        }
        return out;
    }

    private ByteBuf replyBuf;
    private Reply replyWriter;

    private static boolean blocksInStreams(Command cmd, byte[][] argv) {
        if (!cmd.name().equals("xread") && !cmd.name().equals("xreadgroup")) {
            return false;
        }
        for (int i = 1; i < argv.length && !Bytes.is(argv[i], "streams"); i++) {
            if (Bytes.is(argv[i], "block")) {
                return true;
            }
        }
        return false;
    }

    private Command lookup(byte[][] argv) {
        Command cmd = table.lookup(argv[0]);
        if (cmd != null && cmd.hasSubcommands() && (argv.length >= 2 || cmd.handler() == null)) {
            cmd = argv.length >= 2 ? cmd.subcommands().get(Bytes.str(Bytes.lower(argv[1]))) : null;
        }
        return cmd;
    }

    /** Redis's scriptCall checks, in its order; null when the command may run. */
    private String refusal(Command cmd, byte[][] argv) {
        if (cmd == null) {
            return "ERR Unknown Redis command called from script";
        }
        if (!cmd.arityOk(argv.length)) {
            return "ERR Wrong number of args calling Redis command from script";
        }
        if (cmd.has(CommandFlag.NOSCRIPT) && !denyScriptDisabled) {
            return "ERR This Redis command is not allowed from script";
        }
        Denial denied = AclGate.refused(caller.server, caller.client, caller.client, cmd, argv, AclLog.Context.LUA);
        if (denied != null) {
            return denied.scriptError();
        }
        if (readOnly && (cmd.has(CommandFlag.WRITE) || cmd.has(CommandFlag.MAY_REPLICATE))) {
            return "ERR Write commands are not allowed from read-only scripts.";
        }
        if (cmd.has(CommandFlag.WRITE) && !dirty) {
            if (!caller.client.master() && caller.server.readOnlyReplica()) {
                return "READONLY You can't write against a read only replica.";
            }
            String disk = caller.server.writesDeniedBecause();
            if (disk != null) {
                return disk;
            }
            String replicas = caller.server.replicasDenyWrites();
            if (replicas != null) {
                return replicas;
            }
        }
        if (!allowOom && !dirty && oomAtStart && cmd.has(CommandFlag.DENYOOM) && !caller.client.master()) {
            return "OOM command not allowed when used memory > 'maxmemory'.";
        }
        return null;
    }

    @Override
    public int aclVerdict(byte[][] argv) {
        Command cmd = lookup(argv);
        if (cmd == null) {
            return -1;
        }
        // Redis checks the arguments as given, without the arity check or a log entry
        AclUser user = caller.client.user();
        return user == null || caller.server.engine().acl().check(user.rules(), cmd, argv) == null ? 1 : 0;
    }

    @Override
    public void log(int level, String message) {
        Log.log(Log.Level.values()[level], message);
    }

    @Override
    public void setResp(int resp) {
        client.resp(resp);
    }

    @Override
    public void setRepl(int flags) {
        // the flags are Redis's PROPAGATE_AOF/PROPAGATE_REPL bits, as the feed's targets are
        Effects unit = caller.effects();
        if (unit != null) {
            unit.callTargets(flags);
        }
    }

    @Override
    public boolean interrupted() {
        if (killed && !killLogged) {
            killLogged = true;
            Log.warning("Lua script killed by user with SCRIPT KILL.");
        }
        return killed;
    }
}
