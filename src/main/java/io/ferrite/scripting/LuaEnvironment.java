package io.ferrite.scripting;

import io.ferrite.scripting.lib.RedisLuaLibraries;
import io.ferrite.store.Bytes;
import io.ferrite.store.zset.ScoreText;
import party.iroiro.luajava.JFunction;
import party.iroiro.luajava.Lua;
import party.iroiro.luajava.LuaException;
import party.iroiro.luajava.lua51.Lua51;
import party.iroiro.luajava.lua51.Lua51Natives;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * One Lua 5.1 state set up as Redis 7.0's scripting environment (redis-env.lua: the redis table,
 * the libraries, protected globals, reply conversions), and the two things done with it: compile a
 * script body into a function, and run one. Used by one thread at a time (scripts run one at a
 * time, every shard held); what a running script asks of the server goes to {@link Primitives}.
 */
final class LuaEnvironment implements AutoCloseable {
    /** What the environment asks of the run in progress. */
    interface Primitives {
        /** redis.call/pcall: runs the command, answers its RESP reply; {@code rejected} tells a refusal by the script checks. */
        byte[] call(byte[][] argv);

        /** redis.acl_check_cmd: -1 for an unknown command, else 1 when the caller's user may run it, 0 when not. */
        int aclVerdict(byte[][] argv);

        void log(int level, String message);

        void setResp(int resp);

        void setRepl(int flags);

        /** The Lua hook's periodic check: true once the script is to be killed. */
        boolean interrupted();
    }

    private final Lua lua = new Lua51();
    private final LuaStrings strings = new LuaStrings();
    private final Lrand48 random = new Lrand48();
    private final int compileRef;
    private final int runRef;
    private final int loadRef;
    private final int convertRef;
    private Primitives current;
    private long runs;
    /** When the library FUNCTION LOAD is running must have finished (Redis's LOAD_TIMEOUT_MS, 500 ms). */
    private long loadDeadline;
    private static final long LOAD_TIMEOUT_NANOS = 500_000_000L;
    private static final int GC_PERIOD = 50;

    LuaEnvironment() {
        // the libraries Redis 7.0 loads (luaLoadLibraries); the debug library only for the runner's use
        for (String lib : new String[] {"base", "table", "string", "math", "debug"}) {
            lua.openLibrary(lib);
        }
        RedisLuaLibraries.install(lua);
        lua.load(prelude(lua), "=ferrite");
        push(this::call);
        lua.push(l -> {
            byte[] data = LuaStrings.bytes(l, 1);
            l.push(Sha1.hex(data));
            return 1;
        });
        lua.push(l -> {
            current.log((int) l.toInteger(1), new String(LuaStrings.bytes(l, 2), StandardCharsets.UTF_8));
            return 0;
        });
        lua.push(l -> {
            current.setResp((int) l.toInteger(1));
            return 0;
        });
        lua.push(l -> {
            current.setRepl((int) l.toInteger(1));
            return 0;
        });
        lua.push(l -> {
            l.push(random.nextDouble());
            return 1;
        });
        lua.push(l -> {
            random.seed((int) (long) l.toNumber(1));
            return 0;
        });
        lua.push(l -> {
            // jinterrupt(true): FUNCTION LOAD's deadline has passed; jinterrupt(false): a script is killed
            l.push(l.toBoolean(1) ? System.nanoTime() > loadDeadline : current != null && current.interrupted());
            return 1;
        });
        lua.push(this::wrap);
        lua.push(l -> redisCall(l, true));
        lua.push(l -> redisCall(l, false));
        lua.pCall(11, 5);
        convertRef = lua.ref();
        loadRef = lua.ref();
        runRef = lua.ref();
        compileRef = lua.ref();
        lua.pop(1);
        natives().lua_gc(lua.getPointer(), 2, 0);
    }

