package io.ferrite.server.snapshot;

import io.ferrite.persistence.snapshot.RdbLoadException;
import io.ferrite.engine.Shard;
import io.ferrite.engine.ShardKeyspace;
import io.ferrite.persistence.rdb.LoadedValue;
import io.ferrite.store.Entry;

import java.nio.charset.StandardCharsets;

/**
 * Adds loaded keys to one shard, on that shard's thread. A key the database already holds is a
 * fault of the file (Redis's "RDB has duplicated key"), unless merging, where the file's value
 * replaces it (DEBUG RELOAD MERGE).
 */
final class ShardLoad {
    private ShardLoad() {
    }

    static void add(Shard shard, int db, byte[] key, LoadedValue v, long expireAt, boolean merge)
            throws RdbLoadException {
        ShardKeyspace ks = shard.view(db);
        Entry old = ks.findStored(key);
        if (old != null) {
            if (!merge) {
                throw new RdbLoadException("RDB has duplicated key '" + new String(key, StandardCharsets.ISO_8859_1)
                    + "' in DB " + db);
            }
            ks.replace(old, v.type(), v.value(), v.encoding());
            if (expireAt != -1 || old.hasExpiry()) {
                ks.expire(old, expireAt == -1 ? Entry.NO_EXPIRY : expireAt);
            }
            return;
        }
        Entry e = ks.add(key, v.type(), v.value(), v.encoding());
        if (expireAt != -1) {
            ks.expire(e, expireAt);
        }
    }
}
