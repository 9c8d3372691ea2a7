package io.ferrite.store;

import java.util.Arrays;

/**
 * A byte-array key for JDK maps outside the hot keyspace path (watchers, staged entries). The
 * hash is computed once: a cross-shard command looks each of its keys up in several maps.
 */
public final class BytesKey {
    private final int db;
    private final byte[] bytes;
    private final int hash;

    public BytesKey(int db, byte[] bytes) {
        this.db = db;
        this.bytes = bytes;
        this.hash = Arrays.hashCode(bytes) * 31 + db;
    }

    public int db() {
        return db;
    }

    public byte[] bytes() {
        return bytes;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BytesKey k && k.hash == hash && k.db == db && Arrays.equals(k.bytes, bytes);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return "BytesKey[db=" + db + ", bytes=" + Bytes.str(bytes) + "]";
    }
}
