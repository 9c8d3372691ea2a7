package io.ferrite.scripting;

import org.junit.jupiter.api.Test;
import party.iroiro.luajava.Lua;
import party.iroiro.luajava.lua51.Lua51;
import party.iroiro.luajava.lua51.Lua51Natives;

import java.nio.ByteBuffer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stripped chunks run as the originals do, without line numbers or local names; the scripting
 * environment built from its stripped code stays under the 100 KB of Lua heap Redis's own suite
 * allows a fresh state ("EVAL does not leak in the Lua stack").
 */
class LuaChunksTest {
    private static final String CODE = """
        local function add(a, b) local sum = a + b return sum end
        local t = {n = 1.5, s = 'x\\0y', yes = true, none = nil}
        return add(2, 3), t.n, #t.s, t.yes, debug.getinfo(add, 'S').source, debug.getinfo(1, 'l').currentline
        """;

    private static long heap(Lua lua) {
        Lua51Natives c = (Lua51Natives) lua.getLuaNatives();
        c.lua_gc(lua.getPointer(), 2, 0);
        return c.lua_gc(lua.getPointer(), 3, 0) * 1024L + c.lua_gc(lua.getPointer(), 4, 0);
    }

    private static ByteBuffer direct(byte[] b) {
        ByteBuffer buf = ByteBuffer.allocateDirect(b.length);
        buf.put(b).flip();
        return buf;
    }

    @Test
    void aStrippedChunkRunsAsTheOriginalWithoutItsDebugInformation() throws Exception {
        try (Lua lua = new Lua51()) {
            lua.openLibrary("debug");
            lua.load(direct(CODE.getBytes()), "=chunk");
            int full = lua.dump().remaining();
            byte[] stripped = LuaChunks.stripped(lua.dump());
            lua.pop(1);
            assertThat(stripped.length).isLessThan(full);

            lua.load(direct(stripped), "=chunk");
            lua.pCall(0, 6);
            assertThat(lua.toNumber(1)).isEqualTo(5.0);
            assertThat(lua.toNumber(2)).isEqualTo(1.5);
            assertThat(lua.toNumber(3)).isEqualTo(3.0);
            assertThat(lua.toBoolean(4)).isTrue();
            // nested functions take the main function's source name; no line is known any more
            // (0: luaL_where then adds no position, as for a C function)
            assertThat(lua.toString(5)).isEqualTo("=chunk");
            assertThat(lua.toNumber(6)).isEqualTo(0.0);
        }
    }

    @Test
    void aFreshEnvironmentHoldsUnderAHundredKilobytes() {
        LuaEnvironment env = new LuaEnvironment();
        try {
            assertThat(env.memory()).isLessThan(100 * 1024L);
        } finally {
            env.close();
        }
    }

    @Test
    void aChunkOfAnotherLayoutIsRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> LuaChunks.stripped(ByteBuffer.wrap(new byte[12])))
            .isInstanceOf(IllegalArgumentException.class);
    }
}
