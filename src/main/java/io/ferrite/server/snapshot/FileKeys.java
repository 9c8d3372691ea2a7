package io.ferrite.server.snapshot;

import io.ferrite.engine.Engine;
import io.ferrite.engine.Shard;
import io.ferrite.persistence.rdb.Limits;
import io.ferrite.persistence.rdb.RdbInput;
import io.ferrite.persistence.snapshot.RdbLoadException;
import io.ferrite.persistence.snapshot.RdbLoader;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An RDB file read and sorted by owning shard, ready for each shard to add its own keys on its
 * own thread ({@link #addTo}): DEBUG RELOAD NOSAVE, which holds every shard while it loads, as
 * Redis blocks while it does. The file streams through a window; the keys are held until the
 * shards take them.
 */
public final class FileKeys {
    private final List<List<LoadedKey>> perShard = new ArrayList<>();
    private final boolean lfu;
    public final RdbLoader.Result result;

    private FileKeys(Engine engine, RdbInput in, Limits limits, boolean lfu, RdbLoader.Libraries libraries)
            throws RdbLoadException {
        this.lfu = lfu;
        for (int i = 0; i < engine.shardCount(); i++) {
            perShard.add(new ArrayList<>());
        }
        result = RdbLoader.load(in, limits, System.currentTimeMillis(), engine.shard(0).databases(), false, null, false,
            libraries, (db, key, value, expireAt, idle, freq) ->
                perShard.get(engine.shardOf(key).id).add(new LoadedKey(db, key, value, expireAt, idle, freq)));
    }

    /**
     * Reads the file; {@code lfu} when an LFU policy is on (the file's FREQ counters are kept, not
     * its IDLE times); its function libraries go to {@code libraries} as they come.
     */
    public static FileKeys read(Engine engine, Path file, Limits limits, boolean lfu, RdbLoader.Libraries libraries)
            throws RdbLoadException {
        try (InputStream s = Files.newInputStream(file)) {
            RdbInput in = RdbInput.streaming(s, Files.size(file), RdbInput.STREAM_WINDOW);
            return new FileKeys(engine, in, limits, lfu, libraries);
        } catch (IOException e) {
            throw new RdbLoadException("Fatal error loading the DB: " + e.getMessage() + ". Exiting.");
        }
    }

    /** Adds the shard's keys; on its thread. A key already there fails unless {@code merge}. */
    public void addTo(Shard shard, boolean merge) throws RdbLoadException {
        for (LoadedKey k : perShard.get(shard.id)) {
            ShardLoad.add(shard, k, lfu, merge);
        }
    }
}
