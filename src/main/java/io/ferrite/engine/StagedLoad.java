package io.ferrite.engine;

import io.ferrite.common.ShardConfined;
import io.ferrite.store.Db;
import io.ferrite.store.Encoding;
import io.ferrite.store.Entry;
import io.ferrite.store.ValueType;

/**
 * A replica's full sync loaded beside the data set it replaces, on one shard (Redis's
 * repl-diskless-load swapdb: the load fills temporary databases while the old ones stay, and
 * swapMainDbWithTempDb puts them in place once the load succeeded; a failed load leaves the old
 * data set as it was). Nothing reads these databases until {@link Shard#swapInStaged}.
 */
@ShardConfined
public final class StagedLoad {
    private final Shard shard;
    private final Db[] dbs;

    StagedLoad(Shard shard) {
        this.shard = shard;
        dbs = new Db[shard.databases()];
        for (int i = 0; i < dbs.length; i++) {
            dbs[i] = new Db();
            // the generation of the live database: a snapshot in progress meets the new entries as its own
            dbs[i].mark(shard.dbs[i].mark());
        }
    }

    /** Adds a loaded key with the access time of a new one; null when the database already holds it. */
    public Entry add(int db, byte[] key, ValueType type, Object value, Encoding encoding, long nowMillis) {
        Db d = dbs[db];
        if (d.find(key) != null) {
            return null;
        }
        Entry e = d.add(key, type, value, encoding);
        e.lru(shard.engine.access().created(nowMillis));
        return e;
    }

    public void expire(int db, Entry e, long at) {
        dbs[db].setExpire(e, at);
    }

    Db db(int index) {
        return dbs[index];
    }
}
