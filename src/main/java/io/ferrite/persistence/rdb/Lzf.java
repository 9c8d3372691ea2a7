package io.ferrite.persistence.rdb;

import com.ning.compress.lzf.LZFException;
import com.ning.compress.lzf.impl.VanillaChunkDecoder;
import com.ning.compress.lzf.impl.VanillaChunkEncoder;

import java.util.Arrays;

/**
 * Raw LZF blocks (no chunk headers), the format Redis's lzf_compress writes into RDB strings,
 * through com.ning's compress-lzf. The encoder keeps a hash table, so each thread (each shard)
 * has its own. Decoding uses the bounds-checked "vanilla" decoder: a payload is untrusted.
 */
final class Lzf {
    /** Redis compresses only strings longer than this (rdbSaveRawString). */
    static final int MIN_LENGTH = 21;
    /**
     * The most one input byte of LZF can expand to: a 3-byte back reference copies at most 264
     * bytes. A declared length above this ratio cannot be right and is refused before allocating.
     */
    private static final int MAX_RATIO = 89;

    /** Strings up to this size use an encoder with a small hash table, which stays in the L1 cache. */
    private static final int SMALL = 512;
    private static final ThreadLocal<Encoder> ENCODER = ThreadLocal.withInitial(() -> new Encoder(0xFFFF));
    /**
     * Most strings a snapshot compresses are short values: with the 64 KB table of the large
     * encoder, each of their bytes costs a cache miss, which made LZF most of a BGSAVE's time.
     */
    private static final ThreadLocal<Encoder> SMALL_ENCODER = ThreadLocal.withInitial(() -> new Encoder(SMALL));
    private static final ThreadLocal<byte[]> SMALL_OUT = ThreadLocal.withInitial(() -> new byte[SMALL + (SMALL >> 5) + 16]);
    private static final VanillaChunkDecoder DECODER = new VanillaChunkDecoder();

    /** Exposes the encoder's raw-block compression, which com.ning keeps protected. */
    private static final class Encoder extends VanillaChunkEncoder {
        Encoder(int chunkSize) {
            super(chunkSize);
        }

        int compress(byte[] in, int off, int len, byte[] out) {
            return tryCompress(in, off, off + len, out, 0);
        }
    }

    private Lzf() {
    }

    /**
     * The compressed block, or null when compression would not save at least four bytes (Redis's
     * rdbSaveLzfStringObject gives lzf_compress an output of len - 4 bytes and stores the string
     * raw when that is not enough).
     */
    static byte[] compress(byte[] in, int off, int len) {
        // room for the worst case: the encoder writes before checking how much it wrote
        boolean small = len <= SMALL;
        byte[] out = small ? SMALL_OUT.get() : new byte[len + (len >> 5) + 16];
        int n = (small ? SMALL_ENCODER : ENCODER).get().compress(in, off, len, out);
        if (n <= 0 || n > len - 4) {
            return null;
        }
        return Arrays.copyOf(out, n);
    }

    static byte[] decompress(byte[] in, int off, int len, long expected) throws RdbFormatException {
        if (expected <= 0 || expected > (long) len * MAX_RATIO || expected > Integer.MAX_VALUE - 16) {
            throw new RdbFormatException("Invalid LZF compressed string");
        }
        byte[] out = new byte[(int) expected];
        try {
            DECODER.decodeChunk(in, off, off + len, out, 0, out.length);
        } catch (LZFException | RuntimeException e) {
            throw new RdbFormatException("Invalid LZF compressed string");
        }
        return out;
    }
}
