package io.ferrite.server.snapshot;

import io.ferrite.engine.Engine;
import io.ferrite.engine.Shard;
import io.ferrite.persistence.rdb.Limits;
import io.ferrite.persistence.rdb.LoadedValue;
import io.ferrite.persistence.snapshot.RdbLoadException;
import io.ferrite.persistence.snapshot.RdbLoader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An RDB file read and sorted by owning shard, ready for each shard to add its own keys on its
 * own thread ({@link #addTo}): start-up's load and DEBUG RELOAD NOSAVE.
 */
public final class FileKeys {
    private record Pending(int db, byte[] key, LoadedValue value, long expireAt) {
    }

    private final List<List<Pending>> perShard = new ArrayList<>();
    public final RdbLoader.Result result;

    private FileKeys(Engine engine, byte[] file, Limits limits, boolean quiet) throws RdbLoadException {
        for (int i = 0; i < engine.shardCount(); i++) {
            perShard.add(new ArrayList<>());
        }
        result = RdbLoader.load(file, limits, System.currentTimeMillis(), engine.shard(0).databases(), quiet,
            (db, key, value, expireAt) -> perShard.get(engine.shardOf(key).id).add(new Pending(db, key, value, expireAt)));
    }

    public static FileKeys read(Engine engine, byte[] file, Limits limits) throws RdbLoadException {
        return new FileKeys(engine, file, limits, false);
    }

    public static FileKeys read(Engine engine, Path file, Limits limits) throws RdbLoadException {
        try {
            return read(engine, Files.readAllBytes(file), limits);
        } catch (IOException e) {
            throw new RdbLoadException("Fatal error loading the DB: " + e.getMessage() + ". Exiting.");
        }
    }

    /** Adds the shard's keys; on its thread. A key already there fails unless {@code merge}. */
    public void addTo(Shard shard, boolean merge) throws RdbLoadException {
        for (Pending p : perShard.get(shard.id)) {
            ShardLoad.add(shard, p.db(), p.key(), p.value(), p.expireAt(), merge);
        }
    }
}
