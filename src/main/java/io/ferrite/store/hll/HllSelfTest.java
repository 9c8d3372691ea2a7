package io.ferrite.store.hll;

import java.util.SplittableRandom;

/**
 * PFSELFTEST, the checks of Redis 7.0's pfselftestCommand run on Ferrite's own {@link Hll}:
 * dense registers keep exactly the values written without disturbing their neighbours, and
 * adding 10 million distinct elements to a dense and a sparse HyperLogLog side by side keeps them
 * agreeing and within six standard errors of the true count at every power of ten.
 */
public final class HllSelfTest {
    private static final int REGISTER_CYCLES = 1000;
    private static final int ELEMENTS = 10_000_000;

    private HllSelfTest() {
    }

    /** Null when every check passes, otherwise Redis's "TESTFAILED ..." error text. */
    public static String run(long sparseMaxBytes) {
        SplittableRandom rnd = new SplittableRandom();
        String failed = registers(rnd);
        return failed != null ? failed : approximation(rnd, sparseMaxBytes);
    }

    private static String registers(SplittableRandom rnd) {
        byte[] dense = new byte[Hll.DENSE_SIZE];
        int[] expected = new int[Hll.REGISTERS];
        for (int cycle = 0; cycle < REGISTER_CYCLES; cycle++) {
            for (int i = 0; i < Hll.REGISTERS; i++) {
                expected[i] = rnd.nextInt() & Hll.REGISTER_MAX;
                Hll.setRegister(dense, i, expected[i]);
            }
            for (int i = 0; i < Hll.REGISTERS; i++) {
                int val = Hll.register(dense, i);
                if (val != expected[i]) {
                    return "TESTFAILED Register " + i + " should be " + expected[i] + " but is " + val;
                }
            }
        }
        return null;
    }

    private static String approximation(SplittableRandom rnd, long sparseMaxBytes) {
        Hll dense = Hll.empty();
        dense.toDense();
        Hll sparse = Hll.empty();
        double relerr = 1.04 / Math.sqrt(Hll.REGISTERS);
        long checkpoint = 1;
        long seed = rnd.nextLong();
        byte[] ele = new byte[8];
        for (long j = 1; j <= ELEMENTS; j++) {
            long v = j ^ seed;
            for (int b = 0; b < 8; b++) {
                ele[b] = (byte) (v >>> (8 * b));
            }
            dense.add(ele, sparseMaxBytes);
            if (sparse.add(ele, sparseMaxBytes) < 0) {
                return "TESTFAILED sparse representation corrupted";
            }
            if (j != checkpoint) {
                continue;
            }
            if (j < sparseMaxBytes / 2 && sparse.dense()) {
                return "TESTFAILED sparse encoding not used";
            }
            long count = Hll.count(dense.bytes());
            if (count != Hll.count(sparse.bytes())) {
                return "TESTFAILED dense/sparse disagree";
            }
            long abserr = Math.abs(checkpoint - count);
            // at 10 a collision makes a larger error statistically likely: Redis allows 1 there
            long maxerr = j == 10 ? 1 : (long) Math.ceil(relerr * 6 * checkpoint);
            if (abserr > maxerr) {
                return "TESTFAILED Too big error. card:" + checkpoint + " abserr:" + abserr;
            }
            checkpoint *= 10;
        }
        return null;
    }
}
