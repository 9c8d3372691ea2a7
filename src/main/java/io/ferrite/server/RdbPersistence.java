package io.ferrite.server;

import io.ferrite.common.Log;
import io.ferrite.engine.Cut;
import io.ferrite.engine.Shard;
import io.ferrite.persistence.rdb.Limits;
import io.ferrite.server.snapshot.StartupLoad;
import io.ferrite.persistence.snapshot.RdbFile;
import io.ferrite.persistence.snapshot.RdbLoadException;
import io.ferrite.persistence.snapshot.RdbLoader;
import io.ferrite.persistence.snapshot.SaveState;
import io.ferrite.persistence.snapshot.ShardPart;
import io.ferrite.replication.ReplicationLog;
import io.ferrite.scripting.Scripting;
import io.ferrite.server.snapshot.ShardSnapshot;
import io.ferrite.server.snapshot.SnapshotFile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The server's side of RDB snapshots: where the file is (dir and dbfilename), the settings it is
 * written and loaded under, writing a set of shard parts as the file, and loading it at start-up.
 */
public final class RdbPersistence {
    /** How long a file's header waits for the replication stream to reach the cut. */
    private static final long FIELDS_WAIT_SECONDS = 10;

    private final Server server;
    private final SaveState state;
    /** The background save in progress, or null: claimed before its cut, so only one runs. */
    private final AtomicReference<SnapshotFile> background = new AtomicReference<>();
    /** [repl-replica] The replication AUX fields of the file loaded at start-up, or null. */
    private volatile RdbLoader.ReplicationAux startupReplication;

    public RdbLoader.ReplicationAux startupReplication() {
        return startupReplication;
    }

