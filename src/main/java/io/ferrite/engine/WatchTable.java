package io.ferrite.engine;

import io.ferrite.store.BytesKey;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The clients WATCHing each key of one shard. A change to a watched key marks the watchers' EXEC
 * as doomed (Redis's touchWatchedKey); only the flag crosses threads.
 */
final class WatchTable {
    private final Map<BytesKey, List<Client>> watchers = new HashMap<>();

    boolean isEmpty() {
        return watchers.isEmpty();
    }

    int size() {
        return watchers.size();
    }

    void watch(int db, byte[] key, Client c) {
        List<Client> l = watchers.computeIfAbsent(new BytesKey(db, key), k -> new ArrayList<>(2));
        if (!l.contains(c)) {
            l.add(c);
        }
    }

    void unwatch(int db, byte[] key, Client c) {
        BytesKey k = new BytesKey(db, key);
        List<Client> l = watchers.get(k);
        if (l != null) {
            l.remove(c);
            if (l.isEmpty()) {
                watchers.remove(k);
            }
        }
    }

    void touch(int db, byte[] key) {
        if (watchers.isEmpty()) {
            return;
        }
        List<Client> l = watchers.get(new BytesKey(db, key));
        if (l != null) {
            for (Client c : l) {
                c.casDirty = true;
            }
        }
    }

    /** FLUSHDB, FLUSHALL and SWAPDB: touch the watched keys {@code affected} picks (those present, as Redis does). */
    void touchWhere(java.util.function.Predicate<BytesKey> affected) {
        for (Map.Entry<BytesKey, List<Client>> e : watchers.entrySet()) {
            if (affected.test(e.getKey())) {
                for (Client c : e.getValue()) {
                    c.casDirty = true;
                }
            }
        }
    }

    Iterable<BytesKey> keys() {
        return watchers.keySet();
    }
}
