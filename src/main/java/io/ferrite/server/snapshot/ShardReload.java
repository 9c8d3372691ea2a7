package io.ferrite.server.snapshot;

import io.ferrite.persistence.snapshot.RdbFile;
import io.ferrite.persistence.snapshot.RdbLoader;
import io.ferrite.persistence.snapshot.RdbLoadException;
import io.ferrite.persistence.snapshot.ShardPart;
import io.ferrite.engine.Shard;
import io.ferrite.persistence.rdb.Limits;

import java.util.List;

/**
 * DEBUG RELOAD's part on one shard, on its thread, with every shard held: the shard's numbered
 * databases are emptied and its keys read back from the part it just serialised. The slot map
 * gives every key of the part to this shard, so reloading the parts one per shard is loading the
 * file they make. The changes loading counts are taken back, as Redis's load leaves server.dirty
 * alone (and the reload does not propagate).
 */
public final class ShardReload {
    private ShardReload() {
    }

    public static RdbLoader.Result reload(Shard shard, ShardPart part, Limits limits, boolean flush, boolean merge)
            throws RdbLoadException {
        long dirtyBefore = shard.stats.dirty();
        if (flush) {
            flush(shard);
        }
        byte[] file = RdbFile.assemble(new RdbFile.Aux("", 0, 0), List.of(part), true);
        RdbLoader.Result r = RdbLoader.load(file, limits, shard.view(0).now(), shard.databases(), true,
            (db, key, value, expireAt, idle, freq) ->
                ShardLoad.add(shard, new LoadedKey(db, key, value, expireAt, idle, freq), shard.engine.access().lfu(),
                    merge));
        shard.view(0).countChanges(dirtyBefore - shard.stats.dirty());
        return r;
    }

    /** DEBUG RELOAD NOSAVE's part: the shard's keys of a file read beforehand, the changes taken back likewise. */
    public static void load(Shard shard, FileKeys keys, boolean flush, boolean merge) throws RdbLoadException {
        long dirtyBefore = shard.stats.dirty();
        if (flush) {
            flush(shard);
        }
        try {
            keys.addTo(shard, merge);
        } finally {
            shard.view(0).countChanges(dirtyBefore - shard.stats.dirty());
        }
    }

    private static void flush(Shard shard) {
        for (int db = 0; db < shard.databases(); db++) {
            shard.view(db).flush();
        }
    }
}
