package io.ferrite.scripting;

import io.ferrite.engine.command.Call;
import io.ferrite.engine.command.CommandRegistry;
import io.ferrite.reply.Reply;
import io.ferrite.store.Glob;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

/**
 * FUNCTION LOAD, DELETE, FLUSH, LIST, STATS, KILL, HELP and FCALL, FCALL_RO (Redis 7.0's
 * functions.c). What changes the libraries runs library code in the function Lua state, so it runs
 * as scripts do, on the script thread with every shard held; LIST and STATS read the published
 * libraries from any thread.
 */
public final class FunctionCommands {
    private static final String[] HELP = {
        "FUNCTION <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "LOAD [REPLACE] <FUNCTION CODE>",
        "    Create a new library with the given library name and code.",
        "DELETE <LIBRARY NAME>",
        "    Delete the given library.",
        "LIST [LIBRARYNAME PATTERN] [WITHCODE]",
        "    Return general information on all the libraries:",
        "    * Library name",
        "    * The engine used to run the Library",
        "    * Library description",
        "    * Functions list",
        "    * Library code (if WITHCODE is given)",
        "    It also possible to get only function that matches a pattern using LIBRARYNAME argument.",
        "STATS",
        "    Return information about the current function running:",
        "    * Function name",
        "    * Command used to run the function",
        "    * Duration in MS that the function is running",
        "    If no function is running, return nil",
        "    In addition, returns a list of available engines.",
        "KILL",
        "    Kill the current running function.",
        "FLUSH [ASYNC|SYNC]",
        "    Delete all the libraries.",
        "    When called without the optional mode argument, the behavior is determined by the",
        "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
        "    * ASYNC: Asynchronously flush the libraries.",
        "    * SYNC: Synchronously flush the libraries.",
        "DUMP",
        "    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command",
        "RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
        "    Restore the libraries represented by the given payload, it is possible to give a restore policy to",
        "    control how to handle existing libraries (default APPEND):",
        "    * FLUSH: delete all existing libraries.",
        "    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.",
        "    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old",
        "      libraries with the new libraries (notice that even on this option there is a chance of failure",
        "      in case of functions name collision with another library).",
        "HELP",
        "    Prints this help.",
    };

    private FunctionCommands() {
    }

    public static void register(CommandRegistry r, Scripting s) {
        Functions f = s.functions();
        r.add("fcall", c -> fcall(s, c, false), new ScriptKeys(s, ScriptKeys.Kind.FCALL));
        r.add("fcall_ro", c -> fcall(s, c, true), new ScriptKeys(s, ScriptKeys.Kind.FCALL));
        r.addReachingAnyKey("function|load", c -> load(f, c), new ScriptKeys(s, ScriptKeys.Kind.LIBRARY));
        r.addReachingAnyKey("function|delete", c -> delete(f, c), new ScriptKeys(s, ScriptKeys.Kind.LIBRARY));
        r.addReachingAnyKey("function|flush", c -> flush(f, c), new ScriptKeys(s, ScriptKeys.Kind.LIBRARY));
        r.add("function|list", c -> list(f, c));
        r.add("function|dump", c -> c.reply().bulk(FunctionDump.dump(f)));
        r.addReachingAnyKey("function|restore", c -> FunctionDump.restore(f, c), new ScriptKeys(s, ScriptKeys.Kind.LIBRARY));
        r.add("function|stats", c -> stats(s, c));
        r.add("function|kill", c -> EvalCommands.kill(s, c, false));
        r.add("function|help", c -> {
            c.reply().array(HELP.length);
            for (String l : HELP) {
                c.reply().simple(l);
            }
        });
    }

    private static void fcall(Scripting s, Call call, boolean ro) {
        call.server.observer().monitor(call);
        call.preventPropagation();
        Reply reply = call.reply();
        Functions.Function fn = s.functions().function(Scripting.text(call.arg(1)));
        if (fn == null) {
            reply.error("ERR Function not found");
            return;
        }
        Integer numkeys = EvalCommands.numkeys(call, "ERR Bad number of keys provided");
        if (numkeys == null) {
            return;
        }
        ScriptFlags flags = new ScriptFlags(false, fn.flags().isEmpty() ? EnumSet.noneOf(ScriptFlags.Flag.class)
            : EnumSet.copyOf(fn.flags()), 0);
        String refused = ScriptChecks.beforeRun(call, flags, ro);
        if (refused != null) {
            reply.error(refused);
            return;
        }
        EvalCommands.launch(s, call, s.functions().environment(), fn.ref(), fn.name(), true, flags, ro, numkeys);
    }