    /**
     * jwrap(f): a C function calling f, which answers (true, results...) or (false, error); the
     * error is raised from C, as Redis's own C functions raise theirs.
     */
    private int wrap(Lua l) {
        l.pushValue(1);
        int ref = l.ref();
        l.push((JFunction) c -> {
            int n = c.getTop();
            c.refGet(ref);
            c.insert(1);
            try {
                c.pCall(n, -1);
            } catch (LuaException e) {
                c.setTop(0);
                c.push(e.getMessage());
                return -1;
            }
            boolean ok = c.toBoolean(1);
            c.remove(1);
            if (!ok) {
                c.setTop(1);
                return -1;
            }
            return c.getTop();
        });
        return 1;
    }

    /**
     * redis.call ({@code raise}) and redis.pcall (luaRedisGenericCommand): the arguments become the
     * command's (numbers as C's %.17g), are popped before anything is pushed (a script may pass
     * thousands), and the reply comes back as Lua's value; an error raises for redis.call.
     */
    private int redisCall(Lua l, boolean raise) {
        int n = l.getTop();
        if (n == 0) {
            return error(l, "ERR Please specify at least one argument for this redis lib call", raise);
        }
        byte[][] argv = new byte[n][];
        for (int i = 0; i < n; i++) {
            Lua.LuaType t = l.type(i + 1);
            if (t == Lua.LuaType.NUMBER) {
                argv[i] = g17(l.toNumber(i + 1)).getBytes(StandardCharsets.US_ASCII);
            } else if (t == Lua.LuaType.STRING) {
                argv[i] = LuaStrings.bytes(l, i + 1);
            } else {
                l.setTop(0);
                return error(l, "ERR Lua redis lib command arguments must be strings or integers", raise);
            }
        }
        l.setTop(0);
        byte[] reply = current.call(argv);
        if (pushSimple(l, reply)) {
            return 1;
        }
        try {
            l.refGet(convertRef);
            strings.push(l, reply);
            l.pCall(1, 2);
        } catch (LuaException e) {
            // only a kill can interrupt the conversion: the script's next line raises it
            l.setTop(0);
            l.pushNil();
            return 1;
        }
        boolean isError = l.toBoolean(-1);
        l.pop(1);
        return raise && isError ? -1 : 1;
    }

    /**
     * The commonest replies made Lua values here, exactly as redis-env.lua's parse makes them, so
     * that most redis.call replies need no chunk loaded and no Lua-side parsing: a bulk string, a
     * nil bulk (false), an integer (a number) and a status ({ok = ...}). Only for text that
     * luajava's string push passes unchanged (bytes 1 to 127, where modified UTF-8 is the bytes
     * themselves); anything else goes the general way.
     */
    private static boolean pushSimple(Lua l, byte[] r) {
        int lineEnd = lineEnd(r);
        if (lineEnd < 0) {
            return false;
        }
        switch (r[0]) {
            case '$' -> {
                if (r[1] == '-') {
                    l.push(false);
                    return true;
                }
                int start = lineEnd + 2;
                int n = r.length - 2 - start;
                if (n < 0 || !plainText(r, start, n)) {
                    return false;
                }
                l.push(new String(r, start, n, StandardCharsets.ISO_8859_1));
                return true;
            }
            case ':' -> {
                Long n = lineEnd == r.length - 2 ? Bytes.parseLongStrict(r, 1, lineEnd - 1) : null;
                if (n == null) {
                    return false;
                }
                // tonumber of the integer's text: the nearest double, as this conversion gives
                l.push((double) n);
                return true;
            }
            case '+' -> {
                if (lineEnd != r.length - 2 || !plainText(r, 1, lineEnd - 1)) {
                    return false;
                }
                l.newTable();
                l.push(new String(r, 1, lineEnd - 1, StandardCharsets.ISO_8859_1));
                l.setField(-2, "ok");
                return true;
            }
            default -> {
                return false;
            }
        }
    }

