package io.ferrite.persistence.rdb;

import io.ferrite.store.ValueType;

/**
 * The DUMP / RESTORE serialisation (cluster.c's createDumpPayload and verifyDumpPayload): one
 * value in RDB form, then the RDB version in 2 bytes and the CRC-64 of everything before it in 8,
 * both little-endian.
 */
public final class DumpPayload {
    private static final int FOOTER = 10;

    private DumpPayload() {
    }

    public static byte[] create(ValueType type, Object value, Limits limits) {
        RdbOutput out = limits.output(64);
        ValueWriter.write(out, type, value, limits);
        out.writeLittleEndian(RdbType.VERSION, 2);
        out.writeLittleEndian(Crc64.of(out.array(), 0, out.length()), 8);
        return out.toByteArray();
    }

    /** verifyDumpPayload: long enough for the footer, a version no newer than 10, the checksum right. */
    public static boolean verify(byte[] p) {
        return verify(p, false);
    }

    /** As {@link #verify(byte[])}, with the checksum left unchecked when {@code skipChecksum} (DEBUG SET-SKIP-CHECKSUM-VALIDATION). */
    public static boolean verify(byte[] p, boolean skipChecksum) {
        if (p.length < FOOTER) {
            return false;
        }
        int footer = p.length - FOOTER;
        int version = (p[footer] & 0xFF) | (p[footer + 1] & 0xFF) << 8;
        if (version > RdbType.VERSION) {
            return false;
        }
        if (skipChecksum) {
            return true;
        }
        long crc = 0;
        for (int i = 0; i < 8; i++) {
            crc |= (long) (p[footer + 2 + i] & 0xFF) << (8 * i);
        }
        return crc == Crc64.of(p, 0, p.length - 8);
    }

    /** The value of a payload {@link #verify} accepted; the footer is not part of the value. */
    public static LoadedValue load(byte[] p, Limits limits) throws RdbFormatException {
        RdbInput in = new RdbInput(p, 0, p.length - FOOTER);
        LoadedValue v = ValueReader.read(in, limits);
        if (v == null) {
            // a file skips an empty value; RESTORE has nothing to store and fails as Redis does
            throw RdbInput.corrupt("empty keys are not allowed");
        }
        return v;
    }
}
