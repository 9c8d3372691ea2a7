package io.ferrite.scripting.lib;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Pushes arbitrary bytes as Lua strings. luajava 4.0.2 has no lua_pushlstring: its string push goes
 * through JNI's modified UTF-8 and stops at NUL, which is exact only for bytes 0x01..0x7f. Any
 * other string is pushed by loading a tiny chunk {@code return "..."} whose literal escapes only
 * the four bytes Lua 5.1's lexer treats specially (backslash, quote, CR, LF) and keeps every other
 * byte, NUL included, as is. Decoders push all their strings with one chunk returning a table.
 * One instance per Lua state (a state runs on one thread at a time).
 */
final class LuaBytes {
    /** Lua 5.1 allows 2^18 - 1 constants per function; stay well below it per chunk. */
    private static final int STRINGS_PER_CHUNK = 200_000;

    private ByteBuffer chunk = ByteBuffer.allocateDirect(4096);
    private byte[] scratch = new byte[4096];
    private int length;

    void push(CallFrame f, byte[] b, int off, int len) {
        if (isPlainAscii(b, off, len)) {
            f.c.luaJ_pushstring(f.l, new String(b, off, len, StandardCharsets.ISO_8859_1));
            return;
        }
        length = 0;
        append("return ");
        appendLiteral(b, off, len);
        run(f);
    }

    /** Pushes one table holding {@code strings} at 1..n. */
    void pushTable(CallFrame f, List<byte[]> strings) {
        int n = strings.size();
        load(f, strings, 0, Math.min(n, STRINGS_PER_CHUNK));
        for (int from = STRINGS_PER_CHUNK; from < n; from += STRINGS_PER_CHUNK) {
            int to = Math.min(n, from + STRINGS_PER_CHUNK);
            load(f, strings, from, to);
            for (int i = from; i < to; i++) {
                f.c.lua_rawgeti(f.l, -1, i - from + 1);
                f.c.lua_rawseti(f.l, -3, i + 1);
            }
            f.pop(1);
        }
    }

    private void load(CallFrame f, List<byte[]> strings, int from, int to) {
        length = 0;
        append("return{");
        for (int i = from; i < to; i++) {
            byte[] s = strings.get(i);
            appendLiteral(s, 0, s.length);
            append(",");
        }
        append("}");
        run(f);
    }

    private static boolean isPlainAscii(byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) {
            if (b[i] <= 0) {
                return false;
            }
        }
        return true;
    }

    private void append(String ascii) {
        ensure(ascii.length());
        for (int i = 0; i < ascii.length(); i++) {
            scratch[length++] = (byte) ascii.charAt(i);
        }
    }

    private void appendLiteral(byte[] b, int off, int len) {
        ensure(2 * len + 2);
        byte[] out = scratch;
        int n = length;
        out[n++] = '"';
        for (int i = off; i < off + len; i++) {
            byte x = b[i];
            switch (x) {
                case '\\', '"' -> { out[n++] = '\\'; out[n++] = x; }
                case '\n' -> { out[n++] = '\\'; out[n++] = 'n'; }
                case '\r' -> { out[n++] = '\\'; out[n++] = 'r'; }
                default -> out[n++] = x;
            }
        }
        out[n++] = '"';
        length = n;
    }

    private void ensure(int more) {
        if (length + more > scratch.length) {
            long want = Math.max((long) scratch.length * 2, (long) length + more);
            if (want > Integer.MAX_VALUE - 16) {
                throw LuaError.raw("not enough memory");
            }
            scratch = java.util.Arrays.copyOf(scratch, (int) want);
        }
    }

    private void run(CallFrame f) {
        if (chunk.capacity() < length) {
            chunk = ByteBuffer.allocateDirect(Math.max(length, chunk.capacity() * 2));
        }
        chunk.clear();
        chunk.put(scratch, 0, length);
        chunk.flip();
        f.checkStack(2, "string push");
        if (f.c.luaJ_loadbuffer(f.l, chunk, length, "=bytes") != 0 || f.c.lua_pcall(f.l, 0, 1, 0) != 0) {
            f.pop(1);
            throw LuaError.raw("not enough memory");
        }
        if (scratch.length > (1 << 20)) {
            scratch = new byte[4096]; // a huge one-off string must not pin its buffer for the state's life
            chunk = ByteBuffer.allocateDirect(4096);
        }
    }
}
