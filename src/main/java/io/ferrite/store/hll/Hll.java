package io.ferrite.store.hll;

import java.util.Arrays;

/**
 * A HyperLogLog in Redis's own byte layout (hyperloglog.c), so the value is an ordinary string that
 * GET, SET, DUMP and replicas see exactly as Redis writes it:
 * <pre>
 *   "HYLL" | encoding (0 dense, 1 sparse) | 3 unused bytes | cached cardinality, 8 bytes LE | registers
 * </pre>
 * The top bit of the last cardinality byte marks the cache stale. Dense registers are 16384 6-bit
 * counters packed from the least significant bit up. Sparse registers are run-length opcodes:
 * ZERO {@code 00xxxxxx} (1..64 zero registers), XZERO {@code 01xxxxxx yyyyyyyy} (1..16384 zero
 * registers) and VAL {@code 1vvvvvxx} (1..4 registers of value 1..32).
 * <p>
 * An instance is a working copy of one value being changed by a command (PFADD, PFMERGE, PFCOUNT's
 * cache); read-only work ({@link #mergeInto}, {@link #count}) runs on the stored bytes directly.
 * Every edit follows Redis's step by step (opcode splits, the adjacent-VAL merge, the promotion to
 * dense past {@code hll-sparse-max-bytes}) so the bytes stay identical to Redis's.
 */
public final class Hll {
    public static final int HEADER = 16;
    public static final int P = 14;
    public static final int Q = 64 - P;
    public static final int REGISTERS = 1 << P;
    static final int BITS = 6;
    static final int REGISTER_MAX = (1 << BITS) - 1;
    public static final int DENSE_SIZE = HEADER + (REGISTERS * BITS + 7) / 8;
    static final int DENSE = 0;
    static final int SPARSE = 1;
    private static final long SEED = 0xadc83b19L;

    static final int VAL_MAX_VALUE = 32;
    static final int VAL_MAX_LEN = 4;
    static final int ZERO_MAX_LEN = 64;
    static final int XZERO_MAX_LEN = 16384;

    /** The value's bytes, with room to grow; bytes past {@link #len} are zero (C's terminator). */
    private byte[] buf;
    private int len;

    private Hll(byte[] buf, int len) {
        this.buf = buf;
        this.len = len;
    }

    /** createHLLObject: a sparse HLL of XZERO opcodes covering every register, cache valid at 0. */
    public static Hll empty() {
        int n = HEADER + ((REGISTERS + (XZERO_MAX_LEN - 1)) / XZERO_MAX_LEN) * 2;
        byte[] b = new byte[n + 8];
        b[0] = 'H';
        b[1] = 'Y';
        b[2] = 'L';
        b[3] = 'L';
        b[4] = SPARSE;
        int p = HEADER;
        for (int left = REGISTERS; left > 0; ) {
            int run = Math.min(XZERO_MAX_LEN, left);
            setXZero(b, p, run);
            p += 2;
            left -= run;
        }
        return new Hll(b, n);
    }

    /** A working copy of a stored value already checked with {@link #isValid}. */
    public static Hll of(byte[] value) {
        return new Hll(Arrays.copyOf(value, value.length + 8), value.length);
    }

    /**
     * isHLLObjectOrReply's test: at least a header, the magic, a known encoding, and for dense
     * exactly the dense size. A sparse body is only checked when it is walked.
     */
    public static boolean isValid(byte[] v) {
        if (v.length < HEADER || v[0] != 'H' || v[1] != 'Y' || v[2] != 'L' || v[3] != 'L') {
            return false;
        }
        int enc = v[4] & 0xff;
        return enc <= SPARSE && (enc != DENSE || v.length == DENSE_SIZE);
    }

    public static boolean isDense(byte[] v) {
        return v[4] == DENSE;
    }

    /** The value's bytes as Redis would store them. */
    public byte[] bytes() {
        return Arrays.copyOf(buf, len);
    }

    public boolean dense() {
        return buf[4] == DENSE;
    }

    // ---------------------------------------------------------------- cached cardinality

    public void invalidateCache() {
        buf[15] |= (byte) 0x80;
    }

    public boolean cacheValid() {
        return cacheValid(buf);
    }

    public long cachedCardinality() {
        return cachedCardinality(buf);
    }

