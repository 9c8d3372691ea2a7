package io.ferrite.store;

/**
 * Bytes an entry occupies on a 64-bit JVM with compressed references: the figure behind
 * used_memory and, later, maxmemory. An estimate from object layouts, kept cheap because it runs on
 * every write.
 */
public final class MemoryEstimate {
    private static final int ENTRY = 48;
    private static final int ARRAY_HEADER = 16;

    private MemoryEstimate() {
    }

    public static long bytes(int length) {
        return (ARRAY_HEADER + length + 7) & ~7L;
    }

    /** An array of {@code n} compressed references. */
    static long references(int n) {
        return (ARRAY_HEADER + 4L * n + 7) & ~7L;
    }

    /** The Entry object itself, without its key and value. */
    static long entryObject() {
        return ENTRY;
    }

    public static long entry(Entry e) {
        return ENTRY + bytes(e.key.length) + value(e.value());
    }

    static long value(Object v) {
        if (v instanceof byte[] b) {
            return bytes(b.length);
        }
        if (v instanceof Sized s) {
            return s.memory();
        }
        return 0;
    }

    /** Implemented by collection values that track their own size. */
    public interface Sized {
        long memory();
    }
}
