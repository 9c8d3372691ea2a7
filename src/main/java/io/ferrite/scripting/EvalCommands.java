package io.ferrite.scripting;

import io.ferrite.engine.command.Call;
import io.ferrite.engine.command.CommandRegistry;
import io.ferrite.reply.Reply;
import io.ferrite.store.Bytes;
import io.netty.buffer.Unpooled;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT (Redis 7.0's eval.c and script.c). A script
 * reaches keys its arguments may not name (job queues compute them), so the engine runs every
 * script with every shard held, on its script thread ({@link ScriptKeys}): atomic against every other client, whatever keys it touches.
 */
public final class EvalCommands {
    static final String NOSCRIPT = "NOSCRIPT No matching script. Please use EVAL.";
    private static final String[] HELP = {
        "SCRIPT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "DEBUG (YES|SYNC|NO)",
        "    Set the debug mode for subsequent scripts executed.",
        "EXISTS <sha1> [<sha1> ...]",
        "    Return information about the existence of the scripts in the script cache.",
        "FLUSH [ASYNC|SYNC]",
        "    Flush the Lua scripts cache. Very dangerous on replicas.",
        "    When called without the optional mode argument, the behavior is determined by the",
        "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
        "    * ASYNC: Asynchronously flush the scripts cache.",
        "    * SYNC: Synchronously flush the scripts cache.",
        "KILL",
        "    Kill the currently executing Lua script.",
        "LOAD <script>",
        "    Load a script into the scripts cache without executing it.",
        "HELP",
        "    Prints this help.",
    };

    private EvalCommands() {
    }

    public static void register(CommandRegistry r, Scripting s) {
        r.add("eval", c -> eval(s, c, false, false), new ScriptKeys(s, ScriptKeys.Kind.EVAL));
        r.add("eval_ro", c -> eval(s, c, false, true), new ScriptKeys(s, ScriptKeys.Kind.EVAL));
        r.add("evalsha", c -> eval(s, c, true, false), new ScriptKeys(s, ScriptKeys.Kind.EVALSHA));
        r.add("evalsha_ro", c -> eval(s, c, true, true), new ScriptKeys(s, ScriptKeys.Kind.EVALSHA));
        r.add("script|load", c -> load(s, c));
        r.add("script|exists", c -> exists(s, c));
        r.add("script|flush", c -> flush(s, c));
        r.add("script|kill", c -> kill(s, c, true));
        r.add("script|help", c -> help(c));
    }

    private static void eval(Scripting s, Call call, boolean bySha, boolean ro) {
        // as Redis's evalCommand: the script's line comes before the commands it runs
        call.server.observer().monitor(call);
        call.preventPropagation();
        Reply reply = call.reply();
        if (bySha && call.arg(1).length != 40) {
            reply.error(NOSCRIPT);
            return;
        }
        Integer numkeys = numkeys(call, "ERR value is not an integer or out of range");
        if (numkeys == null) {
            return;
        }
        Script script;
        if (bySha) {
            script = s.cached(Scripting.text(call.arg(1)).toLowerCase(Locale.ROOT));
            if (script == null) {
                reply.error(NOSCRIPT);
                return;
            }
        } else {
            String sha = Sha1.hex(call.arg(1));
            String error = s.add(sha, call.arg(1));
            if (error != null) {
                reply.error(error);
                return;
            }
            script = s.cached(sha);
        }
        String refused = ScriptChecks.beforeRun(call, script.flags(), ro);
        if (refused != null) {
            reply.error(refused);
            return;
        }
        LuaEnvironment.Compiled fn = s.function(script);
        if (fn.error() != null) {
            reply.error("ERR Error compiling script (new function): " + fn.error());
            return;
        }
        launch(s, call, s.environment(), fn.ref(), script.sha(), false, script.flags(), ro, numkeys);
    }

    /** The numkeys argument, checked as Redis checks it; null when the call was answered an error. */
    static Integer numkeys(Call call, String notANumber) {
        Long n = Bytes.parseLongStrict(call.arg(2));
        if (n == null) {
            call.reply().error(notANumber);
            return null;
        }
        if (n > call.argc() - 3) {
            call.reply().error("ERR Number of keys can't be greater than number of args");
            return null;
        }
        if (n < 0) {
            call.reply().error("ERR Number of keys can't be negative");
            return null;
        }
        return n.intValue();
    }

    /**
     * Runs a script or function, already checked by {@link ScriptChecks}, with KEYS and ARGV from the
     * call's arguments, and writes its reply (Redis's luaCallFunction).
     */
    static void launch(Scripting s, Call call, LuaEnvironment env, int ref, String name, boolean function,
                       ScriptFlags flags, boolean ro, int numkeys) {
        Reply reply = call.reply();
        boolean readOnly = ro || flags.has(ScriptFlags.Flag.NO_WRITES);
        ScriptRun run = new ScriptRun(call, name, function, readOnly, flags.has(ScriptFlags.Flag.ALLOW_OOM));
        byte[] keys = LuaEnvironment.pack(call.args, 3, 3 + numkeys);
        byte[] args = LuaEnvironment.pack(call.args, 3 + numkeys, call.argc());
        LuaEnvironment.Outcome out;
        s.running(run);
        try {
            out = env.run(ref, keys, args, reply.protocol(), s.busyThreshold() > 0, name, function, run);
        } finally {
            s.running(null);
            if (function) {
                s.functions().measured(env.memory());
            } else {
                s.measured(env.memory());
            }
        }
        if (out.error() == null) {
            reply.raw(Unpooled.wrappedBuffer(out.resp()));
        } else if (out.errorCounted()) {
            // an error a command in the script already answered: in errorstats once, as Redis does,
            // while the script's own call still counts as failed
            reply.countForeignError();
            reply.raw(Unpooled.wrappedBuffer(("-" + out.error().replace('\r', ' ').replace('\n', ' ') + "\r\n")
                .getBytes(StandardCharsets.UTF_8)));
        } else {
            reply.error(out.error());
        }
    }

    private static void load(Scripting s, Call call) {
        if (call.argc() != 3) {
            syntax(call);
            return;
        }
        String sha = Sha1.hex(call.arg(2));
        String error = s.add(sha, call.arg(2));
        if (error != null) {
            call.reply().error(error);
            return;
        }
        call.reply().bulk(sha);
    }

    private static void exists(Scripting s, Call call) {
        call.reply().array(call.argc() - 2);
        for (int i = 2; i < call.argc(); i++) {
            call.reply().integer(s.cached(Scripting.text(call.arg(i)).toLowerCase(Locale.ROOT)) != null ? 1 : 0);
        }
    }

    private static void flush(Scripting s, Call call) {
        if (call.argc() > 3 || (call.argc() == 3 && !call.argIs(2, "sync") && !call.argIs(2, "async"))) {
            call.reply().error("ERR SCRIPT FLUSH only support SYNC|ASYNC option");
            return;
        }
        s.flush();
        call.reply().ok();
    }

    /** SCRIPT KILL and FUNCTION KILL (Redis's scriptKill): each kills only its own kind of script. */
    static void kill(Scripting s, Call call, boolean eval) {
        ScriptRun r = s.running();
        if (r == null) {
            call.reply().error("NOTBUSY No scripts in execution right now.");
        } else if (r.client().master()) {
            call.reply().error("UNKILLABLE The busy script was sent by a master instance in the context of replication and cannot be killed.");
        } else if (r.dirty) {
            call.reply().error("UNKILLABLE Sorry the script already executed write commands against the dataset."
                + " You can either wait the script termination or kill the server in a hard way using the"
                + " SHUTDOWN NOSAVE command.");
        } else if (eval == r.function) {
            call.reply().error(eval ? Scripting.BUSY_FUNCTION : Scripting.BUSY);
        } else {
            r.killed = true;
            call.reply().ok();
        }
    }

    private static void help(Call call) {
        call.reply().array(HELP.length);
        for (String l : HELP) {
            call.reply().simple(l);
        }
    }

    private static void syntax(Call call) {
        call.reply().error("ERR unknown subcommand or wrong number of arguments for '" + call.argString(1)
            + "'. Try SCRIPT HELP.");
    }
}