    /** Whether a stored value's cached cardinality is current (the top bit of its last byte clear). */
    public static boolean cacheValid(byte[] v) {
        return (v[15] & 0x80) == 0;
    }

    /** A stored value's cached cardinality, little endian. */
    public static long cachedCardinality(byte[] v) {
        long card = 0;
        for (int i = 7; i >= 0; i--) {
            card = (card << 8) | (v[8 + i] & 0xffL);
        }
        return card;
    }

    public void cacheCardinality(long card) {
        for (int i = 0; i < 8; i++) {
            buf[8 + i] = (byte) (card >>> (8 * i));
        }
    }

    // ---------------------------------------------------------------- adding

    /**
     * hllAdd: hashes the element (MurmurHash64A, Redis's seed); the low 14 bits pick the register,
     * the run of zeros above them (plus one) is the candidate value. Returns 1 if a register grew,
     * 0 if not, -1 if a sparse body turned out corrupt.
     */
    public int add(byte[] element, long sparseMaxBytes) {
        long hash = MurmurHash64A.hash(element, SEED);
        int index = (int) (hash & (REGISTERS - 1));
        hash >>>= P;
        hash |= 1L << Q;
        int count = Long.numberOfTrailingZeros(hash) + 1;
        return set(index, count, sparseMaxBytes);
    }

    /** Raises register {@code index} to {@code count} if lower: 1 if changed, 0 if not, -1 if corrupt. */
    public int set(int index, int count, long sparseMaxBytes) {
        if (dense()) {
            return denseSet(buf, index, count) ? 1 : 0;
        }
        return sparseSet(index, count, sparseMaxBytes);
    }

    /** hllSparseToDense; false (and no change) when the sparse body does not cover exactly every register. */
    public boolean toDense() {
        if (dense()) {
            return true;
        }
        byte[] d = new byte[DENSE_SIZE + 1];
        System.arraycopy(buf, 0, d, 0, HEADER);
        d[4] = DENSE;
        // long counters: a crafted value of many XZERO runs cannot wrap around
        long idx = 0;
        int p = HEADER;
        while (p < len) {
            int op = buf[p] & 0xff;
            if (isZero(op)) {
                idx += zeroLen(op);
                p++;
            } else if (isXZero(op)) {
                idx += xzeroLen(op, buf[p + 1]);
                p += 2;
            } else {
                int run = valLen(op);
                int value = valValue(op);
                if (run + idx > REGISTERS) {
                    break;
                }
                while (run-- > 0) {
                    setRegister(d, (int) idx++, value);
                }
                p++;
            }
        }
        if (idx != REGISTERS) {
            return false;
        }
        buf = d;
        len = DENSE_SIZE;
        return true;
    }

