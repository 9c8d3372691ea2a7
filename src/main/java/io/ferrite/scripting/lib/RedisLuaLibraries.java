package io.ferrite.scripting.lib;

import party.iroiro.luajava.Lua;

/**
 * The C libraries Redis 7.0 links into its Lua 5.1 (cjson, cmsgpack, struct, bit), which plain
 * Lua 5.1 lacks: installed as globals into every scripting Lua state. They are written in Java
 * against Lua's C API (luajava's natives) and match Redis 7.0.15's results and error texts; see
 * each library's class for what it reproduces.
 */
public final class RedisLuaLibraries {
    private RedisLuaLibraries() {
    }

    /**
     * Sets the globals {@code cjson}, {@code cmsgpack}, {@code struct} and {@code bit} in
     * {@code lua}. Call before the globals are protected: it sets globals, and it captures
     * {@code debug.getinfo} (opening the debug library briefly if it is not loaded) to name
     * functions in argument errors, so the debug global may be removed afterwards, as Redis does.
     */
    public static void install(Lua lua) {
        LibraryState state = new LibraryState(lua);
        CjsonLibrary.install(lua, state);
        StructLibrary.install(lua, state);
        CmsgpackLibrary.install(lua, state);
        BitLibrary.install(lua, state);
    }
}
