package io.ferrite.scripting.lib;

/**
 * cmsgpack.pack's encoding of the value on top of the Lua stack (lua_cmsgpack.c): numbers that are
 * exact 64-bit integers use the smallest integer type, other numbers float 32 when that is exact,
 * else float 64; a table whose keys are exactly 1..n is an array, any other a map; tables nested
 * 16 deep and values MessagePack cannot hold (functions, cjson.null...) become nil.
 */
final class MsgpackEncoder {
    private static final int MAX_NESTING = 16;

    private final CallFrame f;
    private final ByteSink out;

    MsgpackEncoder(CallFrame f, ByteSink out) {
        this.f = f;
        this.out = out;
    }

    /** Encodes and pops the value on top of the stack. */
    void encodeTop(int level) {
        int t = f.type(-1);
        if (t == CallFrame.TTABLE && level == MAX_NESTING) {
            t = CallFrame.TNIL;
        }
        switch (t) {
            case CallFrame.TSTRING -> encodeBytes(f.toBytes(-1));
            case CallFrame.TBOOLEAN -> out.write(f.c.lua_toboolean(f.l, -1) != 0 ? 0xc3 : 0xc2);
            case CallFrame.TNUMBER -> encodeNumber(f.toNumber(-1));
            case CallFrame.TTABLE -> {
                if (isArray()) {
                    encodeArray(level);
                } else {
                    encodeMap(level);
                }
            }
            default -> out.write(0xc0);
        }
        f.pop(1);
    }

    private void encodeBytes(byte[] s) {
        int len = s.length;
        if (len < 32) {
            out.write(0xa0 | len);
        } else if (len <= 0xff) {
            out.write(0xd9);
            out.write(len);
        } else if (len <= 0xffff) {
            out.write(0xda);
            out.writeBigEndian(len, 2);
        } else {
            out.write(0xdb);
            out.writeBigEndian(len, 4);
        }
        out.write(s, 0, len);
    }

    private void encodeNumber(double n) {
        if (!Double.isInfinite(n) && CNumbers.toInt64(n) == n) {
            encodeInt(CNumbers.toInt64(n));
            return;
        }
        float fl = (float) n;
        if (n == (double) fl) {
            out.write(0xca);
            out.writeBigEndian(Float.floatToRawIntBits(fl), 4);
        } else {
            out.write(0xcb);
            out.writeBigEndian(Double.doubleToRawLongBits(n), 8);
        }
    }

    private void encodeInt(long n) {
        if (n >= 0) {
            if (n <= 127) {
                out.write((int) n);
            } else if (n <= 0xff) {
                out.write(0xcc);
                out.write((int) n);
            } else if (n <= 0xffff) {
                out.write(0xcd);
                out.writeBigEndian(n, 2);
            } else if (n <= 0xffffffffL) {
                out.write(0xce);
                out.writeBigEndian(n, 4);
            } else {
                out.write(0xcf);
                out.writeBigEndian(n, 8);
            }
        } else if (n >= -32) {
            out.write((int) n);
        } else if (n >= -128) {
            out.write(0xd0);
            out.write((int) n);
        } else if (n >= -32768) {
            out.write(0xd1);
            out.writeBigEndian(n, 2);
        } else if (n >= -2147483648L) {
            out.write(0xd2);
            out.writeBigEndian(n, 4);
        } else {
            out.write(0xd3);
            out.writeBigEndian(n, 8);
        }
    }

    /** table_is_an_array: only positive integer keys (that fit a C int), the largest equal to the count. */
    private boolean isArray() {
        int count = 0;
        int max = 0;
        f.c.lua_pushnil(f.l);
        while (f.c.lua_next(f.l, -2) != 0) {
            f.pop(1);
            double n;
            if (f.type(-1) != CallFrame.TNUMBER || (n = f.toNumber(-1)) <= 0
                    || Double.isInfinite(n) || CNumbers.toInt32(n) != n) {
                f.pop(1);
                return false;
            }
            max = n > max ? (int) n : max;
            count++;
        }
        return max == count;
    }

    private void encodeArray(int level) {
        long len = f.c.lua_objlen(f.l, -1);
        writeHeader(len, 0x90, 0xdc, 0xdd);
        for (long j = 1; j <= len; j++) {
            f.c.lua_rawgeti(f.l, -1, (int) j);
            encodeTop(level + 1);
        }
    }

    private void encodeMap(int level) {
        long len = 0;
        f.checkStack(3, "in function mp_encode_lua_table_as_map");
        f.c.lua_pushnil(f.l);
        while (f.c.lua_next(f.l, -2) != 0) {
            f.pop(1);
            len++;
        }
        writeHeader(len, 0x80, 0xde, 0xdf);
        f.c.lua_pushnil(f.l);
        while (f.c.lua_next(f.l, -2) != 0) {
            f.c.lua_pushvalue(f.l, -2);
            encodeTop(level + 1);
            encodeTop(level + 1);
        }
    }

    private void writeHeader(long n, int fix, int sixteen, int thirtyTwo) {
        if (n <= 15) {
            out.write(fix | (int) n);
        } else if (n <= 65535) {
            out.write(sixteen);
            out.writeBigEndian(n, 2);
        } else {
            out.write(thirtyTwo);
            out.writeBigEndian(n, 4);
        }
    }
}
