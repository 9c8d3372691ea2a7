package io.ferrite.scripting.lib;

import java.util.ArrayDeque;

/**
 * cmsgpack's decoding (lua_cmsgpack.c) of one value at a time from a byte cursor, without Java
 * recursion. Integers become Lua numbers as the C code pushes them (a uint 64 above 2^63 goes
 * through lua_pushinteger and comes out negative); bin, ext and 0xc1 are "bad data format".
 * Lua's C-stack budget is simulated slot for slot (a table costs one slot per nesting level, an
 * array element one more for its index), so deep or wide input fails with Redis's "stack
 * overflow" at the same point, and nothing is allocated ahead of the bytes actually present.
 */
final class MsgpackDecoder {
    /** Why decoding stopped short: the C cursor's error codes. */
    static final class CursorError extends RuntimeException {
        final boolean missingBytes;

        CursorError(boolean missingBytes) {
            super(null, null, false, false);
            this.missingBytes = missingBytes;
        }
    }

    private static final CursorError EOF = new CursorError(true);
    private static final CursorError BAD_FORMAT = new CursorError(false);

    /** A table being filled: entries still expected, and a map's pending key. */
    private static final class Open {
        final DecodedTree.Table table;
        long remaining;
        boolean indexPushed;
        Object key;
        boolean haveKey;

        Open(DecodedTree.Table table, long remaining) {
            this.table = table;
            this.remaining = remaining;
        }
    }

    final DecodedTree tree = new DecodedTree();
    private final byte[] s;
    private int p;
    /** Lua stack slots the C decoder would be using in its frame (lua_gettop). */
    int used;

    MsgpackDecoder(byte[] s, int offset, int usedSlots) {
        this.s = s;
        this.p = offset;
        this.used = usedSlots;
    }

    int left() {
        return s.length - p;
    }

    int position() {
        return p;
    }

    /** One complete value (it then occupies one more stack slot). */
    Object next() {
        ArrayDeque<Open> open = new ArrayDeque<>();
        Object value = item(open);
        while (true) {
            if (value == null) {
                Open o = open.peek();
                if (o.remaining == 0) {
                    open.pop();
                    value = o.table;
                    continue;
                }
                if (o.table.sequence && !o.indexPushed) {
                    used++; // lua_pushnumber(L, index)
                    o.indexPushed = true;
                }
                value = item(open);
                continue;
            }
            Open parent = open.peek();
            if (parent == null) {
                return value;
            }
            if (parent.table.sequence) {
                parent.table.items.add(value);
                parent.indexPushed = false;
                parent.remaining--;
                used -= 2;
            } else if (!parent.haveKey) {
                parent.key = value;
                parent.haveKey = true;
            } else {
                if (parent.key == DecodedTree.NIL) {
                    throw LuaError.raw("table index is nil");
                }
                if (parent.key instanceof Double d && d.isNaN()) {
                    throw LuaError.raw("table index is NaN");
                }
                parent.table.items.add(parent.key);
                parent.table.items.add(value);
                parent.haveKey = false;
                parent.key = null;
                parent.remaining--;
                used -= 2;
            }
            value = null;
        }
    }

    /** mp_decode_to_lua_type: a scalar, or null after opening a table (pushed on {@code open}). */
    private Object item(ArrayDeque<Open> open) {
        need(1);
        if (used + 1 > CallFrame.MAX_C_STACK) {
            throw LuaError.located("stack overflow (too many return values at once; "
                + "use unpack_one or unpack_limit instead.)");
        }
        int b = s[p] & 0xff;
        used++;
        switch (b) {
            case 0xcc: need(2); p += 2; return (double) u8(p - 1);
            case 0xd0: need(2); p += 2; return (double) s[p - 1];
            case 0xcd: need(3); p += 3; return (double) be(p - 2, 2);
            case 0xd1: need(3); p += 3; return (double) (short) be(p - 2, 2);
            case 0xce: need(5); p += 5; return (double) be(p - 4, 4);
            case 0xd2: need(5); p += 5; return (double) (int) be(p - 4, 4);
            case 0xcf, 0xd3: need(9); p += 9; return (double) be(p - 8, 8);
            case 0xc0: p++; return DecodedTree.NIL;
            case 0xc3: p++; return Boolean.TRUE;
            case 0xc2: p++; return Boolean.FALSE;
            case 0xca: need(5); p += 5; return (double) Float.intBitsToFloat((int) be(p - 4, 4));
            case 0xcb: need(9); p += 9; return Double.longBitsToDouble(be(p - 8, 8));
            case 0xd9: need(2); return string(2, u8(p + 1));
            case 0xda: need(3); return string(3, be(p + 1, 2));
            case 0xdb: need(5); return string(5, be(p + 1, 4));
            case 0xdc: need(3); return table(open, true, be(p + 1, 2), 3);
            case 0xdd: need(5); return table(open, true, be(p + 1, 4), 5);
            case 0xde: need(3); return table(open, false, be(p + 1, 2), 3);
            case 0xdf: need(5); return table(open, false, be(p + 1, 4), 5);
            default:
                if ((b & 0x80) == 0) {
                    p++;
                    return (double) b;
                } else if ((b & 0xe0) == 0xe0) {
                    p++;
                    return (double) (byte) b;
                } else if ((b & 0xe0) == 0xa0) {
                    return string(1, b & 0x1f);
                } else if ((b & 0xf0) == 0x90) {
                    return table(open, true, b & 0xf, 1);
                } else if ((b & 0xf0) == 0x80) {
                    return table(open, false, b & 0xf, 1);
                }
                used--;
                throw BAD_FORMAT;
        }
    }

    private Object string(int header, long len) {
        if (left() - header < len) {
            throw EOF;
        }
        byte[] str = java.util.Arrays.copyOfRange(s, p + header, p + header + (int) len);
        p += header + (int) len;
        return tree.string(str);
    }

    private Object table(ArrayDeque<Open> open, boolean sequence, long len, int header) {
        p += header;
        DecodedTree.Table t = new DecodedTree.Table(sequence);
        if (sequence && used + 1 > CallFrame.MAX_C_STACK) {
            throw LuaError.located("stack overflow (in function mp_decode_to_lua_array)");
        }
        open.push(new Open(t, len));
        return null;
    }

    private void need(int n) {
        if (left() < n) {
            throw EOF;
        }
    }

    private int u8(int at) {
        return s[at] & 0xff;
    }

    private long be(int at, int n) {
        long v = 0;
        for (int i = 0; i < n; i++) {
            v = (v << 8) | (s[at + i] & 0xff);
        }
        return v;
    }
}
