package io.ferrite.store;

import java.util.Arrays;

/** A byte-array key for JDK maps outside the hot keyspace path (watchers, staged entries). */
public record BytesKey(int db, byte[] bytes) {
    @Override
    public boolean equals(Object o) {
        return o instanceof BytesKey k && k.db == db && Arrays.equals(k.bytes, bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes) * 31 + db;
    }
}
