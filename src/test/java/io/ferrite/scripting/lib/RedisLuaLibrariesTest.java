package io.ferrite.scripting.lib;

import org.junit.jupiter.api.Test;
import party.iroiro.luajava.lua51.Lua51;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** What the scripting engine relies on when it installs the libraries, beyond Redis's answers. */
class RedisLuaLibrariesTest {
    private static String run(Lua51 lua, String script) {
        return new String(LuaDifferential.runInFerrite(lua, script), StandardCharsets.ISO_8859_1);
    }

    @Test
    void installsIntoAStateWithoutTheDebugLibraryAndLeavesItAbsent() {
        try (Lua51 lua = new Lua51()) {
            lua.openLibrary("base");
            lua.openLibrary("string");
            RedisLuaLibraries.install(lua);
            assertThat(run(lua, "return type(debug) .. ' ' .. cjson.encode({1, 'a'}) .. ' ' .. bit.tohex(255, 2)"))
                .isEqualTo("nil [1,\"a\"] ff");
            assertThat(run(lua, "local ok, e = pcall(function() return cjson.encode() end) return e"))
                .isEqualTo("user_script:1: bad argument #1 to 'encode' (expected 1 argument)");
        }
    }

    @Test
    void argumentErrorsStillNameTheFunctionAfterDebugIsRemoved() {
        try (Lua51 lua = LuaDifferential.ferriteState()) {
            lua.run("debug = nil");
            assertThat(run(lua, "local t = {f = bit.tobit} local ok, e = pcall(function() return t:f() end) return e"))
                .isEqualTo("user_script:1: calling 'f' on bad self (number expected, got table)");
            assertThat(run(lua, "local ok, e = pcall(struct.unpack, 'b', 'x', 0) return e"))
                .isEqualTo("bad argument #3 to '?' (offset must be 1 or greater)");
        } catch (party.iroiro.luajava.LuaException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void worksInsideCoroutines() {
        try (Lua51 lua = LuaDifferential.ferriteState()) {
            assertThat(run(lua, "return coroutine.wrap(function() coroutine.yield(cjson.encode(cmsgpack.unpack("
                + "cmsgpack.pack({1, 2, 'x'})))) end)()")).isEqualTo("[1,2,\"x\"]");
            assertThat(run(lua, "local co = coroutine.create(function() return pcall(cjson.decode, '[1,') end) "
                + "local _, ok, e = coroutine.resume(co) return e"))
                .isEqualTo("Expected value but found T_END at character 4");
        }
    }

    /**
     * luajava clears the global __jthrowable__ after every Java function call and reads it after a
     * failed run: a globals table protected as Redis protects it must let that one name through.
     */
    @Test
    void worksWithProtectedGlobalsThatLetLuajavasErrorSlotThrough() throws Exception {
        try (Lua51 lua = LuaDifferential.ferriteState()) {
            lua.run("rawset(_G, 'ARGV', {}) setmetatable(_G, {"
                + "__newindex = function(t, k, v) if k == '__jthrowable__' then rawset(t, k, v) return end "
                + "error('Script attempted to create global variable ' .. tostring(k), 2) end, "
                + "__index = function(t, k) if k == '__jthrowable__' then return nil end "
                + "error('Script attempted to access nonexistent global variable ' .. tostring(k), 2) end})");
            lua.load("return cjson.encode({a = struct.unpack('>h', struct.pack('>h', -2))}) .. tostring(pcall(cjson.decode, 'x'))");
            lua.pCall(0, 1);
            assertThat(lua.toString(-1)).isEqualTo("{\"a\":-2}false");
        }
    }

    /** A script stopped by a debug hook while a library runs Lua internally stays stopped, with its error. */
    @Test
    void anErrorFromAHookInsideALibraryPassesThrough() {
        try (Lua51 lua = LuaDifferential.ferriteState()) {
            assertThat(run(lua, "local s = '' for i = 0, 255 do s = s .. string.char(i) end "
                + "debug.sethook(function() local i = debug.getinfo(2, 'S') "
                + "if i and i.source == '=bytes' then debug.sethook() error('stopped by hook', 0) end end, '', 1) "
                + "local ok, e = pcall(cmsgpack.pack, s) debug.sethook() return tostring(ok) .. ' ' .. tostring(e)"))
                .isEqualTo("false stopped by hook");
        }
    }

    @Test
    void decodesMoreStringsThanOneChunkHolds() {
        try (Lua51 lua = LuaDifferential.ferriteState()) {
            assertThat(run(lua, "local t = cjson.decode('[' .. string.rep('\"\\\\u00e9\\\\u0000\",', 250000) .. '\"end\"]') "
                + "return #t .. ' ' .. tostring(t[1] == '\\195\\169\\0') .. ' ' .. tostring(t[250000] == t[1]) .. ' ' .. t[250001]"))
                .isEqualTo("250001 true true end");
        }
    }

    @Test
    void everyCjsonTableFromNewHasItsOwnSettings() {
        try (Lua51 lua = LuaDifferential.ferriteState()) {
            assertThat(run(lua, "local a, b = cjson.new(), cjson.new() a.encode_number_precision(2) "
                + "return a.encode(1/3) .. ' ' .. b.encode(1/3) .. ' ' .. cjson.encode(1/3)"))
                .isEqualTo("0.33 0.33333333333333 0.33333333333333");
            assertThat(run(lua, "cjson.encode_max_depth(2) local ok = pcall(cjson.encode, {{{}}}) "
                + "cjson.encode_max_depth(1000) return tostring(ok) .. ' ' .. cjson.encode({{{}}})"))
                .isEqualTo("false [[{}]]");
        }
    }
}
