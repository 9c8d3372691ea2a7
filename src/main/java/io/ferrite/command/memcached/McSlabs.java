package io.ferrite.command.memcached;

/**
 * memcached 1.6.18's slab classes with its default settings (-n 48, -f 1.25, 1 MB pages, 512 KB largest
 * chunk), so "stats slabs" and "stats items" can report items by the class memcached would put them in.
 * Ferrite allocates per item, not from slab pages: a class's pages are the fewest that hold its items.
 */
final class McSlabs {
    static final int PAGE_SIZE = 1024 * 1024;
    private static final int CHUNK_MAX = PAGE_SIZE / 2;
    private static final int ITEM_HEADER = 48;
    private static final int MIN_CHUNK_DATA = 48;
    private static final double FACTOR = 1.25;
    private static final int ALIGN = 8;
    private static final int MAX_CLASSES = 64;
    /** Chunk size of class i (1-based; index 0 unused). */
    private static final int[] SIZES;

    static {
        int[] sizes = new int[MAX_CLASSES];
        int size = ITEM_HEADER + MIN_CHUNK_DATA;
        int i = 0;
        while (++i < MAX_CLASSES - 1) {
            if (size >= CHUNK_MAX / FACTOR) {
                break;
            }
            if (size % ALIGN != 0) {
                size += ALIGN - size % ALIGN;
            }
            sizes[i] = size;
            size = (int) (size * FACTOR);
        }
        sizes[i] = CHUNK_MAX;
        SIZES = java.util.Arrays.copyOf(sizes, i + 1);
    }

    private McSlabs() {
    }

    static int classes() {
        return SIZES.length - 1;
    }

    static int chunkSize(int cls) {
        return SIZES[cls];
    }

    static int perPage(int cls) {
        return PAGE_SIZE / SIZES[cls];
    }

    /** memcached's ITEM_ntotal: header, key and its NUL, client flags when not 0, value with CRLF, CAS. */
    static long itemSize(int keyLength, McItem it) {
        return itemSize(keyLength, it.flags, it.data.length);
    }

    static long itemSize(int keyLength, int flags, long valueLength) {
        return ITEM_HEADER + keyLength + 1 + (flags != 0 ? 4 : 0) + valueLength + 2 + 8;
    }

    /** The class holding an item of this size; items over the largest chunk are chunked into the largest. */
    static int classOf(long size) {
        for (int c = 1; c < SIZES.length; c++) {
            if (size <= SIZES[c]) {
                return c;
            }
        }
        return SIZES.length - 1;
    }
}