    /** The process standing for the background save in progress (set with {@link #background}), or null. */
    private volatile ChildStandIn child;
    /** BGSAVE SCHEDULE while an AOF rewrite runs: the save starts once it ends (rdb_bgsave_scheduled). */
    private volatile boolean scheduled;

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
            c.getLong("zset-max-listpack-entries"), c.getLong("zset-max-listpack-value"), c.getBool("rdbcompression"),
            // files are loaded with every check only under "yes" ("clients" is RESTORE's)
            c.get("sanitize-dump-payload").equals("yes"));
    }

    /** Whether the save points (the save directive) ask for a save on shutdown, as Redis's saveparamslen. */
    public boolean savePointsSet() {
        return !server.config().get("save").isBlank();
    }

    /**
     * rdb-del-sync-files with every kind of persistence off (Redis's allPersistenceDisabled): an
     * RDB file that only served a full sync is deleted rather than left around.
     */
    public boolean deletesSyncFiles(boolean aofOn) {
        return server.config().getBool("rdb-del-sync-files") && !savePointsSet() && !aofOn;
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
        SnapshotFile.Head head = headAtCut().take().join();
        byte[] bytes = RdbFile.assemble(new RdbFile.Aux(Version.REDIS, System.currentTimeMillis() / 1000,
            server.engine().usedMemory()).withReplication(head.replication()), head.libraries(), parts,
            server.config().getBool("rdbchecksum"));
        try {
            RdbFile.write(file(), bytes);
        } catch (IOException e) {
            Log.warning("Write error saving DB on disk: " + e.getMessage());
            return false;
        }
        state.saved(dirty);
        return true;
    }

    /**
     * The first step of a background save, on any thread: its file, or null when one is already
     * in progress. Every shard must then take its cut ({@link #cutOn}) while all are held, and
     * {@link #started} follows once they have. A child process stands for the save from here
     * (see {@link ChildStandIn}): its pid names the temp file, and killing it fails the save.
     */
    public SnapshotFile claimBackground() {
        if (background.get() != null) {
            return null;
        }
        CompletableFuture<SnapshotFile> claimed = new CompletableFuture<>();
        ChildStandIn child = ChildStandIn.start(signal -> claimed.thenAccept(f -> f.stop(signal)));
        SnapshotFile f = newFile(RdbFile.tempFor(file(), ChildStandIn.pidOf(child)));
        if (!background.compareAndSet(null, f)) {
            if (child != null) {
                child.end();
            }
            return null;
        }
        this.child = child;
        claimed.complete(f);
        return f;
    }

    /** SAVE's file: written by the server itself, so no child stands for it (Redis's rdbSave names it by its own pid). */
    public SnapshotFile claimForeground() {
        SnapshotFile f = newFile(RdbFile.tempFor(file(), "-bg"));
        if (!background.compareAndSet(null, f)) {
            return null;
        }
        child = null;
        return f;
    }

    private SnapshotFile newFile(Path temp) {
        return new SnapshotFile(file(), temp, server.engine().shardCount(), server.config().getInt("databases"),
            new RdbFile.Aux(Version.REDIS, System.currentTimeMillis() / 1000, server.engine().usedMemory()),
            server.config().getBool("rdbchecksum")).headAtCut(headAtCut());
    }

    /**
     * What an RDB file holds before its keys, read at its cut (every shard held): the function
     * libraries (rdbSaveFunctions), and the replication fields of rdbPopulateSaveInfo.
     */
    public SnapshotFile.HeadAtCut headAtCut() {
        return () -> {
            List<byte[]> libraries = server.scripting().libraryCodes();
            CompletableFuture<RdbLoader.ReplicationAux> fields = server.replica().isReplica()
                ? CompletableFuture.completedFuture(server.replica().saveInfo())
                : server.replication().fieldsAtCut(server.engine().feed().lastSeq());
            // the stream reaches a cut within milliseconds; a replication thread gone (the server closing) gives none
            return fields.completeOnTimeout(null, FIELDS_WAIT_SECONDS, TimeUnit.SECONDS).exceptionally(e -> null)
                .thenApply(r -> new SnapshotFile.Head(r, libraries));
        };
    }

    /**
     * Claims the snapshot marks for {@code f}, a snapshot to another sink (a diskless full sync's
     * replicas): false while another save is in progress. It is no save of the data set (LASTSAVE
     * and the change counter stay), so it ends with {@link #releaseBackground}, not {@link #started}.
     * A child process stands for it as for a BGSAVE (rdbSaveToSlavesSockets forks too): pgrep finds
     * it, killing it fails the transfer, and it ends with the server.
     */
    public boolean claimBackground(SnapshotFile f) {
        if (background.get() != null) {
            return false;
        }
        ChildStandIn child = ChildStandIn.start(f::stop);
        if (!background.compareAndSet(null, f)) {
            if (child != null) {
                child.end();
            }
            return false;
        }
        this.child = child;
        server.stats().totalForks.increment();
        return true;
    }

    /** The pid reported for the background job in progress: its stand-in's, or the server's own. */
    public long childPid() {
        return ChildStandIn.pidOf(child);
    }

    /** The snapshot {@code f} claimed with {@link #claimBackground(SnapshotFile)} has ended; its stand-in goes. */
    public void releaseBackground(SnapshotFile f) {
        ChildStandIn c = child;
        if (background.get() == f && c != null) {
            c.end();
        }
        background.compareAndSet(f, null);
    }

    /** A shard's cut of the save {@code f}, on its thread while every shard is held; its change counter then. */
    public long cutOn(Shard shard, SnapshotFile f) {
        ShardSnapshot.begin(shard, f, limits(), Math.max(0, server.config().getLong("rdb-key-save-delay")));
        return shard.stats.dirty();
    }

    /**
     * Every shard has taken its cut: the file is written from here on, and the save's end is
     * recorded as Redis's backgroundSaveDoneHandlerDisk records its child's end.
     */
    public void started(SnapshotFile f, long[] dirtyAtCut) {
        ChildStandIn child = this.child;
        state.bgsaveStarted();
        server.stats().totalForks.increment();
        Log.notice("Background saving started by pid " + ChildStandIn.pidOf(child));
        f.done().thenAccept(ok -> {
            // the child is gone before the save is seen to end, as when Redis reaps it
            if (child != null) {
                child.end();
            }
            if (ok) {
                Log.notice("Background saving terminated with success");
            } else if (f.signal() != 0) {
                Log.warning("Background saving terminated by signal " + f.signal());
            } else {
                Log.warning("Background saving error");
            }
            state.bgsaveEnded(ok, f.aborted(), dirtyAtCut, f.preservedBytes());
            background.compareAndSet(f, null);
        });
        f.start();
    }

    /**
     * SAVE's end, on the client's thread once every shard has handed over its keys: waits for
     * the writer to finish the file (no shard is needed for that); true when saved.
     */
    public boolean savedInForeground(SnapshotFile f, long[] dirty) {
        boolean ok;
        try {
            ok = f.done().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ok = false;
        } catch (ExecutionException e) {
            ok = false;
        }
        if (ok) {
            state.saved(dirty);
        }
        background.compareAndSet(f, null);
        return ok;
    }

    /** BGSAVE SCHEDULE: a background save as soon as no AOF rewrite runs. */
    public void scheduleBackground() {
        scheduled = true;
    }

    /** Whether a background save is in progress (from its claim to the end of its file). */
    public boolean backgroundInProgress() {
        return background.get() != null;
    }

    /** The background save in progress (for its figures in INFO), or null. */
    public SnapshotFile background() {
        return background.get();
    }

    /** Starts a background save from no client (a save point): true when one was started. */
    public boolean backgroundSave() {
        SnapshotFile f = claimBackground();
        if (f == null) {
            return false;
        }
        Shard[] shards = server.engine().shards();
        long[] dirty = new long[shards.length];
        Cut.take(server.engine(), s -> dirty[s.id] = cutOn(s, f), () -> started(f, dirty));
        return true;
    }

    /** SHUTDOWN and the server closing: a background save in progress stops and its temp file goes. */
    public void abortBackground() {
        SnapshotFile f = background.get();
        if (f != null) {
            // the server is going: its child goes now, not once the walks have ended
            ChildStandIn c = child;
            if (c != null) {
                c.end();
            }
            f.abort();
        }
    }

    /**
     * Redis's serverCron save points: a background save when, for one "seconds changes" pair of
     * the save directive, that many changes were made and that many seconds passed since the
     * last save; after a failed one, not again for 5 seconds (CONFIG_BGSAVE_RETRY_DELAY).
     */
    void cron() {
        if (backgroundInProgress() || server.aof().rewriting()) {
            return;
        }
        if (scheduled && backgroundSave()) {
            scheduled = false;
            return;
        }
        String[] points = server.config().get("save").trim().split("\\s+");
        long now = System.currentTimeMillis() / 1000;
        long changes = state.changesSince(dirtyNow());
        for (int i = 0; i + 1 < points.length; i += 2) {
            long seconds;
            long needed;
            try {
                seconds = Long.parseLong(points[i]);
                needed = Long.parseLong(points[i + 1]);
            } catch (NumberFormatException e) {
                return;
            }
            if (changes >= needed && now - state.lastSaveSeconds() > seconds
                    && (now - state.lastBgsaveTrySeconds() > 5 || state.lastBgsaveOk())) {
                Log.notice(changes + " changes in " + seconds + " seconds. Saving...");
                backgroundSave();
                return;
            }
        }
    }

    /**
     * Redis's writeCommandsDeniedByDiskError for RDB: with save points set and
     * stop-writes-on-bgsave-error yes, a failed background save stops writes until one succeeds.
     */
    String writesDeniedBecause() {
        if (!state.lastBgsaveOk() && savePointsSet() && server.config().getBool("stop-writes-on-bgsave-error")) {
            return MISCONF;
        }
        return null;
    }

    static final String MISCONF = "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to"
        + " persist to disk. Commands that may modify the data set are disabled, because this instance is configured"
        + " to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please"
        + " check the Redis logs for details about the RDB error.";

    /** What a load reads files under: the encodings, the eviction policy, Redis's test knobs. */
    private StartupLoad.Settings loadSettings() {
        ServerConfig c = server.config();
        return new StartupLoad.Settings(limits(), StartupLoad.lfuPolicy(c.get("maxmemory-policy")),
            () -> c.getInt("key-load-delay"), c.getLong("loading-process-events-interval-bytes"));
    }

    // ------------------------------------------------------------------ function libraries in the files

    /**
     * A library of a file being loaded created (rdbFunctionLoad), where no script can run: with
     * {@code replace} one of its name is replaced (DEBUG RELOAD MERGE), else that fails. A failure
     * is logged as Redis logs it and stops the load with its words.
     */
    public static void createLibrary(Scripting scripting, byte[] code, boolean replace) throws RdbLoadException {
        String err = scripting.createLibrary(code, replace);
        if (err != null) {
            Log.warning("Failed loading library, " + err);
            throw new RdbLoadException(RdbLoader.SHORT_READ);
        }
    }

    /**
     * For a load on a thread of its own (start-up, an AOF base, a replica's full sync): each library
     * is created as it comes, with every shard held, since a script may be running (a replica
     * serves read-only ones) and the function Lua state is for one thread at a time.
     */
    RdbLoader.Libraries creatingLibraries() {
        return code -> {
            RdbLoadException[] failed = new RdbLoadException[1];
            holdingAll(() -> {
                try {
                    createLibrary(server.scripting(), code, false);
                } catch (RdbLoadException e) {
                    failed[0] = e;
                }
            });
            if (failed[0] != null) {
                throw failed[0];
            }
        };
    }

    /** Runs {@code work} with every shard held, from a thread that is no shard's, and returns once it ran. */
    private void holdingAll(Runnable work) {
        Shard[] shards = server.engine().shards();
        CompletableFuture<Void> done = new CompletableFuture<>();
        Cut.take(server.engine(), s -> {
            if (s.id == shards.length - 1) {
                work.run();
            }
        }, () -> done.complete(null));
        done.join();
    }

    /**
     * Loads an append-only file's RDB base or preamble into the engine, streaming it from the
     * file as the start-up load does; its result's end is where the RDB part ended in the file.
     * Keys whose time has passed are kept, as Redis loads an AOF's base.
     */
    public RdbLoader.Result loadBase(Path file) throws RdbLoadException {
        try {
            return new StartupLoad(server.engine(), loadSettings(), server.loadProgress(), server::isClosed)
                .keepingExpired().creatingLibraries(creatingLibraries()).load(file);
        } catch (IOException e) {
            throw new RdbLoadException("Error reading the RDB base: " + e.getMessage());
        } finally {
            server.loadProgress().stop();
        }
    }

    /**
     * [repl-replica] A replica's full sync (readSyncBulkPayload's rdbLoad with RDBFLAGS_REPLICATION):
     * the master's file, loaded as at start-up (clients get -LOADING) but keeping the keys whose
     * time has passed, since the master still has them and will send their DEL.
     */
    public RdbLoader.Result loadFromMaster(Path file) throws IOException, RdbLoadException {
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(file)) {
            return loadFromMasterStream(in, java.nio.file.Files.size(file));
        }
    }

    /** As {@link #loadFromMaster}, from a diskless sync's payload; {@code size} 0 when unknown (an EOF-marked one). */
    public RdbLoader.Result loadFromMasterStream(java.io.InputStream payload, long size) throws IOException, RdbLoadException {
        try {
            // a full load replaces the libraries too (readSyncBulkPayload's functionsLibCtxClear)
            holdingAll(() -> server.scripting().flushLibraries());
            // with no length known, the input is bounded only by what the master sends
            RdbLoader.Result r = new StartupLoad(server.engine(), loadSettings(), server.loadProgress(), server::isClosed)
                .keepingExpired().creatingLibraries(creatingLibraries()).load(payload, size > 0 ? size : Long.MAX_VALUE / 2);
            state.loaded(r, dirtyNow());
            return r;
        } finally {
            server.loadProgress().stop();
        }
    }

    /**
     * [repl-replica] A diskless full sync under repl-diskless-load swapdb (readSyncBulkPayload
     * loading into a temp db): the keys go beside the data set, which stays as it is, served to
     * clients when {@code async} (async_loading) and refused with -LOADING otherwise, until
     * {@link #swapInLoaded} or {@link #dropLoaded} ends the load. The file's function libraries
     * come back in the result, created only when swapped in.
     */
    public RdbLoader.Result loadAside(java.io.InputStream payload, long size, boolean async)
            throws IOException, RdbLoadException {
        onEveryShard(Shard::beginStaged);
        server.loadProgress().async(async);
        try {
            return new StartupLoad(server.engine(), loadSettings(), server.loadProgress(), server::isClosed)
                .keepingExpired().staged().load(payload, size > 0 ? size : Long.MAX_VALUE / 2);
        } catch (IOException | RdbLoadException | RuntimeException e) {
            dropLoaded();
            throw e;
        }
    }

    /**
     * The load beside the data set succeeded (swapMainDbWithTempDb, functionsLibCtxSwapWithCurrent):
     * with every shard held, its databases and libraries replace the old ones, which go.
     */
    public void swapInLoaded(RdbLoader.Result r) {
        int last = server.engine().shardCount() - 1;
        CompletableFuture<Void> done = new CompletableFuture<>();
        Cut.take(server.engine(), s -> {
            s.swapInStaged();
            if (s.id == last) {
                server.scripting().flushLibraries();
                for (byte[] code : r.libraries()) {
                    try {
                        createLibrary(server.scripting(), code, false);
                    } catch (RdbLoadException e) {
                        // logged by createLibrary; the keys are in place already
                    }
                }
            }
        }, () -> done.complete(null));
        done.join();
        state.loaded(r, dirtyNow());
        server.loadProgress().stop();
    }

    /** The load beside the data set failed: what it loaded goes, the old data set stays (disklessLoadDiscardTempDb). */
    public void dropLoaded() {
        onEveryShard(Shard::dropStaged);
        server.loadProgress().stop();
    }

    private void onEveryShard(java.util.function.Consumer<Shard> work) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Cut.take(server.engine(), work, () -> done.complete(null));
        done.join();
    }

    /**
     * Redis's flushAllDataAndResetRDB: with save points set, the emptied data set is saved at
     * once, so the file does not bring back what FLUSHALL removed and the change counter is 0.
     */
    void afterFlushAll() {
        if (!savePointsSet()) {
            return;
        }
        long[] dirty = dirtyNow();
        write(List.of(), dirty);
    }

    /**
     * SHUTDOWN's save: a background save in progress is given up first, as Redis's
     * prepareForShutdown kills its child, then a file of this save's own is claimed and its writer
     * started; every shard then streams its keys into it ({@link ShardSnapshot#saveNow}) and
     * {@link #savedInForeground} waits for the file. Null if the save could not be claimed.
     */
    public SnapshotFile claimForShutdown() {
        SnapshotFile running = background.get();
        if (running != null) {
            Log.warning("There is a child saving an .rdb. Killing it!");
            abortBackground();
            try {
                running.done().get(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                Log.warning("The background save did not stop in time: " + e);
            }
            background.compareAndSet(running, null);
        }
        SnapshotFile f = claimForeground();
        if (f != null) {
            f.start();
        }
        return f;
    }

    /**
     * SIGTERM's save, from a thread that is no shard's: a cut across every shard, as BGSAVE takes
     * it, then each shard walks its keys into the file between the commands it still serves,
     * and this thread waits for the file. (A shard cannot write all its keys while the cut holds
     * it: the file's writer waits for every shard's cut before a key goes out, and its queue is
     * bounded.)
     */
    public boolean saveFromOutside() {
        SnapshotFile f = claimForShutdown();
        if (f == null) {
            return false;
        }
        long[] dirty = new long[server.engine().shardCount()];
        CompletableFuture<Void> cut = new CompletableFuture<>();
        Cut.take(server.engine(), s -> dirty[s.id] = cutOn(s, f), () -> cut.complete(null));
        cut.join();
        return savedInForeground(f, dirty);
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
        StartupLoad.Settings settings = loadSettings();
        // a master keeps the names of the keys found expired: their deletions follow its restored history
        List<StartupLoad.ExpiredKey> expired = server.engine().replica() ? null : new ArrayList<>();
        try {
            RdbLoader.Result r = StartupLoad.fromFile(file(), server.engine(), settings, server.loadProgress(), server::isClosed,
                creatingLibraries(), expired);
            if (r != null) {
                state.loaded(r, dirtyNow());
                startupReplication = r.replication();
                if (expired != null && restorable(r.replication())) {
                    // still -LOADING: no client's write can come between the history and the deletions
                    continueHistory(r.replication(), expired);
                }
            }
        } finally {
            server.loadProgress().stop();
        }
    }

    /** loadDataFromDisk's test of the fields: an id, an offset, and a stream database (older versions wrote -1). */
    private static boolean restorable(RdbLoader.ReplicationAux aux) {
        return aux != null && aux.replId() != null && aux.replOffset() != -1 && aux.streamDb() != -1;
    }

    /**
     * A master started from a file holding its replication fields (loadDataFromDisk): its history
     * goes on from the file's id and offset, so the replicas that followed it continue, and the
     * keys the load found expired are deleted in the stream, as Redis feeds their DELs to the
     * backlog while loading (a replica still has them).
     */
    private void continueHistory(RdbLoader.ReplicationAux aux, List<StartupLoad.ExpiredKey> expired) {
        if (aux.replId().length() != ReplicationLog.ID_LENGTH || aux.replOffset() < 0) {
            return;
        }
        server.replication().pump().restoreHistory(aux.replId(), aux.replOffset()).join();
        for (StartupLoad.ExpiredKey k : expired) {
            server.engine().feed().expired(k.db(), k.key());
        }
    }
}
