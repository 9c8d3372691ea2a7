package io.ferrite.scripting;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Lua 5.1 binary chunks (lundump.c's format, as this platform's lua_dump writes it: little-endian,
 * 4-byte int and instruction, 8-byte size_t and number) with their debug information taken out,
 * as luac -s does: line numbers, local and upvalue names, and the source name of every function
 * but the main one (the others inherit it). Lua 5.1's lua_dump has no strip flag; written here
 * because the format is a few fields and no maintained library does it for PUC Lua 5.1.
 * The environment's own code loses more than a third of its heap this way; its frames then have
 * no current line, as Redis's C functions have none.
 */
final class LuaChunks {
    private static final int HEADER = 12;

    private LuaChunks() {
    }

    static byte[] stripped(ByteBuffer dump) {
        ByteBuffer in = dump.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        in.position(0);
        byte[] header = new byte[HEADER];
        in.get(header);
        if (header[0] != 0x1b || header[4] != 0x51 || header[6] != 1 || header[7] != 4 || header[8] != 8
            || header[9] != 4 || header[10] != 8) {
            throw new IllegalArgumentException("not a Lua 5.1 chunk of this platform's layout");
        }
        Out out = new Out();
        out.write(header, 0, HEADER);
        function(in, out, true);
        return out.toByteArray();
    }

    private static void function(ByteBuffer in, Out out, boolean main) {
        long sourceLength = in.getLong();
        if (main) {
            out.putLong(sourceLength);
            copy(in, out, (int) sourceLength);
        } else {
            in.position(in.position() + (int) sourceLength);
            out.putLong(0);
        }
        // linedefined, lastlinedefined; nups, numparams, is_vararg, maxstacksize
        copy(in, out, 4 + 4 + 4);
        int code = in.getInt();
        out.putInt(code);
        copy(in, out, code * 4);
        int constants = in.getInt();
        out.putInt(constants);
        for (int i = 0; i < constants; i++) {
            byte type = in.get();
            out.write(type);
            switch (type) {
                case 0 -> {
                    // nil
                }
                case 1 -> copy(in, out, 1);
                case 3 -> copy(in, out, 8);
                case 4 -> {
                    long n = in.getLong();
                    out.putLong(n);
                    copy(in, out, (int) n);
                }
                default -> throw new IllegalArgumentException("bad constant type " + type);
            }
        }
        int protos = in.getInt();
        out.putInt(protos);
        for (int i = 0; i < protos; i++) {
            function(in, out, false);
        }
        // the debug part, read past and written empty: line info, locals, upvalue names
        int lines = in.getInt();
        in.position(in.position() + 4 * lines);
        int locals = in.getInt();
        for (int i = 0; i < locals; i++) {
            long n = in.getLong();
            in.position(in.position() + (int) n + 8);
        }
        int upvalues = in.getInt();
        for (int i = 0; i < upvalues; i++) {
            long n = in.getLong();
            in.position(in.position() + (int) n);
        }
        out.putInt(0);
        out.putInt(0);
        out.putInt(0);
    }

    private static void copy(ByteBuffer in, Out out, int n) {
        for (int i = 0; i < n; i++) {
            out.write(in.get());
        }
    }

    private static final class Out extends ByteArrayOutputStream {
        void putInt(int v) {
            for (int i = 0; i < 4; i++) {
                write(v >>> (8 * i));
            }
        }

        void putLong(long v) {
            for (int i = 0; i < 8; i++) {
                write((int) (v >>> (8 * i)));
            }
        }
    }
}
