package io.ferrite.scripting.lib;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Pushes arbitrary bytes as Lua strings. luajava 4.0.2 has no lua_pushlstring: its string push goes
 * through JNI's modified UTF-8 and stops at NUL, which is exact only for bytes 0x01..0x7f. A string
 * made of few pieces (runs of such bytes, and single other bytes taken from a table of the 256
 * one-byte strings) is pushed piece by piece and joined with lua_concat; any other is pushed by
 * loading a tiny chunk {@code return "..."} whose literal escapes only the four bytes Lua 5.1's
 * lexer treats specially (backslash, quote, CR, LF) and keeps every other byte, NUL included.
 * Decoders push many strings with one chunk returning a table. One instance per Lua state (a state
 * runs on one thread at a time).
 */
final class LuaBytes {
    /** Lua 5.1 allows 2^18 - 1 constants per function; stay well below it per chunk. */
    private static final int STRINGS_PER_CHUNK = 200_000;
    /** Above this many pieces, parsing one chunk is cheaper than a JNI call per piece. */
    static final int MAX_PIECES = 48;

    /**
     * Registry reference of the table t[0..255] of one-byte strings, made on first need: it is a
     * fifth of a fresh state's heap, which scripts that never push such bytes should not carry.
     */
    private int byteStrings = NOT_MADE;
    private static final int NOT_MADE = -1;

    private ByteBuffer chunk = ByteBuffer.allocateDirect(4096);
    private byte[] scratch = new byte[4096];
    private int length;

    LuaBytes() {
    }

    /** Lua source of the table of the 256 one-byte strings (decimal escapes: the source is ASCII). */
    private static String byteStringsChunk() {
        StringBuilder sb = new StringBuilder("return {");
        for (int i = 0; i < 256; i++) {
            sb.append("[").append(i).append("]=\"\\").append(i).append("\",");
        }
        return sb.append("}").toString();
    }

    void push(CallFrame f, byte[] b, int off, int len) {
        int pieces = pieces(b, off, len, MAX_PIECES + 1);
        if (pieces == 0 || (pieces == 1 && b[off] > 0)) {
            f.c.luaJ_pushstring(f.l, new String(b, off, len, StandardCharsets.ISO_8859_1));
            return;
        }
        if (pieces <= MAX_PIECES && f.c.lua_checkstack(f.l, pieces + 2) != 0) {
            pushPieces(f, b, off, len, pieces);
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

    /** How many pieces (runs of bytes 0x01..0x7f, single other bytes) make b[off..off+len), up to limit. */
    static int pieces(byte[] b, int off, int len, int limit) {
        int n = 0;
        int i = off;
        int end = off + len;
        while (i < end && n < limit) {
            if (b[i] > 0) {
                while (i < end && b[i] > 0) {
                    i++;
                }
            } else {
                i++;
            }
            n++;
        }
        return n;
    }

    private void pushPieces(CallFrame f, byte[] b, int off, int len, int pieces) {
        if (byteStrings == NOT_MADE) {
            length = 0;
            append(byteStringsChunk());
            run(f);
            byteStrings = f.c.luaL_ref(f.l, f.c.getRegistryIndex());
        }
        f.c.lua_rawgeti(f.l, f.c.getRegistryIndex(), byteStrings);
        int table = f.c.lua_gettop(f.l);
        int i = off;
        int end = off + len;
        while (i < end) {
            if (b[i] > 0) {
                int start = i;
                while (i < end && b[i] > 0) {
                    i++;
                }
                f.c.luaJ_pushstring(f.l, new String(b, start, i - start, StandardCharsets.ISO_8859_1));
            } else {
                f.c.lua_rawgeti(f.l, table, b[i++] & 0xff);
            }
        }
        f.c.lua_concat(f.l, pieces);
        f.c.lua_remove(f.l, table);
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
            // out of memory, or a debug hook (a script timeout) raised inside the chunk: pass it on
            f.c.lua_replace(f.l, 1);
            throw LuaError.propagated();
        }
        if (scratch.length > (1 << 20)) {
            scratch = new byte[4096]; // a huge one-off string must not pin its buffer for the state's life
            chunk = ByteBuffer.allocateDirect(4096);
        }
    }
}
