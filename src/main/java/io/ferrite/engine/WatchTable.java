package io.ferrite.engine;

import io.ferrite.common.ShardConfined;
import io.ferrite.store.BytesKey;
import io.ferrite.store.Db;
import io.ferrite.store.Entry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The clients WATCHing each key of one shard. A change to a watched key marks the watchers' EXEC
 * as doomed (Redis's touchWatchedKey); only the flag crosses threads. A key that had already
 * expired when it was watched is "stale": its deletion is no logical change, as in Redis 7.0.
 */
@ShardConfined
final class WatchTable {
    /** One client's WATCH of one key; {@code expired}: the key was logically expired (Redis's watchedKey.expired). */
    private static final class Watch {
        final Client client;
        boolean expired;

        Watch(Client client, boolean expired) {
            this.client = client;
            this.expired = expired;
        }
    }

    private final Map<BytesKey, List<Watch>> watchers = new HashMap<>();

    boolean isEmpty() {
        return watchers.isEmpty();
    }

    int size() {
        return watchers.size();
    }

    void watch(int db, byte[] key, Client c, boolean expired) {
        List<Watch> l = watchers.computeIfAbsent(new BytesKey(db, key), k -> new ArrayList<>(2));
        for (Watch w : l) {
            if (w.client == c) {
                return;
            }
        }
        l.add(new Watch(c, expired));
    }

    void unwatch(int db, byte[] key, Client c) {
        BytesKey k = new BytesKey(db, key);
        List<Watch> l = watchers.get(k);
        if (l != null) {
            l.removeIf(w -> w.client == c);
            if (l.isEmpty()) {
                watchers.remove(k);
            }
        }
    }

    /** The key changed; {@code exists}: whether it exists now (a stale key deleted is no change). */
    void touch(int db, byte[] key, boolean exists) {
        List<Watch> l = watchers.get(new BytesKey(db, key));
        if (l != null) {
            for (Watch w : l) {
                if (w.expired && !exists) {
                    // deleted keys are not flagged as expired
                    w.expired = false;
                    continue;
                }
                w.client.casDirty = true;
            }
        }
    }

    /**
     * Redis's touchAllWatchedKeysInDb: database {@code index}'s contents {@code emptied} are being
     * replaced by {@code replacedWith} (SWAPDB) or by nothing (FLUSHDB/FLUSHALL, null). Watched
     * keys present in either are touched, except where nothing changed logically: a stale key that
     * goes away or stays stale, or a missing key replaced by a stale one (which becomes stale).
     */
    void replaced(int index, Db emptied, Db replacedWith, long now) {
        for (Map.Entry<BytesKey, List<Watch>> e : watchers.entrySet()) {
            BytesKey k = e.getKey();
            if (k.db() != index) {
                continue;
            }
            boolean existed = emptied.find(k.bytes()) != null;
            Entry repl = replacedWith == null ? null : replacedWith.find(k.bytes());
            if (!existed && repl == null) {
                continue;
            }
            boolean replExpired = repl != null && expired(repl, now);
            for (Watch w : e.getValue()) {
                if (w.expired) {
                    if (repl == null) {
                        w.expired = false;
                        continue;
                    }
                    if (replExpired) {
                        continue;
                    }
                } else if (!existed && replExpired) {
                    w.expired = true;
                    continue;
                }
                w.client.casDirty = true;
            }
        }
    }

    /** EXEC's check (Redis's isWatchedKeyExpired): {@code c}'s watch of the key was live and the key has logically expired since. */
    boolean expiredSinceWatch(int db, byte[] key, Client c, Db table, long now) {
        List<Watch> l = watchers.get(new BytesKey(db, key));
        if (l == null) {
            return false;
        }
        for (Watch w : l) {
            if (w.client == c) {
                Entry e = table.find(key);
                return !w.expired && e != null && expired(e, now);
            }
        }
        return false;
    }

    private static boolean expired(Entry e, long now) {
        return e.hasExpiry() && e.expireAt() < now;
    }

    Iterable<BytesKey> keys() {
        return watchers.keySet();
    }
}
