/**
 * The C libraries Redis 7.0 links into its Lua 5.1 ({@code cjson}, {@code cmsgpack},
 * {@code struct}, {@code bit}), rewritten in Java against Lua's C API as luajava exposes it, and
 * checked byte for byte against redis-server 7.0.15 (LuaLibrariesDifferentialTest).
 *
 * <p>How a call runs: each library function is a luajava JFunction ({@link
 * io.ferrite.scripting.lib.LibFunction}), so Lua sees a C function, with C's stack frame, and
 * lauxlib's error texts can be rebuilt exactly: {@code luaL_where} comes from the native API,
 * the function's name in "bad argument" errors from {@code debug.getinfo}. The C code's
 * lua_checkstack limits (LUAI_MAXCSTACK, 8000 slots per C frame) are honoured or simulated slot
 * for slot, so deep input fails where it fails in Redis. Decoders read all their input in Java
 * first, then build the Lua values in the C decoders' insertion order (so {@code next} walks the
 * tables as in Redis).
 *
 * <p>Bytes stay bytes: strings leave Lua through lua_tolstring's memory (no charset), and enter
 * it through {@link io.ferrite.scripting.lib.LuaBytes}, since luajava 4.0.2 has no
 * lua_pushlstring.
 *
 * <p>Threads: everything here belongs to one Lua state, and a Lua state runs on one thread at a
 * time; nothing is shared between states.
 *
 * <p>For the scripting engine: luajava clears the global {@code __jthrowable__} after every Java
 * function returns and reads it when a run fails, so a globals table protected as Redis protects
 * it must let that one name through (rawset/rawget), or every library call fails and a failed run
 * aborts the JVM.
 */
package io.ferrite.scripting.lib;
