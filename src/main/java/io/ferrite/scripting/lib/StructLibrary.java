package io.ferrite.scripting.lib;

import party.iroiro.luajava.Lua;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Roberto Ierusalimschy's {@code struct} library as Redis 7.0 links it (lua_struct.c), for x86-64:
 * native little-endian, long and size_t of 8 bytes, int of 4, maximum alignment 8. Formats:
 * {@code < > !n} (endianness, alignment), {@code x b B h H l L T in In f d cn s}, blanks ignored.
 */
final class StructLibrary {
    private static final int MAX_INT_SIZE = 32;
    private static final int MAX_ALIGN = 8;

    private StructLibrary() {
    }

    static void install(Lua lua, LibraryState state) {
        lua.newTable();
        set(lua, state, "pack", StructLibrary::pack);
        set(lua, state, "unpack", StructLibrary::unpack);
        set(lua, state, "size", StructLibrary::size);
        lua.setGlobal("struct");
    }

    private static void set(Lua lua, LibraryState state, String name, LibFunction.Body body) {
        lua.push(new LibFunction(state, body));
        lua.setField(-2, name);
    }

    /** The parsing state of a format string: position, byte order, alignment. */
    private static final class Format {
        final byte[] fmt;
        int pos;
        boolean little = true;
        int align = 1;

        Format(byte[] fmt) {
            int end = 0;
            while (end < fmt.length && fmt[end] != 0) {
                end++; // luaL_checkstring hands C a NUL-terminated string
            }
            this.fmt = java.util.Arrays.copyOf(fmt, end);
        }

        boolean more() {
            return pos < fmt.length;
        }

        int next() {
            return fmt[pos++]; // a signed char, as in C
        }

        int number(int dflt) {
            if (!more() || !CNumbers.isDigit(fmt[pos])) {
                return dflt;
            }
            int a = 0;
            do {
                int d = fmt[pos] - '0';
                if (a > Integer.MAX_VALUE / 10 || a * 10 > Integer.MAX_VALUE - d) {
                    throw LuaError.located("integral size overflow");
                }
                a = a * 10 + d;
                pos++;
            } while (more() && CNumbers.isDigit(fmt[pos]));
            return a;
        }

        long size(int opt) {
            switch (opt) {
                case 'B', 'b', 'x':
                    return 1;
                case 'H', 'h':
                    return 2;
                case 'f':
                    return 4;
                case 'L', 'l', 'T', 'd':
                    return 8;
                case 'c':
                    return number(1);
                case 'i', 'I': {
                    int sz = number(4);
                    if (sz > MAX_INT_SIZE) {
                        throw LuaError.located("integral size " + sz + " is larger than limit of " + MAX_INT_SIZE);
                    }
                    return sz;
                }
                default:
                    return 0;
            }
        }

        long toAlign(long len, int opt, long size) {
            if (size == 0 || opt == 'c') {
                return 0;
            }
            if (size > align) {
                size = align;
            }
            return (size - (len & (size - 1))) & (size - 1);
        }

        void control(int opt) {
            switch (opt) {
                case ' ' -> { }
                case '>' -> little = false;
                case '<' -> little = true;
                case '!' -> {
                    int a = number(MAX_ALIGN);
                    if (a <= 0 || (a & (a - 1)) != 0) {
                        throw LuaError.located("alignment " + a + " is not a power of 2");
                    }
                    align = a;
                }
                default -> {
                    byte[] msg = LuaError.ascii("invalid format option 'X'");
                    msg[msg.length - 2] = (byte) opt;
                    throw LuaError.argument(1, msg);
                }
            }
        }
    }

    private static int pack(CallFrame f) {
        Format fmt = new Format(f.checkBytes(1));
        f.c.lua_pushnil(f.l); // lua_struct.c's marker after the arguments: a missing one reads as nil
        int arg = 2;
        long total = 0;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (fmt.more()) {
            int opt = fmt.next();
            long size = fmt.size(opt);
            long pad = fmt.toAlign(total, opt, size);
            total += pad;
            for (long i = 0; i < pad; i++) {
                out.write(0);
            }
            switch (opt) {
                case 'b', 'B', 'h', 'H', 'l', 'L', 'T', 'i', 'I' -> {
                    double n = f.checkNumber(arg++);
                    long value = n < 0 ? CNumbers.toInt64(n) : CNumbers.toUint64(n);
                    putInteger(out, value, fmt.little, (int) size);
                }
                case 'x' -> out.write(0);
                case 'f' -> putInteger(out, Float.floatToRawIntBits((float) f.checkNumber(arg++)), fmt.little, 4);
                case 'd' -> putInteger(out, Double.doubleToRawLongBits(f.checkNumber(arg++)), fmt.little, 8);
                case 'c', 's' -> {
                    byte[] s = f.checkBytes(arg++);
                    if (size == 0) {
                        size = s.length;
                    }
                    if (s.length < size) {
                        throw LuaError.argument(arg, "string too short");
                    }
                    out.write(s, 0, (int) size);
                    if (opt == 's') {
                        out.write(0);
                        size++;
                    }
                }
                default -> fmt.control(opt);
            }
            total += size;
        }
        f.pushBytes(out.toByteArray());
        return 1;
    }

