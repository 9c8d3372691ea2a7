package io.ferrite.scripting;

import party.iroiro.luajava.Lua;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Moves bytes into Lua as a Lua string, unchanged: luajava pushes Java Strings only (as modified
 * UTF-8), so arbitrary bytes go in as the one string constant of a tiny precompiled Lua 5.1 chunk
 * ({@code return "<bytes>"}), which lua_load copies as it is and running the chunk pushes. Keys and
 * values are bytes, and stay bytes, on their way into a script.
 */
final class LuaStrings {
    /** The Lua 5.1 bytecode header of this build: little-endian, 4-byte int, 8-byte size_t, 4-byte instruction, 8-byte double. */
    private static final byte[] HEADER = {0x1b, 'L', 'u', 'a', 0x51, 0, 1, 4, 8, 4, 8, 0};
    /** LOADK 0 0; RETURN 0 2. */
    private static final int LOADK = 0x00000001;
    private static final int RETURN_ONE = 0x0100001e;
    private static final int OVERHEAD = 128;

    private ByteBuffer chunk = ByteBuffer.allocateDirect(4096).order(ByteOrder.LITTLE_ENDIAN);

    /** Pushes {@code bytes} onto {@code lua}'s stack as a string. */
    void push(Lua lua, byte[] bytes) {
        push(lua, bytes, 0, bytes.length);
    }

    void push(Lua lua, byte[] bytes, int off, int len) {
        ByteBuffer b = buffer(len + OVERHEAD);
        b.put(HEADER);
        b.putLong(0);          // no source name
        b.putInt(0).putInt(0); // line defined, last line defined
        b.put((byte) 0).put((byte) 0).put((byte) 2).put((byte) 2); // upvalues, parameters, vararg, max stack
        b.putInt(2).putInt(LOADK).putInt(RETURN_ONE);
        b.putInt(1).put((byte) 4).putLong(len + 1L).put(bytes, off, len).put((byte) 0);
        b.putInt(0);                      // no nested functions
        b.putInt(0).putInt(0).putInt(0);  // no debug information
        b.flip();
        lua.load(b, "=ferrite");
        lua.pCall(0, 1);
    }

    private ByteBuffer buffer(int size) {
        if (chunk.capacity() < size) {
            chunk = ByteBuffer.allocateDirect(Math.max(size, chunk.capacity() * 2)).order(ByteOrder.LITTLE_ENDIAN);
        }
        chunk.clear();
        return chunk;
    }

    /** The bytes of the string at {@code index}. */
    static byte[] bytes(Lua lua, int index) {
        // a view of Lua's own string, read at once: toBuffer would first copy it into a freshly
        // allocated direct buffer (malloc and a Cleaner per string, the costliest part of redis.call)
        ByteBuffer b = lua.toDirectBuffer(index);
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