    private static void load(Functions f, Call call) {
        call.preventPropagation();
        Reply reply = call.reply();
        boolean replace = false;
        int pos = 2;
        while (pos < call.argc() - 1) {
            if (!call.argIs(pos, "replace")) {
                reply.error("ERR Unknown option given: " + call.argString(pos));
                return;
            }
            replace = true;
            pos++;
        }
        byte[] code = call.arg(pos);
        Object loaded = LibraryLoad.load(f.environment(), code, f.libraries(), replace);
        if (loaded instanceof String error) {
            reply.error(error);
            return;
        }
        Functions.Library lib = (Functions.Library) loaded;
        f.put(lib);
        call.alsoPropagate(call.args);
        reply.bulk(lib.name());
    }

    private static void delete(Functions f, Call call) {
        call.preventPropagation();
        if (call.argc() != 3) {
            call.reply().error("ERR wrong number of arguments for 'function|delete' command");
            return;
        }
        if (!f.delete(call.argString(2))) {
            call.reply().error("ERR Library not found");
            return;
        }
        call.alsoPropagate(call.args);
        call.reply().ok();
    }

    private static void flush(Functions f, Call call) {
        call.preventPropagation();
        if (call.argc() > 3) {
            call.reply().error("ERR unknown subcommand or wrong number of arguments for '" + call.argString(1) + "'. Try FUNCTION HELP.");
            return;
        }
        if (call.argc() == 3 && !call.argIs(2, "sync") && !call.argIs(2, "async")) {
            call.reply().error("ERR FUNCTION FLUSH only supports SYNC|ASYNC option");
            return;
        }
        f.flush();
        call.alsoPropagate(call.args);
        call.reply().ok();
    }

    private static void list(Functions f, Call call) {
        Reply reply = call.reply();
        boolean withCode = false;
        byte[] pattern = null;
        for (int i = 2; i < call.argc(); i++) {
            if (!withCode && call.argIs(i, "withcode")) {
                withCode = true;
            } else if (pattern == null && call.argIs(i, "libraryname")) {
                if (i >= call.argc() - 1) {
                    reply.error("ERR library name argument was not given");
                    return;
                }
                pattern = call.arg(++i);
            } else {
                reply.error("ERR Unknown argument " + call.argString(i));
                return;
            }
        }
        List<Functions.Library> libs = new ArrayList<>();
        for (Functions.Library l : f.libraries().values()) {
            if (pattern == null || Glob.match(pattern, l.name().getBytes(StandardCharsets.UTF_8), true)) {
                libs.add(l);
            }
        }
        reply.array(libs.size());
        for (Functions.Library l : libs) {
            reply.map(withCode ? 4 : 3);
            reply.bulk("library_name");
            reply.bulk(l.name());
            reply.bulk("engine");
            reply.bulk("LUA");
            reply.bulk("functions");
            reply.array(l.functions().size());
            for (Functions.Function fn : l.functions()) {
                reply.map(3);
                reply.bulk("name");
                reply.bulk(fn.name());
                reply.bulk("description");
                if (fn.description() == null) {
                    reply.nil();
                } else {
                    reply.bulk(fn.description());
                }
                reply.bulk("flags");
                reply.set(fn.flags().size());
                for (ScriptFlags.Flag flag : fn.flags()) {
                    reply.simple(flag.word);
                }
            }
            if (withCode) {
                reply.bulk("library_code");
                reply.bulk(l.code());
            }
        }
    }

    private static void stats(Scripting s, Call call) {
        Reply reply = call.reply();
        ScriptRun r = s.running();
        if (r != null && !r.function) {
            reply.error(Scripting.BUSY);
            return;
        }
        reply.map(2);
        reply.bulk("running_script");
        if (r == null) {
            reply.nil();
        } else {
            reply.map(3);
            reply.bulk("name");
            reply.bulk(r.name);
            reply.bulk("command");
            byte[][] argv = r.command();
            reply.array(argv.length);
            for (byte[] a : argv) {
                reply.bulk(a);
            }
            reply.bulk("duration_ms");
            reply.integer(r.elapsedMillis());
        }
        reply.bulk("engines");
        reply.map(1);
        reply.bulk("LUA");
        reply.map(2);
        reply.bulk("libraries_count");
        reply.integer(s.functions().libraries().size());
        reply.bulk("functions_count");
        reply.integer(s.functions().functionCount());
    }
}
