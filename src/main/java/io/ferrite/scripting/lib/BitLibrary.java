package io.ferrite.scripting.lib;

import party.iroiro.luajava.Lua;

/**
 * LuaBitOp 1.0.2 ({@code bit}), as Redis links it: arguments are Lua numbers (doubles) reduced to
 * 32 bits by adding 2^52 + 2^51 and keeping the low word of the sum's bit pattern (so 2^32 + 5 is
 * 5 and 1.5 rounds to even), results are signed 32-bit numbers.
 */
final class BitLibrary {
    private static final double MAGIC = 6755399441055744.0;

    private BitLibrary() {
    }

    static void install(Lua lua, LibraryState state) {
        lua.newTable();
        set(lua, state, "tobit", f -> ret(f, arg(f, 1)));
        set(lua, state, "bnot", f -> ret(f, ~arg(f, 1)));
        set(lua, state, "band", f -> fold(f, 0));
        set(lua, state, "bor", f -> fold(f, 1));
        set(lua, state, "bxor", f -> fold(f, 2));
        set(lua, state, "lshift", f -> ret(f, arg(f, 1) << (arg(f, 2) & 31)));
        set(lua, state, "rshift", f -> ret(f, arg(f, 1) >>> (arg(f, 2) & 31)));
        set(lua, state, "arshift", f -> ret(f, arg(f, 1) >> (arg(f, 2) & 31)));
        set(lua, state, "rol", f -> ret(f, Integer.rotateLeft(arg(f, 1), arg(f, 2) & 31)));
        set(lua, state, "ror", f -> ret(f, Integer.rotateRight(arg(f, 1), arg(f, 2) & 31)));
        set(lua, state, "bswap", f -> ret(f, Integer.reverseBytes(arg(f, 1))));
        set(lua, state, "tohex", BitLibrary::tohex);
        lua.setGlobal("bit");
    }

    private static void set(Lua lua, LibraryState state, String name, LibFunction.Body body) {
        lua.push(new LibFunction(state, body));
        lua.setField(-2, name);
    }

    /** barg: the low 32 bits of (n + 2^52 + 2^51); a zero from a non-number is a type error. */
    static int arg(CallFrame f, int idx) {
        double n = f.toNumber(idx);
        int b = (int) Double.doubleToRawLongBits(n + MAGIC);
        if (b == 0 && !f.isNumber(idx)) {
            throw f.typeError(idx, "number");
        }
        return b;
    }

    private static int ret(CallFrame f, int b) {
        f.pushNumber(b);
        return 1;
    }

    private static int fold(CallFrame f, int op) {
        int b = arg(f, 1);
        for (int i = f.top(); i > 1; i--) {
            int x = arg(f, i);
            b = op == 0 ? b & x : op == 1 ? b | x : b ^ x;
        }
        return ret(f, b);
    }

    private static int tohex(CallFrame f) {
        int b = arg(f, 1);
        int n = f.type(2) == CallFrame.TNONE ? 8 : arg(f, 2);
        String digits = "0123456789abcdef";
        if (n < 0) {
            n = -n;
            digits = "0123456789ABCDEF";
        }
        if (n > 8 || n < 0) {
            n = 8; // -INT_MIN overflows in C; Redis's build then prints 8 digits, as here
        }
        char[] buf = new char[n];
        for (int i = n; --i >= 0; ) {
            buf[i] = digits.charAt(b & 15);
            b >>>= 4;
        }
        f.pushAscii(new String(buf));
        return 1;
    }
}