    /** hllSparseSet, the in-place opcode surgery, step by step as Redis does it. */
    private int sparseSet(int index, int count, long sparseMaxBytes) {
        if (count > VAL_MAX_VALUE) {
            return promote(index, count);
        }
        ensureRoom(3);
        // Step 1: find the opcode covering the register
        int p = HEADER;
        int end = len;
        long first = 0;
        int prev = -1;
        long span = 0;
        while (p < end) {
            int op = buf[p] & 0xff;
            int oplen = 1;
            if (isZero(op)) {
                span = zeroLen(op);
            } else if (isVal(op)) {
                span = valLen(op);
            } else {
                span = xzeroLen(op, buf[p + 1]);
                oplen = 2;
            }
            if (index <= first + span - 1) {
                break;
            }
            prev = p;
            p += oplen;
            first += span;
        }
        if (span == 0 || p >= end) {
            return -1;
        }
        int op = buf[p] & 0xff;
        int next = isXZero(op) ? p + 2 : p + 1;
        if (next >= end) {
            next = -1;
        }
        boolean zero = isZero(op);
        boolean xzero = isXZero(op);
        boolean val = isVal(op);
        int runlen = zero ? zeroLen(op) : xzero ? xzeroLen(op, buf[p + 1]) : valLen(op);

        // Step 2: the trivial cases, changed in place
        boolean inPlace = false;
        if (val) {
            if (valValue(op) >= count) {
                return 0;
            }
            if (runlen == 1) {
                buf[p] = valOp(count, 1);
                inPlace = true;
            }
        }
        if (!inPlace && zero && runlen == 1) {
            buf[p] = valOp(count, 1);
            inPlace = true;
        }
        if (!inPlace) {
            // the general case: split the opcode into up to three (at most five bytes)
            byte[] seq = new byte[5];
            int n = 0;
            long last = first + span - 1;
            if (zero || xzero) {
                if (index != first) {
                    n = putZeros(seq, n, (int) (index - first));
                }
                seq[n++] = valOp(count, 1);
                if (index != last) {
                    n = putZeros(seq, n, (int) (last - index));
                }
            } else {
                int cur = valValue(op);
                if (index != first) {
                    seq[n++] = valOp(cur, (int) (index - first));
                }
                seq[n++] = valOp(count, 1);
                if (index != last) {
                    seq[n++] = valOp(cur, (int) (last - index));
                }
            }
            // Step 3: put the new sequence in place of the old opcode
            int oldlen = xzero ? 2 : 1;
            int delta = n - oldlen;
            if (delta > 0 && len + delta > sparseMaxBytes) {
                return promote(index, count);
            }
            if (delta != 0 && next >= 0) {
                System.arraycopy(buf, next, buf, next + delta, end - next);
            }
            if (delta < 0) {
                Arrays.fill(buf, len + delta, len, (byte) 0);
            }
            len += delta;
            System.arraycopy(seq, 0, buf, p, n);
            end += delta;
        }
        // Step 4: merge adjacent VAL opcodes of the same value, scanning up to 5 opcodes from prev
        p = prev >= 0 ? prev : HEADER;
        int scan = 5;
        while (p < end && scan-- > 0) {
            int o = buf[p] & 0xff;
            if (isXZero(o)) {
                p += 2;
                continue;
            } else if (isZero(o)) {
                p++;
                continue;
            }
            if (p + 1 < end && isVal(buf[p + 1] & 0xff)) {
                int o2 = buf[p + 1] & 0xff;
                if (valValue(o) == valValue(o2)) {
                    int merged = valLen(o) + valLen(o2);
                    if (merged <= VAL_MAX_LEN) {
                        buf[p + 1] = valOp(valValue(o), merged);
                        System.arraycopy(buf, p + 1, buf, p, end - p - 1);
                        buf[end - 1] = 0;
                        len--;
                        end--;
                        continue;
                    }
                }
            }
            p++;
        }
        invalidateCache();
        return 1;
    }

    /** A value the sparse form cannot hold, or a sparse form grown too long: go dense, then set. */
    private int promote(int index, int count) {
        if (!toDense()) {
            return -1;
        }
        denseSet(buf, index, count);
        return 1;
    }