    private static void putInteger(ByteArrayOutputStream out, long value, boolean little, int size) {
        byte[] buf = new byte[size];
        long v = value;
        for (int i = 0; i < size; i++) {
            buf[little ? i : size - 1 - i] = (byte) v;
            v >>>= 8;
        }
        out.write(buf, 0, size);
    }

    private static long getInteger(byte[] data, int at, boolean little, boolean signed, int size) {
        long l = 0;
        for (int i = 0; i < size; i++) {
            l = (l << 8) | (data[at + (little ? size - 1 - i : i)] & 0xff);
        }
        if (signed) {
            long mask = -1L << (size * 8 - 1); // shifts count mod 64, as x86's shl does for C's long
            if ((l & mask) != 0) {
                l |= mask;
            }
        }
        return l;
    }

    private static int unpack(CallFrame f) {
        Format fmt = new Format(f.checkBytes(1));
        byte[] data = f.checkBytes(2);
        long ld = data.length;
        long pos = f.optInteger(3, 1);
        if (pos == 0) {
            throw LuaError.argument(3, "offset must be 1 or greater");
        }
        pos--;
        int base = f.top();
        List<Object> results = new ArrayList<>();
        while (fmt.more()) {
            int opt = fmt.next();
            long size = fmt.size(opt);
            pos += fmt.toAlign(pos, opt, size);
            checkFits(size, pos, ld);
            if (base + results.size() + 2 > CallFrame.MAX_C_STACK) {
                throw LuaError.located("stack overflow (too many results)");
            }
            switch (opt) {
                case 'b', 'B', 'h', 'H', 'l', 'L', 'T', 'i', 'I' -> {
                    long l = getInteger(data, (int) pos, fmt.little, Character.isLowerCase(opt), (int) size);
                    results.add(Character.isLowerCase(opt) ? (double) l : CNumbers.unsignedToDouble(l));
                }
                case 'x' -> { }
                case 'f' -> results.add((double) Float.intBitsToFloat((int) getInteger(data, (int) pos, fmt.little, false, 4)));
                case 'd' -> results.add(Double.longBitsToDouble(getInteger(data, (int) pos, fmt.little, false, 8)));
                case 'c' -> {
                    if (size == 0) {
                        Double previous = results.isEmpty() ? null : numberValue(results.get(results.size() - 1));
                        if (previous == null) {
                            throw LuaError.located("format 'c0' needs a previous size");
                        }
                        size = CNumbers.toUint64(previous);
                        results.remove(results.size() - 1);
                        checkFits(size, pos, ld);
                    }
                    results.add(java.util.Arrays.copyOfRange(data, (int) pos, (int) (pos + size)));
                }
                case 's' -> {
                    int e = (int) pos;
                    while (e < data.length && data[e] != 0) {
                        e++;
                    }
                    if (e == data.length) {
                        throw LuaError.located("unfinished string in data");
                    }
                    results.add(java.util.Arrays.copyOfRange(data, (int) pos, e));
                    size = e - pos + 1;
                }
                default -> fmt.control(opt);
            }
            pos += size;
        }
        f.checkStack(results.size() + 1, "too many results");
        for (Object r : results) {
            if (r instanceof Double d) {
                f.pushNumber(d);
            } else {
                f.pushBytes((byte[]) r);
            }
        }
        f.pushInteger(pos + 1);
        return results.size() + 1;
    }

    /** luaL_argcheck(size <= ld && pos <= ld - size, 2, ...) in size_t arithmetic. */
    private static void checkFits(long size, long pos, long ld) {
        if (!(Long.compareUnsigned(size, ld) <= 0 && Long.compareUnsigned(pos, ld - size) <= 0)) {
            throw LuaError.argument(2, "data string too short");
        }
    }

    /** lua_isnumber / lua_tonumber of a previous result: numbers, and strings Lua reads as numbers. */
    private static Double numberValue(Object r) {
        if (r instanceof Double d) {
            return d;
        }
        return CNumbers.str2d((byte[]) r);
    }

    private static int size(CallFrame f) {
        Format fmt = new Format(f.checkBytes(1));
        long pos = 0;
        while (fmt.more()) {
            int opt = fmt.next();
            long size = fmt.size(opt);
            pos += fmt.toAlign(pos, opt, size);
            if (opt == 's') {
                throw LuaError.argument(1, "option 's' has no fixed size");
            } else if (opt == 'c' && size == 0) {
                throw LuaError.argument(1, "option 'c0' has no fixed size");
            }
            if (!(opt >= 0 && Character.isLetterOrDigit(opt))) {
                fmt.control(opt);
            }
            pos += size;
        }
        f.pushInteger(pos);
        return 1;
    }
}
