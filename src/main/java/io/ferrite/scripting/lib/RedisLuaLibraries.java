package io.ferrite.scripting.lib;

import party.iroiro.luajava.Lua;

/**
 * The C libraries Redis 7.0 links into its Lua 5.1 (cjson, cmsgpack, struct, bit), which plain
 * Lua 5.1 lacks: installed as globals into every scripting Lua state.
 */
public final class RedisLuaLibraries {
    private RedisLuaLibraries() {
    }

    /** Sets the globals {@code cjson}, {@code cmsgpack}, {@code struct} and {@code bit} in {@code lua}. */
    public static void install(Lua lua) {
        // The libraries arrive with their own work (this seam lets the scripting engine call it meanwhile).
    }
}
