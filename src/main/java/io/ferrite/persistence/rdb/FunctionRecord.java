package io.ferrite.persistence.rdb;

import java.nio.charset.StandardCharsets;

/**
 * A function library as an RDB record, the same in files and in FUNCTION DUMP payloads: Redis 7.0
 * writes RDB_OPCODE_FUNCTION2 and the library's whole code (whose first line, "#!lua name=lib",
 * names its engine and itself). It still reads the release candidates' RDB_OPCODE_FUNCTION, which
 * gave the name, the engine, an optional description and the code apart; rdbFunctionLoad turns
 * that into the 7.0 code by putting the first line back in front (the description is dropped).
 */
public final class FunctionRecord {
    /** RDB_OPCODE_FUNCTION2. */
    public static final int OPCODE = 245;
    /** RDB_OPCODE_FUNCTION (7.0-rc1 and rc2). */
    public static final int OPCODE_PRE_GA = 246;

    private FunctionRecord() {
    }

    /** Whether {@code type} opens a function record. */
    public static boolean opens(int type) {
        return type == OPCODE || type == OPCODE_PRE_GA;
    }

    /** The opcode and the library's code. */
    public static void write(RdbOutput out, byte[] code) {
        out.writeByte(OPCODE);
        out.writeString(code);
    }

    /** The library's code after opcode {@code type} (one {@link #opens} accepts), in 7.0's form. */
    public static byte[] read(RdbInput in, int type) throws RdbFormatException {
        if (type == OPCODE) {
            return in.readString();
        }
        byte[] name = in.readString();
        byte[] engine = in.readString();
        if (in.readLen() != 0) {
            in.readString();
        }
        byte[] blob = in.readString();
        byte[] head = ("#!" + latin1(engine) + " name=" + latin1(name) + "\n").getBytes(StandardCharsets.ISO_8859_1);
        byte[] code = new byte[head.length + blob.length];
        System.arraycopy(head, 0, code, 0, head.length);
        System.arraycopy(blob, 0, code, head.length, blob.length);
        return code;
    }

    private static String latin1(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }
}
