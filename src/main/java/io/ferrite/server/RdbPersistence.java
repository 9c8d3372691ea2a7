package io.ferrite.server;

import io.ferrite.common.Log;
import io.ferrite.engine.Shard;
import io.ferrite.persistence.rdb.Limits;
import io.ferrite.server.snapshot.EngineLoad;
import io.ferrite.server.snapshot.StartupLoad;
import io.ferrite.persistence.snapshot.RdbFile;
import io.ferrite.persistence.snapshot.RdbLoadException;
import io.ferrite.persistence.snapshot.RdbLoader;
import io.ferrite.persistence.snapshot.SaveState;
import io.ferrite.persistence.snapshot.ShardPart;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The server's side of RDB snapshots: where the file is (dir and dbfilename), the settings it is
 * written and loaded under, writing a set of shard parts as the file, and loading it at start-up.
 */
public final class RdbPersistence {
    private final Server server;
    private final SaveState state;

    RdbPersistence(Server server, int shards) {
        this.server = server;
        this.state = new SaveState(shards);
    }

    public SaveState state() {
        return state;
    }

    public Path file() {
        ServerConfig c = server.config();
        return c.resolve(c.get("dbfilename"));
    }

    /** The encoding settings values are written and loaded under. */
    public Limits limits() {
        ServerConfig c = server.config();
        return new Limits(c.getInt("list-max-listpack-size"), c.getLong("hash-max-listpack-entries"),
            c.getLong("hash-max-listpack-value"), c.getLong("set-max-intset-entries"),
            c.getLong("zset-max-listpack-entries"), c.getLong("zset-max-listpack-value"), c.getBool("rdbcompression"));
    }

    /** Whether the save points (the save directive) ask for a save on shutdown, as Redis's saveparamslen. */
    public boolean savePointsSet() {
        return !server.config().get("save").isBlank();
    }

    /** Each shard's change counter, read from this thread (an instant's figure, for INFO). */
    public long[] dirtyNow() {
        Shard[] shards = server.engine().shards();
        long[] d = new long[shards.length];
        for (int i = 0; i < shards.length; i++) {
            d[i] = shards[i].stats.dirty();
        }
        return d;
    }

    /** Writes the parts as dir/dbfilename; true when saved. {@code dirty} is each shard's counter at the cut. */
    public boolean write(List<ShardPart> parts, long[] dirty) {
        byte[] bytes = RdbFile.assemble(new RdbFile.Aux(Version.REDIS, System.currentTimeMillis() / 1000,
            server.engine().usedMemory()), parts, server.config().getBool("rdbchecksum"));
        try {
            RdbFile.write(file(), bytes);
        } catch (IOException e) {
            Log.warning("Write error saving DB on disk: " + e.getMessage());
            return false;
        }
        state.saved(dirty);
        return true;
    }

    /** SHUTDOWN's and SIGTERM's save, from a thread that is no shard's. */
    public boolean saveFromOutside() {
        try {
            long[] dirty = dirtyNow();
            return write(EngineLoad.serialiseAll(server.engine(), limits()), dirty);
        } catch (RdbLoadException e) {
            Log.warning(e.getMessage());
            return false;
        }
    }

    /** The SIGTERM path's save, logged as Redis's prepareForShutdown logs it. */
    void saveWithLog() {
        Log.notice("Saving the final RDB snapshot before exiting.");
        if (!saveFromOutside()) {
            Log.warning("Error trying to save the DB, can't exit.");
        }
    }

    /**
     * Redis's loadDataFromDisk: with appendonly no, dir/dbfilename is loaded (see {@link StartupLoad})
     * while the listeners answer -LOADING. A file that cannot be loaded stops the server.
     */
    void loadAtStartup() {
        if (server.config().getBool("appendonly")) {
            return;
        }
        ServerConfig c = server.config();
        StartupLoad.Settings settings = new StartupLoad.Settings(limits(), StartupLoad.lfuPolicy(c.get("maxmemory-policy")),
            () -> c.getInt("key-load-delay"), c.getLong("loading-process-events-interval-bytes"));
        try {
            RdbLoader.Result r = StartupLoad.fromFile(file(), server.engine(), settings, server.loadProgress(), server::isClosed);
            if (r != null) {
                state.loaded(r, dirtyNow());
            }
        } finally {
            server.loadProgress().stop();
        }
    }
}