    private void ensureRoom(int extra) {
        if (len + extra + 1 > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + extra + 8));
        }
    }

    private static int putZeros(byte[] seq, int n, int run) {
        if (run > ZERO_MAX_LEN) {
            setXZero(seq, n, run);
            return n + 2;
        }
        seq[n] = (byte) (run - 1);
        return n + 1;
    }

    // ---------------------------------------------------------------- reading

    /**
     * hllMerge: raises {@code max[i]} to each register of the stored value. False when a sparse
     * body does not cover exactly every register (a corrupt value).
     */
    public static boolean mergeInto(byte[] v, byte[] max) {
        if (isDense(v)) {
            for (int i = 0; i < REGISTERS; i++) {
                int r = register(v, i);
                if (r > max[i]) {
                    max[i] = (byte) r;
                }
            }
            return true;
        }
        long i = 0;
        int p = HEADER;
        while (p < v.length) {
            int op = v[p] & 0xff;
            if (isZero(op)) {
                i += zeroLen(op);
                p++;
            } else if (isXZero(op)) {
                i += xzeroLen(op, p + 1 < v.length ? v[p + 1] : 0);
                p += 2;
            } else {
                int run = valLen(op);
                int value = valValue(op);
                if (run + i > REGISTERS) {
                    break;
                }
                while (run-- > 0) {
                    if (value > max[(int) i]) {
                        max[(int) i] = (byte) value;
                    }
                    i++;
                }
                p++;
            }
        }
        return i == REGISTERS;
    }

    /** hllCount over a stored value: the estimate, or -1 when a sparse body is corrupt. */
    public static long count(byte[] v) {
        int[] histogram = new int[64];
        if (isDense(v)) {
            for (int i = 0; i < REGISTERS; i++) {
                histogram[register(v, i)]++;
            }
        } else {
            long idx = 0;
            int p = HEADER;
            while (p < v.length) {
                int op = v[p] & 0xff;
                if (isZero(op)) {
                    int run = zeroLen(op);
                    idx += run;
                    histogram[0] += run;
                    p++;
                } else if (isXZero(op)) {
                    int run = xzeroLen(op, p + 1 < v.length ? v[p + 1] : 0);
                    idx += run;
                    histogram[0] += run;
                    p += 2;
                } else {
                    int run = valLen(op);
                    idx += run;
                    histogram[valValue(op)] += run;
                    p++;
                }
            }
            if (idx != REGISTERS) {
                return -1;
            }
        }
        return HllEstimator.estimate(histogram);
    }

    /** The estimate for one byte per register, as PFCOUNT over several keys merges them. */
    public static long countRegisters(byte[] registers) {
        int[] histogram = new int[64];
        for (byte r : registers) {
            histogram[r]++;
        }
        return HllEstimator.estimate(histogram);
    }

    /** Every register of a dense value, in order (PFDEBUG GETREG). */
    public static int[] registers(byte[] dense) {
        int[] r = new int[REGISTERS];
        for (int i = 0; i < REGISTERS; i++) {
            r[i] = register(dense, i);
        }
        return r;
    }

    /**
     * A sparse value's opcodes as PFDEBUG DECODE prints them: "z:len" (ZERO), "Z:len" (XZERO),
     * "v:value,len" (VAL), space separated.
     */
    public static String decodeSparse(byte[] v) {
        StringBuilder sb = new StringBuilder();
        int p = HEADER;
        while (p < v.length) {
            int op = v[p] & 0xff;
            if (sb.length() > 0) {
                sb.append(' ');
            }
            if (isZero(op)) {
                sb.append("z:").append(zeroLen(op));
                p++;
            } else if (isXZero(op)) {
                sb.append("Z:").append(xzeroLen(op, p + 1 < v.length ? v[p + 1] : 0));
                p += 2;
            } else {
                sb.append("v:").append(valValue(op)).append(',').append(valLen(op));
                p++;
            }
        }
        return sb.toString();
    }

    // ---------------------------------------------------------------- dense registers

    /** Register {@code i} of a dense value (HLL_DENSE_GET_REGISTER; the byte past the end reads as 0). */
    static int register(byte[] v, int i) {
        int at = HEADER + i * BITS / 8;
        int fb = i * BITS & 7;
        int b0 = v[at] & 0xff;
        int b1 = at + 1 < v.length ? v[at + 1] & 0xff : 0;
        return ((b0 >>> fb) | (b1 << (8 - fb))) & REGISTER_MAX;
    }

    static void setRegister(byte[] v, int i, int value) {
        int at = HEADER + i * BITS / 8;
        int fb = i * BITS & 7;
        int fb8 = 8 - fb;
        v[at] = (byte) ((v[at] & ~(REGISTER_MAX << fb)) | (value << fb));
        if (at + 1 < v.length) {
            v[at + 1] = (byte) ((v[at + 1] & ~(REGISTER_MAX >>> fb8)) | (value >>> fb8));
        }
    }

    private static boolean denseSet(byte[] v, int index, int count) {
        if (count > register(v, index)) {
            setRegister(v, index, count);
            return true;
        }
        return false;
    }

    // ---------------------------------------------------------------- sparse opcodes

    private static boolean isZero(int op) {
        return (op & 0xc0) == 0;
    }

    private static boolean isXZero(int op) {
        return (op & 0xc0) == 0x40;
    }

    private static boolean isVal(int op) {
        return (op & 0x80) != 0;
    }

    private static int zeroLen(int op) {
        return (op & 0x3f) + 1;
    }

    private static int xzeroLen(int op, byte second) {
        return (((op & 0x3f) << 8) | (second & 0xff)) + 1;
    }

    private static int valValue(int op) {
        return ((op >>> 2) & 0x1f) + 1;
    }

    private static int valLen(int op) {
        return (op & 0x3) + 1;
    }

    private static byte valOp(int value, int run) {
        return (byte) (((value - 1) << 2 | (run - 1)) | 0x80);
    }

    private static void setXZero(byte[] b, int p, int run) {
        int l = run - 1;
        b[p] = (byte) ((l >> 8) | 0x40);
        b[p + 1] = (byte) (l & 0xff);
    }
}