    /** Where the reply's first line ends (its CR), or -1. */
    private static int lineEnd(byte[] r) {
        for (int i = 1; i + 1 < r.length; i++) {
            if (r[i] == '\r' && r[i + 1] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static boolean plainText(byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) {
            if (b[i] <= 0) {
                return false;
            }
        }
        return true;
    }

    /** luaPushError: an error table {err = message}, raised or returned. */
    private static int error(Lua l, String message, boolean raise) {
        l.setTop(0);
        l.newTable();
        l.push(message);
        l.setField(-2, "err");
        return raise ? -1 : 1;
    }

    /** C's %.17g of a Lua number, with C's "-nan" for Lua's 0/0. */
    static String g17(double d) {
        if (Double.isNaN(d)) {
            return Double.doubleToRawLongBits(d) < 0 ? "-nan" : "nan";
        }
        // integral and under 1e17, %.17g prints the integer's digits (scripts pass counters and ids)
        if (d == Math.rint(d) && Math.abs(d) < 1e17 && !(d == 0 && 1 / d < 0)) {
            return Long.toString((long) d);
        }
        return ScoreText.g17(d);
    }

    private void push(JFunction f) {
        lua.push(f);
    }

    /** The environment's code compiled once, without its debug information (see {@link LuaChunks}). */
    private static byte[] strippedPrelude;

    private static synchronized ByteBuffer prelude(Lua lua) {
        if (strippedPrelude == null) {
            try (InputStream in = LuaEnvironment.class.getResourceAsStream("redis-env.lua")) {
                lua.load(direct(in.readAllBytes()), "=ferrite");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            strippedPrelude = LuaChunks.stripped(lua.dump());
            lua.pop(1);
        }
        return direct(strippedPrelude);
    }

    private static ByteBuffer direct(byte[] b) {
        ByteBuffer buf = ByteBuffer.allocateDirect(b.length);
        buf.put(b).flip();
        return buf;
    }

    /** redis.call(packed, checkOnly): the packed arguments are "len:bytes" pairs. */
    private int call(Lua l) {
        byte[][] argv = unpack(LuaStrings.bytes(l, 1));
        if (l.getTop() >= 2 && l.toBoolean(2)) {
            l.push((double) current.aclVerdict(argv));
            return 1;
        }
        byte[] reply = current.call(argv);
        strings.push(l, reply);
        return 1;
    }

    static byte[][] unpack(byte[] packed) {
        java.util.List<byte[]> out = new java.util.ArrayList<>();
        int pos = 0;
        while (pos < packed.length) {
            int len = 0;
            while (packed[pos] != ':') {
                len = len * 10 + (packed[pos++] - '0');
            }
            pos++;
            out.add(java.util.Arrays.copyOfRange(packed, pos, pos + len));
            pos += len;
        }
        return out.toArray(new byte[0][]);
    }

    static byte[] pack(byte[][] args, int from, int to) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int i = from; i < to; i++) {
            out.writeBytes(Integer.toString(args[i].length).getBytes(StandardCharsets.US_ASCII));
            out.write(':');
            out.writeBytes(args[i]);
        }
        return out.toByteArray();
    }

    /** A compiled script: a reference to its function in the Lua registry. */
    record Compiled(int ref, String error) {
    }

    /** Compiles {@code body} as Redis names scripts ("@user_script"): the function, or Lua's error message. */
    Compiled compile(byte[] body, int off, String chunkName) {
        lua.refGet(compileRef);
        strings.push(lua, body, off, body.length - off);
        lua.push(chunkName);
        lua.pCall(2, 2);
        if (lua.isFunction(-2)) {
            lua.pop(1);
            return new Compiled(lua.ref(), null);
        }
        String err = lua.toString(-1);
        lua.pop(2);
        return new Compiled(0, err);
    }

    /** A function a library registered: its callback is a reference in the Lua registry. */
    record Registered(String name, String description, java.util.List<String> flags, int ref) {
    }

    /** What FUNCTION LOAD's run of a library gave: its functions, or Redis's error. */
    record Library(java.util.List<Registered> functions, String error) {
    }

    /** Runs a library's code (after its shebang line, whose line feed it starts with), collecting what it registers. */
    Library loadLibrary(byte[] code, int off) {
        int top = lua.getTop();
        loadDeadline = System.nanoTime() + LOAD_TIMEOUT_NANOS;
        try {
            lua.refGet(loadRef);
            strings.push(lua, code, off, code.length - off);
            lua.pCall(1, 2);
            if (!lua.toBoolean(-2)) {
                return new Library(null, new String(LuaStrings.bytes(lua, -1), StandardCharsets.UTF_8));
            }
            java.util.List<Registered> out = new java.util.ArrayList<>();
            int n = lua.rawLength(-1);
            for (int i = 1; i <= n; i++) {
                lua.rawGetI(-1, i);
                lua.getField(-1, "name");
                String name = lua.toString(-1);
                lua.pop(1);
                lua.getField(-1, "description");
                String desc = lua.isNil(-1) ? null : lua.toString(-1);
                lua.pop(1);
                java.util.List<String> flags = new java.util.ArrayList<>();
                lua.getField(-1, "flags");
                int nf = lua.rawLength(-1);
                for (int j = 1; j <= nf; j++) {
                    lua.rawGetI(-1, j);
                    flags.add(lua.toString(-1));
                    lua.pop(1);
                }
                lua.pop(1);
                lua.getField(-1, "callback");
                int ref = lua.ref();
                lua.pop(1);
                out.add(new Registered(name, desc, flags, ref));
            }
            return new Library(out, null);
        } finally {
            lua.setTop(top);
        }
    }

    /** Forgets a compiled function (SCRIPT FLUSH). */
    void release(int ref) {
        lua.unref(ref);
    }

    /** The outcome of a run: a reply in RESP, or an error reply's message (and whether it was already counted). */
    record Outcome(byte[] resp, String error, boolean errorCounted) {
    }

    /** Runs a compiled script with KEYS and ARGV (packed), answering for a client speaking {@code callerResp}. */
    Outcome run(int ref, byte[] keys, byte[] args, int callerResp, boolean hooked, String sha, Primitives run) {
        return run(ref, keys, args, callerResp, hooked, sha, false, run);
    }

    /** As {@link #run}; a function gets KEYS and ARGV as its two arguments instead of as globals. */
    Outcome run(int ref, byte[] keys, byte[] args, int callerResp, boolean hooked, String sha, boolean function,
                Primitives run) {
        current = run;
        int top = lua.getTop();
        try {
            lua.refGet(runRef);
            lua.refGet(ref);
            strings.push(lua, keys);
            strings.push(lua, args);
            lua.push(callerResp);
            lua.push(hooked);
            lua.push(sha);
            lua.push(function);
            lua.pCall(7, 3);
            String kind = lua.toString(-3);
            if ("r".equals(kind)) {
                return new Outcome(LuaStrings.bytes(lua, -2), null, false);
            }
            return new Outcome(null, new String(LuaStrings.bytes(lua, -2), StandardCharsets.UTF_8), lua.toBoolean(-1));
        } catch (LuaException e) {
            return new Outcome(null, "ERR Error running script " + sha + ", " + e.getMessage(), false);
        } finally {
            lua.setTop(top);
            current = null;
            // Redis's LUA_GC_CYCLE_PERIOD: a collection step every 50 runs keeps garbage bounded
            // without a full cycle's latency
            if (++runs % GC_PERIOD == 0) {
                natives().lua_gc(lua.getPointer(), 5, GC_PERIOD);
            }
        }
    }

    private Lua51Natives natives() {
        return (Lua51Natives) lua.getLuaNatives();
    }

    /** Lua's heap in bytes (lua_gc LUA_GCCOUNT / LUA_GCCOUNTB, as Redis's luaMemory). */
    long memory() {
        Lua51Natives c = natives();
        return c.lua_gc(lua.getPointer(), 3, 0) * 1024L + c.lua_gc(lua.getPointer(), 4, 0);
    }

    @Override
    public void close() {
        lua.close();
    }
}
