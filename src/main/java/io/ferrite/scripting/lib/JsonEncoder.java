package io.ferrite.scripting.lib;

import java.util.Arrays;

/**
 * cjson.encode (lua_cjson.c) walking the Lua value through the C API, without Java recursion: an
 * explicit stack of open tables while the Lua stack holds the same slots the C encoder holds, so
 * lua_checkstack answers as it does in Redis. Numbers print with %.14g, '/' is escaped as "\/",
 * other bytes above 0x1f pass unchanged (no UTF-8 validation), a table is an array when every key
 * is a positive integer (an empty table is the object {}), and an excessively sparse array is an
 * error unless encode_sparse_array converts it.
 */
final class JsonEncoder {
    private static final byte[][] ESCAPES = new byte[256][];

    static {
        for (int c = 0; c < 0x20; c++) {
            ESCAPES[c] = String.format("\\u%04x", c).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        }
        ESCAPES['\b'] = LuaError.ascii("\\b");
        ESCAPES['\t'] = LuaError.ascii("\\t");
        ESCAPES['\n'] = LuaError.ascii("\\n");
        ESCAPES['\f'] = LuaError.ascii("\\f");
        ESCAPES['\r'] = LuaError.ascii("\\r");
        ESCAPES['"'] = LuaError.ascii("\\\"");
        ESCAPES['\\'] = LuaError.ascii("\\\\");
        ESCAPES['/'] = LuaError.ascii("\\/");
        ESCAPES[0x7f] = LuaError.ascii("\\u007f");
    }

    private final CallFrame f;
    private final CjsonConfig cfg;
    private final ByteSink out;
    /** Per open table: its array length, or -1 for an object. */
    private int[] lengths = new int[16];
    /** Per open array: the next index to write. */
    private int[] cursors = new int[16];
    private int depth;

    JsonEncoder(CallFrame f, CjsonConfig cfg, ByteSink out) {
        this.f = f;
        this.cfg = cfg;
        this.out = out;
    }

    /** Encodes the value on top of the stack. */
    void encode() {
        if (value()) {
            return;
        }
        while (depth > 0) {
            int d = depth - 1;
            boolean next;
            if (lengths[d] >= 0) {
                int i = cursors[d]++;
                if (i > lengths[d]) {
                    out.write(']');
                    next = false;
                } else {
                    if (i > 1) {
                        out.write(',');
                    }
                    f.c.lua_rawgeti(f.l, -1, i);
                    next = true;
                }
            } else {
                next = objectEntry(cursors[d]++ > 0);
            }
            if (!next) {
                depth--;
                if (depth > 0) {
                    f.pop(1); // the finished table was its parent's element or entry value
                }
                continue;
            }
            if (value()) {
                f.pop(1);
            }
        }
    }

    /** Writes the value on top; false when it opened a table (still on the stack). */
    private boolean value() {
        int type = f.type(-1);
        switch (type) {
            case CallFrame.TSTRING -> string(f.toBytes(-1));
            case CallFrame.TNUMBER -> number(-1);
            case CallFrame.TBOOLEAN -> out.writeAscii(f.c.lua_toboolean(f.l, -1) != 0 ? "true" : "false");
            case CallFrame.TNIL -> out.writeAscii("null");
            case CallFrame.TTABLE -> {
                openTable();
                return false;
            }
            default -> {
                if (type == CallFrame.TLIGHTUSERDATA && f.c.lua_touserdata(f.l, -1) == 0) {
                    out.writeAscii("null");
                } else {
                    throw cannot(-1, "type not supported");
                }
            }
        }
        return true;
    }

    private void openTable() {
        int d = depth + 1;
        if (d > cfg.encodeMaxDepth || f.c.lua_checkstack(f.l, 3) == 0) {
            throw LuaError.located("Cannot serialise, excessive nesting (" + d + ")");
        }
        int len = arrayLength();
        if (depth == lengths.length) {
            lengths = Arrays.copyOf(lengths, depth * 2);
            cursors = Arrays.copyOf(cursors, depth * 2);
        }
        depth = d;
        if (len > 0) {
            out.write('[');
            lengths[d - 1] = len;
            cursors[d - 1] = 1;
        } else {
            out.write('{');
            lengths[d - 1] = -1;
            cursors[d - 1] = 0;
            f.c.lua_pushnil(f.l);
        }
    }

    /**
     * lua_array_length: the largest key when every key is a number >= 1 without fraction, else -1;
     * the largest key is kept in a C int (a key past 2^31 turns it into INT_MIN, so the table
     * encodes as an object).
     */
    private int arrayLength() {
        int max = 0;
        int items = 0;
        f.c.lua_pushnil(f.l);
        while (f.c.lua_next(f.l, -2) != 0) {
            double k;
            if (f.type(-2) == CallFrame.TNUMBER && (k = f.toNumber(-2)) != 0 && Math.floor(k) == k && k >= 1) {
                if (k > max) {
                    max = CNumbers.toInt32(k);
                }
                items++;
                f.pop(1);
                continue;
            }
            f.pop(2);
            return -1;
        }
        if (cfg.sparseRatio > 0 && max > items * cfg.sparseRatio && max > cfg.sparseSafe) {
            if (!cfg.sparseConvert) {
                throw cannot(-1, "excessively sparse array");
            }
            return -1;
        }
        return max;
    }

    /** The next key/value of the object on the stack (table, key): writes the key, leaves the value. */
    private boolean objectEntry(boolean comma) {
        if (f.c.lua_next(f.l, -2) == 0) {
            out.write('}');
            return false;
        }
        if (comma) {
            out.write(',');
        }
        int keyType = f.type(-2);
        if (keyType == CallFrame.TNUMBER) {
            out.write('"');
            number(-2);
            out.write('"');
            out.write(':');
        } else if (keyType == CallFrame.TSTRING) {
            string(f.toBytes(-2));
            out.write(':');
        } else {
            throw cannot(-2, "table key must be a number or string");
        }
        return true;
    }

    private void number(int idx) {
        double n = f.toNumber(idx);
        boolean invalid = Double.isInfinite(n) || Double.isNaN(n);
        if (cfg.encodeInvalidNumbers == 0) {
            if (invalid) {
                throw cannot(idx, "must not be NaN or Inf");
            }
        } else if (cfg.encodeInvalidNumbers == 1) {
            if (Double.isNaN(n)) {
                out.writeAscii("nan");
                return;
            }
        } else if (invalid) {
            out.writeAscii("null");
            return;
        }
        out.writeAscii(CNumbers.formatG(n, cfg.encodeNumberPrecision));
    }

    private void string(byte[] s) {
        out.write('"');
        int run = 0;
        for (int i = 0; i < s.length; i++) {
            byte[] esc = ESCAPES[s[i] & 0xff];
            if (esc != null) {
                out.write(s, run, i - run);
                out.write(esc, 0, esc.length);
                run = i + 1;
            }
        }
        out.write(s, run, s.length - run);
        out.write('"');
    }

    private LuaError cannot(int idx, String reason) {
        return LuaError.located("Cannot serialise " + CallFrame.typeName(f.type(idx)) + ": " + reason);
    }
}
