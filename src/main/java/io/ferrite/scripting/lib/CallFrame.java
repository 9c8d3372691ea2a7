package io.ferrite.scripting.lib;

import party.iroiro.luajava.Lua;
import party.iroiro.luajava.lua51.Lua51Natives;

import java.nio.ByteBuffer;

/**
 * The Lua stack of one library-function call, read and written through Lua 5.1's C API (luajava's
 * natives), with the argument checks of lauxlib ({@code luaL_checknumber} and friends) and their
 * exact error texts. Strings cross as bytes, never through a charset.
 */
final class CallFrame {
    static final int TNONE = -1;
    static final int TNIL = 0;
    static final int TBOOLEAN = 1;
    static final int TLIGHTUSERDATA = 2;
    static final int TNUMBER = 3;
    static final int TSTRING = 4;
    static final int TTABLE = 5;

    /** LUAI_MAXCSTACK: lua_checkstack refuses to let a C function's frame grow past this many slots. */
    static final int MAX_C_STACK = 8000;

    private static final String[] TYPE_NAMES = {
        "no value", "nil", "boolean", "userdata", "number", "string", "table", "function", "userdata", "thread",
    };

    final Lua lua;
    final Lua51Natives c;
    final long l;
    final LibraryState state;

    CallFrame(Lua lua, LibraryState state) {
        this.lua = lua;
        this.c = (Lua51Natives) lua.getLuaNatives();
        this.l = lua.getPointer();
        this.state = state;
    }

    int top() {
        return c.lua_gettop(l);
    }

    int type(int idx) {
        return c.lua_type(l, idx);
    }

    static String typeName(int type) {
        return TYPE_NAMES[type + 1];
    }

    double toNumber(int idx) {
        return c.lua_tonumber(l, idx);
    }

    boolean isNumber(int idx) {
        return c.lua_isnumber(l, idx) != 0;
    }

    /** lua_tolstring: the bytes of a string, or of a number converted in place; null otherwise. */
    byte[] toBytes(int idx) {
        ByteBuffer b = (ByteBuffer) c.luaJ_todirectbuffer(l, idx);
        if (b == null) {
            return null;
        }
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    LuaError typeError(int narg, String expected) {
        return LuaError.argument(narg, expected + " expected, got " + typeName(type(narg)));
    }

    double checkNumber(int narg) {
        double d = c.lua_tonumber(l, narg);
        if (d == 0 && c.lua_isnumber(l, narg) == 0) {
            throw typeError(narg, "number");
        }
        return d;
    }

    /** luaL_checkinteger: the C conversion (lua_tointeger) done natively so out-of-range values match. */
    long checkInteger(int narg) {
        long d = c.lua_tointeger(l, narg);
        if (d == 0 && c.lua_isnumber(l, narg) == 0) {
            throw typeError(narg, "number");
        }
        return d;
    }

    long optInteger(int narg, long dflt) {
        return c.lua_isnoneornil(l, narg) != 0 ? dflt : checkInteger(narg);
    }

    byte[] checkBytes(int narg) {
        byte[] b = c.lua_type(l, narg) == TSTRING || c.lua_type(l, narg) == TNUMBER ? toBytes(narg) : null;
        if (b == null) {
            throw typeError(narg, "string");
        }
        return b;
    }

    /** luaL_checkstack: grows the frame or raises "stack overflow (message)". */
    void checkStack(int extra, String message) {
        if (c.lua_checkstack(l, extra) == 0) {
            throw LuaError.located("stack overflow (" + message + ")");
        }
    }

    void pushNumber(double d) {
        c.lua_pushnumber(l, d);
    }

    void pushInteger(long n) {
        c.lua_pushinteger(l, n);
    }

    void pushBoolean(boolean b) {
        c.lua_pushboolean(l, b ? 1 : 0);
    }

    void pushBytes(byte[] b, int off, int len) {
        state.bytes.push(this, b, off, len);
    }

    void pushBytes(byte[] b) {
        state.bytes.push(this, b, 0, b.length);
    }

    void pushAscii(String s) {
        c.luaJ_pushstring(l, s);
    }

    void pop(int n) {
        c.lua_settop(l, -n - 1);
    }
}
