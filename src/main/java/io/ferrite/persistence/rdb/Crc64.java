package io.ferrite.persistence.rdb;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Redis's CRC-64 (crc64.c): the Jones polynomial 0xad93d23594c935a9, reflected input and output,
 * initial value 0, no final XOR. It is not the ECMA-182 CRC-64 most libraries ship (that one is
 * unreflected with another polynomial), so a DUMP payload checked with one of those fails. Check
 * value: "123456789" gives 0xe9c6d914c4b8d9ca.
 * <p>
 * Eight bytes are folded per step with eight tables ("slicing-by-8", as Redis's crcspeed does):
 * a file is checked as it loads, and byte-at-a-time would make the CRC most of the load's time.
 */
public final class Crc64 {
    /** The Jones polynomial with its bits reversed, for the reflected (LSB-first) table. */
    private static final long POLY_REFLECTED = 0x95AC9329AC4BC9B5L;
    /** TABLE[k][b]: the CRC of byte b followed by k zero bytes. */
    private static final long[][] TABLE = new long[8][256];
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    static {
        for (int i = 0; i < 256; i++) {
            long crc = i;
            for (int k = 0; k < 8; k++) {
                crc = (crc & 1) != 0 ? (crc >>> 1) ^ POLY_REFLECTED : crc >>> 1;
            }
            TABLE[0][i] = crc;
        }
        for (int k = 1; k < 8; k++) {
            for (int i = 0; i < 256; i++) {
                long prev = TABLE[k - 1][i];
                TABLE[k][i] = (prev >>> 8) ^ TABLE[0][(int) (prev & 0xFF)];
            }
        }
    }

    private Crc64() {
    }

    public static long update(long crc, byte[] b, int off, int len) {
        int i = off;
        int end = off + len;
        long[] t0 = TABLE[0];
        for (; i + 8 <= end; i += 8) {
            long x = crc ^ (long) LONG_LE.get(b, i);
            crc = TABLE[7][(int) (x & 0xFF)] ^ TABLE[6][(int) ((x >>> 8) & 0xFF)]
                ^ TABLE[5][(int) ((x >>> 16) & 0xFF)] ^ TABLE[4][(int) ((x >>> 24) & 0xFF)]
                ^ TABLE[3][(int) ((x >>> 32) & 0xFF)] ^ TABLE[2][(int) ((x >>> 40) & 0xFF)]
                ^ TABLE[1][(int) ((x >>> 48) & 0xFF)] ^ t0[(int) (x >>> 56)];
        }
        for (; i < end; i++) {
            crc = t0[(int) ((crc ^ b[i]) & 0xFF)] ^ (crc >>> 8);
        }
        return crc;
    }

    /** One byte at a time: the definition the sliced loop must agree with (tests compare them). */
    static long updateBytewise(long crc, byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) {
            crc = TABLE[0][(int) ((crc ^ b[i]) & 0xFF)] ^ (crc >>> 8);
        }
        return crc;
    }

    public static long of(byte[] b, int off, int len) {
        return update(0, b, off, len);
    }
}
