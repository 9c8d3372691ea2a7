package io.ferrite.store.hll;

/**
 * Austin Appleby's MurmurHash2, 64-bit variant, as Redis's hyperloglog.c uses it: 8-byte blocks
 * read little-endian whatever the host (Redis's endian-neutral modification), so an element always
 * lands in the register Redis puts it in.
 */
public final class MurmurHash64A {
    private static final long M = 0xc6a4a7935bd1e995L;
    private static final int R = 47;

    private MurmurHash64A() {
    }

    public static long hash(byte[] key, long seed) {
        int len = key.length;
        long h = seed ^ (len * M);
        int blocks = len - (len & 7);
        for (int i = 0; i < blocks; i += 8) {
            long k = littleEndian(key, i);
            k *= M;
            k ^= k >>> R;
            k *= M;
            h ^= k;
            h *= M;
        }
        int rest = len & 7;
        if (rest > 0) {
            for (int i = rest - 1; i >= 0; i--) {
                h ^= (key[blocks + i] & 0xffL) << (8 * i);
            }
            h *= M;
        }
        h ^= h >>> R;
        h *= M;
        h ^= h >>> R;
        return h;
    }

    private static long littleEndian(byte[] b, int off) {
        long k = 0;
        for (int i = 7; i >= 0; i--) {
            k = (k << 8) | (b[off + i] & 0xffL);
        }
        return k;
    }
}
