package io.ferrite.persistence.snapshot;

import io.ferrite.persistence.rdb.Crc64;
import io.ferrite.persistence.rdb.RdbOutput;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * An RDB file of {@code keys} string keys made as it is read, CRC-64 and all, so a test can load a
 * file of any size without holding it: "key:%010d" to a {@code valueSize}-byte value, with one
 * value of {@code bigSize} bytes in the middle when that is not 0.
 */
public final class GeneratedRdb extends InputStream {
    private final long keys;
    private final int valueSize;
    private final int bigSize;
    private final long length;
    private long next;
    private byte[] chunk;
    private int at;
    private long crc;
    private int stage;

    public GeneratedRdb(long keys, int valueSize, int bigSize) {
        this.keys = keys;
        this.valueSize = valueSize;
        this.bigSize = bigSize;
        long len = header().length + 1 + 8;
        len += keys * record(0, valueSize).length;
        if (bigSize > 0) {
            len += record(keys / 2, bigSize).length - record(keys / 2, valueSize).length;
        }
        this.length = len;
        this.chunk = header();
    }

    public long length() {
        return length;
    }

    private static byte[] header() {
        RdbOutput out = new RdbOutput(64, false);
        out.writeRaw("REDIS0010".getBytes(StandardCharsets.US_ASCII));
        out.writeByte(RdbFile.OPCODE_AUX);
        out.writeString("used-mem".getBytes(StandardCharsets.US_ASCII));
        out.writeString("123456789".getBytes(StandardCharsets.US_ASCII));
        out.writeByte(RdbFile.OPCODE_SELECTDB);
        out.writeLen(0);
        return out.toByteArray();
    }

    private static byte[] record(long i, int size) {
        RdbOutput out = new RdbOutput(size + 32, false);
        out.writeByte(0);
        out.writeString(String.format("key:%010d", i).getBytes(StandardCharsets.US_ASCII));
        byte[] v = new byte[size];
        for (int j = 0; j < size; j++) {
            // letters, never all digits: stored raw, never as an integer
            v[j] = (byte) ('a' + (i + j) % 26);
        }
        out.writeString(v);
        return out.toByteArray();
    }

    private boolean advance() {
        if (at < chunk.length) {
            return true;
        }
        crc = Crc64.update(crc, chunk, 0, chunk.length);
        at = 0;
        if (next < keys) {
            chunk = record(next, bigSize > 0 && next == keys / 2 ? bigSize : valueSize);
            next++;
        } else if (stage == 0) {
            chunk = new byte[] {(byte) RdbFile.OPCODE_EOF};
            stage = 1;
        } else if (stage == 1) {
            long c = crc;
            chunk = new byte[8];
            for (int k = 0; k < 8; k++) {
                chunk[k] = (byte) (c >>> (8 * k));
            }
            stage = 2;
        } else {
            return false;
        }
        return true;
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (len == 0) {
            return 0;
        }
        if (!advance()) {
            return -1;
        }
        int n = Math.min(len, chunk.length - at);
        System.arraycopy(chunk, at, b, off, n);
        at += n;
        return n;
    }
}
