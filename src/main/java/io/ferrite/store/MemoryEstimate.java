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
