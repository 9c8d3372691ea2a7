package io.ferrite.scripting;

/**
 * Redis's redisLrand48 (rand.c): the 48-bit linear congruential generator of lrand48, with its
 * own state, so math.random gives the same sequence on every platform and every server, Redis's
 * included. Redis 7.0 seeds it once at start-up and then only through math.randomseed.
 */
final class Lrand48 {
    private static final long A = 0x5DEECE66DL;
    private static final long C = 0xB;
    private static final long MASK = (1L << 48) - 1;
    /** REDIS_LRAND48_MAX. */
    static final int MAX = Integer.MAX_VALUE;

    private long x = 0x1234ABCD330EL;

    /** redisSrand48: the high 32 bits of the state from the seed, the low 16 fixed. */
    void seed(int seed) {
        x = ((seed & 0xFFFFFFFFL) << 16) | 0x330E;
    }

    int next() {
        x = (A * x + C) & MASK;
        return (int) (x >>> 17);
    }

    /** What Redis's math.random starts from: a number in [0, 1). */
    double nextDouble() {
        return (double) (next() % MAX) / (double) MAX;
    }
}
