package io.ferrite.scripting;

import io.ferrite.engine.Client;
import io.ferrite.engine.command.BusyGate;
import io.ferrite.engine.command.Command;
import party.iroiro.luajava.Lua;
import party.iroiro.luajava.lua51.Lua51;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The EVAL side of the server (Redis's eval.c state): the script cache, the Lua environment the
 * scripts run in, and the run in progress, which SCRIPT KILL and the -BUSY gate look at.
 * <p>
 * Threads: scripts run one at a time on the engine's script thread, with every shard held, and
 * only that thread touches {@link #environment} and {@link #compiled}. The cache of bodies is read
 * by client threads too (SCRIPT EXISTS, SCRIPT LOAD's syntax check uses a Lua state of its own),
 * and SCRIPT FLUSH only bumps {@link #generation}: the script thread starts a fresh Lua state when
 * it next sees it changed, as Redis's flush starts a new interpreter.
 */
public final class Scripting implements BusyGate {
    static final String BUSY = "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.";
    static final String BUSY_FUNCTION = "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.";

    private final LongSupplier busyThresholdMillis;
    private final Map<String, Script> cache = new ConcurrentHashMap<>();
    private final Functions functions = new Functions();
    private volatile int generation;
    /** The run in progress, or null. */
    private volatile ScriptRun running;

    // confined to the script thread
    private LuaEnvironment environment;
    private int environmentGeneration = -1;
    private final Map<String, Integer> compiled = new HashMap<>();

    // the syntax checker of SCRIPT LOAD, used by one client thread at a time
    private final Lua checker = new Lua51();

    public Scripting(LongSupplier busyThresholdMillis) {
        this.busyThresholdMillis = busyThresholdMillis;
    }

    long busyThreshold() {
        return busyThresholdMillis.getAsLong();
    }

    @Override
    public String refuse(Command cmd, Client client) {
        ScriptRun r = running;
        long threshold = busyThreshold();
        if (r == null || threshold <= 0 || r.elapsedMillis() < threshold) {
            return null;
        }
        return r.function ? BUSY_FUNCTION : BUSY;
    }

    /** DEBUG SET-DISABLE-DENY-SCRIPTS. */
    public void disableDenyScript(boolean on) {
        ScriptRun.denyScriptDisabled = on;
    }

    /**
     * The scripting lines of INFO memory, in Redis 7.0's order: Lua's heap as last measured after a
     * run, the cached scripts and function libraries with their code sizes.
     */
    public void memoryInfo(java.util.function.BiConsumer<String, Object> field) {
        long evalVm = evalMemory;
        long fnVm = functions.memory();
        long scripts = scriptBytes.get();
        long fnCode = functionCode();
        field.accept("used_memory_lua", evalVm);
        field.accept("used_memory_vm_eval", evalVm);
        field.accept("used_memory_lua_human", human(evalVm));
        field.accept("used_memory_scripts_eval", scripts);
        field.accept("number_of_cached_scripts", cache.size());
        field.accept("number_of_functions", functions.functionCount());
        field.accept("number_of_libraries", functions.libraries().size());
        field.accept("used_memory_vm_functions", fnVm);
        field.accept("used_memory_vm_total", evalVm + fnVm);
        field.accept("used_memory_vm_total_human", human(evalVm + fnVm));
        field.accept("used_memory_functions", fnCode);
        field.accept("used_memory_scripts", scripts + fnCode);
        field.accept("used_memory_scripts_human", human(scripts + fnCode));
    }

    /**
     * What scripting adds to used_memory, as Redis 7.0 counts it: the cached scripts and the
     * function libraries' code (Lua's own heaps are outside used_memory there too). Read on every
     * command when maxmemory is set, so kept up to date rather than summed.
     */
    public long countedMemory() {
        return scriptBytes.get() + functionCode();
    }

    private long functionCode() {
        Map<String, Functions.Library> libs = functions.libraries();
        FunctionCode known = functionCode;
        if (known.libraries() != libs) {
            long n = 0;
            for (Functions.Library l : libs.values()) {
                n += l.code().length;
            }
            known = new FunctionCode(libs, n);
            functionCode = known;
        }
        return known.bytes();
    }

    private record FunctionCode(Map<String, Functions.Library> libraries, long bytes) {
    }

    private volatile FunctionCode functionCode = new FunctionCode(Map.of(), 0);
    /** The cached scripts' bytes: bodies plus the JVM objects that hold each (record, SHA string, map node). */
    private final java.util.concurrent.atomic.AtomicLong scriptBytes = new java.util.concurrent.atomic.AtomicLong();
    private static final int SCRIPT_OVERHEAD = 200;

    private static String human(long n) {
        if (n < 1024) {
            return n + "B";
        }
        double v = n;
        String[] units = {"K", "M", "G", "T"};
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(java.util.Locale.ROOT, "%.2f%s", v, units[u]);
    }

    /** Lua's heap in the EVAL state, measured on the script thread after each run. */
    private volatile long evalMemory;

    void measured(long bytes) {
        evalMemory = bytes;
    }

    Functions functions() {
        return functions;
    }

    // ------------------------------------------------------------------ function libraries in RDB files and AOF bases

    /**
     * The libraries' code in the order they were loaded (rdbSaveFunctions, rewriteFunctions), from
     * any thread: the libraries are published whole on each change, so a reader at a snapshot's
     * cut (every shard held, so no FUNCTION LOAD, DELETE, FLUSH or RESTORE is half-done) gets
     * exactly the cut's.
     */
    public List<byte[]> libraryCodes() {
        List<byte[]> codes = new ArrayList<>();
        for (Functions.Library l : functions.libraries().values()) {
            codes.add(l.code());
        }
        return codes;
    }

    /**
     * Creates a library an RDB file or AOF base holds (rdbFunctionLoad's functionsCreateWithLibraryCtx):
     * with {@code replace} (DEBUG RELOAD MERGE) it replaces one of its name, else that is an error.
     * Null, or the error as Redis words it in its log ("Library 'x' already exists"). Only where no
     * script can run meanwhile: loading at start-up or a full sync, or with every shard held.
     */
    public String createLibrary(byte[] code, boolean replace) {
        Object loaded = LibraryLoad.load(functions.environment(), code, functions.libraries(), replace);
        if (loaded instanceof String error) {
            return error.startsWith("ERR ") ? error.substring(4) : error;
        }
        functions.put((Functions.Library) loaded);
        return null;
    }

    /** Every library goes, as before a full load (emptyData without EMPTYDB_NOFUNCTIONS); as {@link #createLibrary}, where no script runs. */
    public void flushLibraries() {
        functions.flush();
    }

    ScriptRun running() {
        return running;
    }

    /** The server closes (SHUTDOWN NOSAVE during a busy script): the script in progress stops, written or not. */
    public void stop() {
        ScriptRun r = running;
        if (r != null) {
            r.killed = true;
        }
    }

    void running(ScriptRun run) {
        running = run;
    }

    Script cached(String sha) {
        return cache.get(sha);
    }

    int cachedCount() {
        return cache.size();
    }

    /**
     * Adds {@code body} to the cache after checking it compiles: null on success, else Redis's
     * "Error compiling script" error (from any thread: the check runs in a Lua state of its own).
     */
    String add(String sha, byte[] body) {
        if (cache.containsKey(sha)) {
            return null;
        }
        ScriptFlags flags;
        try {
            flags = ScriptFlags.of(body);
        } catch (IllegalArgumentException e) {
            return "ERR " + e.getMessage();
        }
        String error;
        synchronized (checker) {
            error = syntaxError(body, flags.shebangLength());
        }
        if (error != null) {
            return "ERR Error compiling script (new function): " + error;
        }
        if (cache.putIfAbsent(sha, new Script(sha, body, flags, 0)) == null) {
            scriptBytes.addAndGet(body.length + SCRIPT_OVERHEAD);
        }
        return null;
    }

    private String syntaxError(byte[] body, int off) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocateDirect(body.length - off);
        b.put(body, off, body.length - off).flip();
        try {
            if (body.length - off > 0 && body[off] == 0x1b) {
                return "user_script: bad header in precompiled chunk";
            }
            checker.load(b, "@user_script");
            checker.pop(1);
            return null;
        } catch (party.iroiro.luajava.LuaException e) {
            String msg = checker.getTop() > 0 ? checker.toString(-1) : e.getMessage();
            checker.setTop(0);
            return msg;
        }
    }

    /** SCRIPT FLUSH: the cache empties now, the Lua state is replaced before the next run. */
    void flush() {
        cache.clear();
        scriptBytes.set(0);
        generation++;
    }

    /** On the script thread: the environment, fresh after a flush. */
    LuaEnvironment environment() {
        if (environment == null || environmentGeneration != generation) {
            if (environment != null) {
                environment.close();
            }
            compiled.clear();
            environmentGeneration = generation;
            environment = new LuaEnvironment();
        }
        return environment;
    }

    /** On the script thread: the compiled function of a cached script (compiled on first use). */
    LuaEnvironment.Compiled function(Script s) {
        LuaEnvironment env = environment();
        Integer ref = compiled.get(s.sha());
        if (ref != null) {
            return new LuaEnvironment.Compiled(ref, null);
        }
        LuaEnvironment.Compiled c = env.compile(s.body(), s.flags().shebangLength(), "@user_script");
        if (c.error() == null) {
            compiled.put(s.sha(), c.ref());
        }
        return c;
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
