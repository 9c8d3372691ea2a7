package io.ferrite.server;

import io.ferrite.common.Log;
import io.ferrite.engine.Shard;
import io.ferrite.persistence.rdb.Limits;
import io.ferrite.server.snapshot.EngineLoad;
import io.ferrite.persistence.snapshot.RdbFile;
import io.ferrite.persistence.snapshot.RdbLoadException;
import io.ferrite.persistence.snapshot.RdbLoader;
import io.ferrite.persistence.snapshot.SaveState;
import io.ferrite.persistence.snapshot.ShardPart;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

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
     * Redis's loadDataFromDisk: with appendonly no and dir/dbfilename present, every key is loaded
     * before a connection is accepted. A file that cannot be loaded stops the server.
     */
    void loadAtStartup() {
        if (server.config().getBool("appendonly")) {
            return;
        }
        Path f = file();
        if (!Files.exists(f)) {
            return;
        }
        long t0 = System.nanoTime();
        // the banner with the PID comes once the ports are bound, after the load: a supervisor
        // waiting for " PID: n" (Redis's test suite) learns here that this process is the server
        Log.notice("Loading " + f.getFileName() + " before accepting connections, PID: " + ProcessHandle.current().pid());
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(f);
        } catch (NoSuchFileException e) {
            return;
        } catch (IOException e) {
            String why = e instanceof java.nio.file.AccessDeniedException ? "Permission denied" : e.getMessage();
            throw new IllegalStateException("Fatal error loading the DB: " + why + ". Exiting.");
        }
        try {
            RdbLoader.Result r = EngineLoad.load(server.engine(), bytes, limits());
            state.loaded(r, dirtyNow());
            if (r.emptyKeysSkipped() > 0) {
                Log.warning("Done loading RDB, keys loaded: " + r.keysLoaded() + ", keys expired: " + r.keysExpired()
                    + ", empty keys skipped: " + r.emptyKeysSkipped() + ".");
            } else {
                Log.notice("Done loading RDB, keys loaded: " + r.keysLoaded() + ", keys expired: " + r.keysExpired() + ".");
            }
            Log.notice(String.format(Locale.ROOT, "DB loaded from disk: %.3f seconds", (System.nanoTime() - t0) / 1e9));
        } catch (RdbLoadException e) {
            Log.warning(e.getMessage());
            throw new IllegalStateException("Terminating server after rdb file reading failure.");
        }
    }
}
