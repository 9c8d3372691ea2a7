package io.ferrite.scripting.lib;

import io.ferrite.compat.RedisProcess;
import org.junit.jupiter.api.Assumptions;
import party.iroiro.luajava.LuaException;
import party.iroiro.luajava.lua51.Lua51;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * One Lua script run two ways: in a Ferrite Lua state (real Lua 5.1 through luajava, with
 * {@link RedisLuaLibraries} installed) and as {@code EVAL script 0 args...} on a real
 * redis-server 7.0.15 started on an ephemeral loopback port. Both return the script's result as
 * raw bytes; scripts return strings so nothing is lost in Redis's Lua-to-RESP conversion.
 */
final class LuaDifferential implements AutoCloseable {
    /** Serialises any value the same way on both sides: numbers %.17g, strings %q, tables in next() order. */
    static final String SHOW = "local function show(v, d) d = d or 0 local t = type(v) "
        + "if t == 'string' then return string.format('%q', v) "
        + "elseif t == 'number' then return string.format('%.17g', v) "
        + "elseif t == 'table' then if d > 30 then return '{...}' end local p = {} "
        + "for k, x in pairs(v) do p[#p + 1] = '[' .. show(k, d + 1) .. ']=' .. show(x, d + 1) end "
        + "return '{' .. table.concat(p, ',') .. '}' "
        + "elseif t == 'userdata' then return '<' .. tostring(v) .. '>' "
        + "elseif t == 'function' or t == 'thread' then return '<' .. t .. '>' "
        + "else return tostring(v) end end ";

    private final RedisProcess redis;
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final Lua51 lua;

    private LuaDifferential(RedisProcess redis) throws IOException {
        this.redis = redis;
        this.socket = new Socket("127.0.0.1", redis.port);
        socket.setSoTimeout(30_000);
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
        this.lua = new Lua51();
        lua.openLibraries();
        RedisLuaLibraries.install(lua);
    }

    /** Starts the reference server; without one the test fails under CI=true and is skipped elsewhere. */
    static LuaDifferential start() throws Exception {
        java.nio.file.Path exe = RedisProcess.findExecutable();
        if (exe == null) {
            String msg = "redis-server not found on PATH (or -Dcompat.redisServer / $REDIS_SERVER): "
                + "the Lua libraries are compared with a real Redis 7.0.15";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new AssertionError(msg);
            }
            Assumptions.abort(msg);
        }
        return new LuaDifferential(RedisProcess.start(exe));
    }

    /** The script wrapping one expression: its pcall results, shown. */
    static String expressionScript(String expression) {
        return SHOW + "return show({pcall(function() return " + expression + " end)})";
    }

    /** A Ferrite Lua state of its own with the libraries installed, for tests that need no reference. */
    static Lua51 ferriteState() {
        Lua51 l = new Lua51();
        l.openLibraries();
        RedisLuaLibraries.install(l);
        return l;
    }

    byte[] ferrite(String script, byte[]... argv) {
        return runInFerrite(lua, script, argv);
    }

    static byte[] runInFerrite(Lua51 lua, String script, byte[]... argv) {
        StringBuilder args = new StringBuilder("ARGV = {");
        for (byte[] a : argv) {
            args.append(luaLiteral(a)).append(',');
        }
        try {
            lua.run(args.append('}').toString());
            byte[] code = script.getBytes(StandardCharsets.UTF_8);
            ByteBuffer b = ByteBuffer.allocateDirect(code.length);
            b.put(code).flip();
            lua.load(b, "@user_script");
            lua.pCall(0, 1);
            ByteBuffer r = lua.toBuffer(-1);
            lua.pop(1);
            byte[] bytes = new byte[r.remaining()];
            r.get(bytes);
            return bytes;
        } catch (LuaException e) {
            return ("LuaException: " + e.getMessage()).getBytes(StandardCharsets.ISO_8859_1);
        }
    }

    byte[] redis(String script, byte[]... argv) throws IOException {
        ByteArrayOutputStream cmd = new ByteArrayOutputStream();
        cmd.writeBytes(("*" + (3 + argv.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        bulk(cmd, "EVAL".getBytes(StandardCharsets.US_ASCII));
        bulk(cmd, script.getBytes(StandardCharsets.UTF_8));
        bulk(cmd, "0".getBytes(StandardCharsets.US_ASCII));
        for (byte[] a : argv) {
            bulk(cmd, a);
        }
        out.write(cmd.toByteArray());
        int type = in.read();
        String line = readLine();
        if (type == '$') {
            int n = Integer.parseInt(line);
            if (n < 0) {
                return "(nil)".getBytes(StandardCharsets.US_ASCII);
            }
            byte[] body = in.readNBytes(n);
            in.readNBytes(2);
            return body;
        }
        return ((char) type + line).getBytes(StandardCharsets.ISO_8859_1);
    }

    private static void bulk(ByteArrayOutputStream cmd, byte[] b) {
        cmd.writeBytes(("$" + b.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        cmd.writeBytes(b);
        cmd.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != '\r') {
            if (c < 0) {
                throw new IOException("connection closed");
            }
            b.write(c);
        }
        in.read();
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    /** A Lua string literal of any bytes, with decimal escapes. */
    static String luaLiteral(byte[] b) {
        StringBuilder sb = new StringBuilder(b.length * 4 + 2).append('"');
        for (byte x : b) {
            sb.append('\\').append(x & 0xff);
        }
        return sb.append('"').toString();
    }

    @Override
    public void close() throws IOException {
        lua.close();
        socket.close();
        redis.close();
    }
}
