package io.ferrite.command.memcached;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * memcached's "stats detail": while enabled, gets, hits, sets and deletes are counted per key prefix
 * (the key up to its first ':'; keys without one are not counted), for "stats detail dump". Shared by
 * every shard and connection, so the counters are concurrent; nothing is recorded while it is off.
 */
final class McPrefixStats {
    /** memcached's default prefix delimiter (-D). */
    static final byte DELIMITER = ':';
    private volatile boolean enabled;
    private final Map<Prefix, LongAdder[]> prefixes = new ConcurrentHashMap<>();

    private record Prefix(byte[] bytes) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Prefix p && Arrays.equals(bytes, p.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }
    }

    boolean enabled() {
        return enabled;
    }

    void enable(boolean on) {
        enabled = on;
    }

    void clear() {
        prefixes.clear();
    }

    private LongAdder[] find(byte[] key) {
        for (int i = 0; i < key.length && key[i] != 0; i++) {
            if (key[i] == DELIMITER) {
                return prefixes.computeIfAbsent(new Prefix(Arrays.copyOf(key, i)),
                    p -> new LongAdder[] {new LongAdder(), new LongAdder(), new LongAdder(), new LongAdder()});
            }
        }
        return null;
    }

    void recordGet(byte[] key, boolean hit) {
        if (enabled) {
            LongAdder[] c = find(key);
            if (c != null) {
                c[0].increment();
                if (hit) {
                    c[1].increment();
                }
            }
        }
    }

    void recordSet(byte[] key) {
        if (enabled) {
            LongAdder[] c = find(key);
            if (c != null) {
                c[2].increment();
            }
        }
    }

    void recordDelete(byte[] key) {
        if (enabled) {
            LongAdder[] c = find(key);
            if (c != null) {
                c[3].increment();
            }
        }
    }

    /**
     * The dump: one "PREFIX p get n hit n set n del n" line per prefix, then END. memcached lists them in
     * its hash order; Ferrite sorts them by prefix.
     */
    byte[] dump() {
        TreeMap<String, LongAdder[]> sorted = new TreeMap<>();
        prefixes.forEach((p, c) -> sorted.put(new String(p.bytes(), StandardCharsets.ISO_8859_1), c));
        StringBuilder sb = new StringBuilder();
        sorted.forEach((p, c) -> sb.append("PREFIX ").append(p).append(" get ").append(c[0].sum())
            .append(" hit ").append(c[1].sum()).append(" set ").append(c[2].sum())
            .append(" del ").append(c[3].sum()).append("\r\n"));
        sb.append("END\r\n");
        return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    }
}
