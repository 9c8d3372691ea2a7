package io.ferrite.scripting.lib;

import party.iroiro.luajava.Lua;

/**
 * What the libraries of one Lua state share: the byte-string pusher and the Lua helper that names
 * the function in "bad argument" errors. That name comes from debug information (lauxlib asks
 * lua_getinfo how the C function was called: "encode" for {@code cjson.encode(x)}, "?" through
 * pcall), which Java cannot reach natively, so a small Lua function built at install time asks
 * {@code debug.getinfo} (captured then, as Redis drops the debug global later).
 */
final class LibraryState {
    private static final String ARG_ERROR_HELPER = """
        local getinfo = ...
        return function(narg, extramsg)
          local name, namewhat
          if getinfo then
            local ar = getinfo(2, "n")
            if ar then name, namewhat = ar.name, ar.namewhat end
          end
          if namewhat == "method" then
            narg = narg - 1
            if narg == 0 then
              return "calling '" .. tostring(name) .. "' on bad self (" .. extramsg .. ")"
            end
          end
          return "bad argument #" .. narg .. " to '" .. (name or "?") .. "' (" .. extramsg .. ")"
        end
        """;

    final LuaBytes bytes;
    private final int argErrorRef;

    LibraryState(Lua lua) {
        bytes = new LuaBytes();
        pushDebugGetinfo(lua);
        try {
            lua.load(ARG_ERROR_HELPER);
        } catch (party.iroiro.luajava.LuaException e) {
            throw new IllegalStateException("argument-error helper does not load", e);
        }
        lua.insert(-2);
        try {
            lua.pCall(1, 1);
        } catch (party.iroiro.luajava.LuaException e) {
            throw new IllegalStateException("argument-error helper does not run", e);
        }
        argErrorRef = lua.ref();
    }

    /** Pushes debug.getinfo, or nil when there is no debug library to be had. */
    private static void pushDebugGetinfo(Lua lua) {
        lua.getGlobal("debug");
        boolean opened = false;
        if (!lua.isTable(-1)) {
            lua.pop(1);
            lua.openLibrary("debug");
            lua.getGlobal("debug");
            opened = true;
        }
        if (lua.isTable(-1)) {
            lua.getField(-1, "getinfo");
            lua.remove(-2);
        }
        if (!lua.isFunction(-1)) {
            lua.pop(1);
            lua.pushNil();
        }
        if (opened) {
            lua.pushNil();
            lua.setGlobal("debug");
        }
    }

    /** Leaves the message of {@code e} on top of the (emptied) stack, as lauxlib would have built it. */
    void pushError(CallFrame f, LuaError e) {
        if (e.kind == LuaError.Kind.PROPAGATED) {
            f.c.lua_settop(f.l, 1);
            return;
        }
        f.c.lua_settop(f.l, 0);
        switch (e.kind) {
            case RAW -> f.pushBytes(e.text);
            case LOCATED -> {
                f.c.luaL_where(f.l, 1);
                f.pushBytes(e.text);
                f.c.lua_concat(f.l, 2);
            }
            case PROPAGATED -> { }
            case ARGUMENT -> {
                f.c.luaL_where(f.l, 1);
                f.c.lua_rawgeti(f.l, f.c.getRegistryIndex(), argErrorRef);
                f.c.lua_pushinteger(f.l, e.argument);
                f.pushBytes(e.text);
                if (f.c.lua_pcall(f.l, 2, 1, 0) != 0) {
                    f.c.lua_remove(f.l, -2); // a hook stopped the script inside the helper: its error wins
                    return;
                }
                f.c.lua_concat(f.l, 2);
            }
        }
    }
}
