package io.ferrite.server.aof;

import io.ferrite.common.Log;
import io.ferrite.engine.Session;
import io.ferrite.engine.feed.EffectFeed;
import io.ferrite.engine.feed.FeedSubscription;
import io.ferrite.persistence.aof.AofDirectory;
import io.ferrite.persistence.aof.AofLoadException;
import io.ferrite.persistence.aof.AofLoader;
import io.ferrite.persistence.aof.AofManifest;
import io.ferrite.persistence.aof.AofManifestException;
import io.ferrite.persistence.snapshot.RdbFile;
import io.ferrite.persistence.snapshot.ShardPart;
import io.ferrite.server.ChildStandIn;
import io.ferrite.server.LoggedFailure;
import io.ferrite.server.ServerConfig;
import io.ferrite.server.Version;
import io.ferrite.server.snapshot.AofRewriteCommands;
import io.ferrite.server.snapshot.EngineLoad;
import io.ferrite.server.snapshot.SnapshotFile;
import io.ferrite.persistence.snapshot.RdbLoadException;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The server's append-only file, as Redis 7.0 keeps it (aof.c): loading it at start-up instead of
 * the RDB file, the writer that appends the effects feed to the current incr file, BGREWRITEAOF
 * (a new incr file from a consistent cut, the base written from the data at the cut, then the
 * manifest swapped and the history deleted), automatic rewrites, CONFIG SET appendonly at run
 * time, the disk-error state that refuses writes, and the figures of INFO persistence.
 * <p>
 * States as Redis's aof_state: OFF; ON (writing the incr file the manifest names); WAIT_REWRITE
 * (appendonly just turned on: writes go to a temp incr file until the first rewrite gives a base).
 * The manifest is changed only under this object's lock, never on a shard thread.
 */
public final class AofPersistence {
    /** appendfsync. */
    public enum Fsync { ALWAYS, EVERYSEC, NO }

    enum State { OFF, ON, WAIT_REWRITE }

    private final AofHost server;
    private volatile State state = State.OFF;
    private AofManifest manifest = AofManifest.empty();
    private AofDirectory dir;
    private AofWriter writer;
    private AofClient internal;

    // figures of INFO persistence
    private volatile boolean rewriting;
    private volatile boolean rewriteScheduled;
    private volatile long rewriteStartSeconds = -1;
    private volatile long lastRewriteSeconds = -1;
    private volatile boolean lastRewriteOk = true;
    private volatile long rewrites;
    private volatile long consecutiveFailures;
    private volatile String writeError;
    private volatile String fsyncError;
    private volatile long currentSize;
    private volatile long baseSize;
    private volatile long delayedFsyncs;
    /** The rewrite in flight from its claim to its end, or null (guarded by this). */
    private Rewrite current;
    private final RewriteLimit limit = new RewriteLimit();
    private volatile ScheduledExecutorService cronThread;

    /** What a fatal AOF error does (Redis exits); tests may replace it. */
    static volatile java.util.function.Consumer<String> onFatal = why -> Runtime.getRuntime().halt(1);

    public AofPersistence(AofHost server) {
        this.server = server;
    }

    private ServerConfig config() {
        return server.config();
    }

    private AofDirectory directory() {
        ServerConfig c = config();
        return new AofDirectory(c.resolve("x").toAbsolutePath().getParent(), c.get("appenddirname"), c.get("appendfilename"));
    }

    public boolean enabled() {
        return state != State.OFF;
    }

    Fsync fsyncPolicy() {
        return Fsync.valueOf(config().get("appendfsync").toUpperCase(Locale.ROOT));
    }

    boolean timestamps() {
        return config().getBool("aof-timestamp-enabled");
    }

    /** no-appendfsync-on-rewrite: no fsync while a rewrite writes its base. */
    boolean noFsyncNow() {
        return rewriting && config().getBool("no-appendfsync-on-rewrite");
    }

    // ------------------------------------------------------------------ start-up

    /**
     * loadDataFromDisk with appendonly yes: the manifest's files (after the upgrade path for an old
     * single file), commands run through the dispatcher as the AOF client; then the AOF is opened
     * for writing (aofOpenIfNeededOnServerStart). Any failure stops the server.
     */
    public void start() {
        if (!config().getBool("appendonly")) {
            return;
        }
        dir = directory();
        try {
            startLoading();
            try {
                openOnStart();
            } catch (IOException e) {
                throw new IllegalStateException("Can't open the append-only file: " + e.getMessage());
            }
        } finally {
            // clients write only once the AOF takes their writes: one acknowledged in between
            // (the listeners are up) would be in no file, and lost at the next crash
            server.engine().loading(false);
        }
    }

    private void startLoading() {
        long t0 = System.nanoTime();
        try {
            // the port is open: a supervisor waiting for " PID: n" (Redis's test suite) may connect now
            Log.notice("Loading the append only file before serving clients, PID: " + ProcessHandle.current().pid());
            AofManifest am = dir.loadManifest();
            am = dir.upgradeIfNeeded(am);
            manifest = am;
            AofLoader.Result r = load(am, true);
            if (r.status() == AofLoader.Status.OK || r.status() == AofLoader.Status.TRUNCATED) {
                Log.notice(String.format(Locale.ROOT, "DB loaded from append only file: %.3f seconds",
                    (System.nanoTime() - t0) / 1e9));
            }
            currentSize = r.totalSize();
            baseSize = r.baseSize();
        } catch (AofManifestException e) {
            e.report().forEach(Log::warning);
            // the reason is logged above in Redis's words (the suite counts those lines): not repeated here
            throw new LoggedFailure("Exiting: the AOF manifest cannot be read (manifest error)");
        } catch (AofLoadException e) {
            throw new LoggedFailure("Exiting: the append only file cannot be loaded (" + e.getMessage() + ")");
        } catch (IOException e) {
            throw new IllegalStateException("Fatal error reading the append only file: " + e.getMessage());
        }
    }

    /** Loads the files; {@code atStartup}: the caller ends the loading state, once the AOF is open for writing. */
    private AofLoader.Result load(AofManifest am, boolean atStartup) throws AofLoadException {
        if (am.isEmpty()) {
            return new AofLoader.Result(AofLoader.Status.NOT_EXIST, 0, 0);
        }
        AofReplay replay = new AofReplay(server, client());
        server.engine().loading(true);
        try {
            AofLoader.Result r = new AofLoader(dir, config().getBool("aof-load-truncated"), replay).loadAll(am);
            replay.finish();
            return r;
        } finally {
            if (!atStartup) {
                server.engine().loading(false);
            }
        }
    }

    private synchronized AofClient client() {
        if (internal == null) {
            internal = new AofClient(server);
        }
        return internal;
    }

    /** aofOpenIfNeededOnServerStart: a base from the data if the manifest has none, the last incr opened, the manifest written. */
    /** The data as it is now, from a thread that is no shard's (start-up, before any client). */
    private List<ShardPart> dataNow() throws IOException {
        try {
            return EngineLoad.serialiseAll(server.engine(), server.rdbLimits());
        } catch (RdbLoadException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private synchronized void openOnStart() throws IOException {
        dir.createIfMissing();
        if (manifest.base() == null && manifest.incrs().isEmpty()) {
            AofManifest am = manifest.rewritten(dir.fileName(), config().getBool("aof-use-rdb-preamble"), 0);
            Path base = dir.file(am.base().name());
            writeBase(base, dataNow());
            manifest = am;
            Log.notice("Creating AOF base file " + am.base().name() + " on server start");
            baseSize = dir.size(am.base().name());
        }
        boolean existed = !manifest.incrs().isEmpty();
        if (!existed) {
            manifest = manifest.withNewIncr(dir.fileName());
        }
        String name = manifest.lastIncr().name();
        FileChannel ch = AofWriter.open(dir.file(name), false);
        dir.writeManifest(manifest);
        currentSize = dir.totalSize(manifest);
        Log.notice((existed ? "Opening" : "Creating") + " AOF incr file " + name + " on server start");
        startWriter(ch, name, ch.size());
        state = State.ON;
    }

    /** Subscribes to the feed and starts the writer; the subscription is the cut (no write runs while it is taken). */
    private void startWriter(FileChannel ch, String name, long size) {
        FeedSubscription sub = server.engine().feed().subscribe();
        long start = server.engine().feed().lastSeq();
        AofWriter w = new AofWriter(this, server.engine().feed(), sub, start, ch, name, size);
        writer = w;
        server.engine().feed().helper(w::help);
        // from the subscription on, a reply waits for the effects it follows to be written: not only
        // once the writer's first pass has run, or the first writes would be acknowledged unwritten
        server.engine().feed().syncedReplies(true);
        w.start();
    }

    // ------------------------------------------------------------------ the writer's callbacks

    /** The next incr file, opened and written into the manifest (openNewIncrAofForAppend). On the writer's thread. */
    synchronized AofWriter.NewIncr openNextIncr() throws IOException {
        AofManifest am = manifest.withNewIncr(dir.fileName());
        String name = am.lastIncr().name();
        FileChannel ch = AofWriter.open(dir.file(name), true);
        try {
            dir.writeManifest(am);
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        manifest = am;
        Log.notice("Creating AOF incr file " + name + " on background rewrite");
        return new AofWriter.NewIncr(name, ch);
    }

    void grew(long bytes) {
        currentSize += bytes;
    }

    void writeFailed(String reason) {
        writeError = reason;
    }

    void writeSucceeded() {
        if (writeError != null) {
            Log.warning("AOF write error looks solved, Redis can write again.");
            writeError = null;
        }
    }

    void fsyncFailed(String reason) {
        fsyncError = reason;
    }

    void fsyncSucceeded() {
        fsyncError = null;
    }

    void delayedFsync() {
        delayedFsyncs++;
    }

    void fatal(String why) {
        onFatal.accept(why);
    }

    /** Redis's writeCommandsDeniedByDiskError for the AOF: its last write or background fsync failed. */
    public String writesDenied() {
        if (state == State.OFF) {
            return null;
        }
        String e = writeError != null ? writeError : fsyncError;
        return e == null ? null : "MISCONF Errors writing to the AOF file: " + e;
    }

    /**
     * Runs {@link #cron} ten times a second (Redis's default hz) on a thread of its own: it takes
     * this object's lock, which a start-up load holds while the shards serialise their data, so
     * it must never wait on a shard's thread.
     */
    public void startCron() {
        ScheduledExecutorService t = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread th = new Thread(r, "ferrite-aof-cron");
            th.setDaemon(true);
            return th;
        });
        t.scheduleWithFixedDelay(() -> {
            try {
                cron();
            } catch (RuntimeException e) {
                // a failed tick must not end the schedule (an executor drops a task that throws)
                Log.warning("AOF cron: " + e);
            }
        }, 100, 100, TimeUnit.MILLISECONDS);
        cronThread = t;
    }

    /**
     * serverCron's AOF part, about ten times a second: a rewrite scheduled while a background
     * save ran (or after a failed one while AOF is being turned on) starts once none runs, and
     * a rewrite starts on growth; both wait while repeated failures limit them ({@link RewriteLimit}).
     */
    synchronized void cron() {
        long now = System.currentTimeMillis();
        if (current != null || server.snapshotting()) {
            return;
        }
        if (rewriteScheduled && (state == State.WAIT_REWRITE || state == State.ON)
                && !limit.limited(consecutiveFailures, now / 1000)) {
            triggerRewrite();
            return;
        }
        long perc = config().getLong("auto-aof-rewrite-percentage");
        if (state != State.ON || perc == 0 || currentSize <= config().getLong("auto-aof-rewrite-min-size")) {
            return;
        }
        long base = baseSize == 0 ? 1 : baseSize;
        long growth = currentSize * 100 / base - 100;
        if (growth >= perc && !limit.limited(consecutiveFailures, now / 1000)) {
            Log.notice("Starting automatic rewriting of AOF on " + growth + "% growth");
            triggerRewrite();
        }
    }

    /**
     * BGREWRITEAOF while a background save runs: the rewrite starts once it ends. Asked for by a
     * user, so it starts however many rewrites failed before (Redis resets the count here).
     */
    public void scheduleRewrite() {
        rewriteScheduled = true;
        consecutiveFailures = 0;
    }

    /**
     * A rewrite the server starts itself: it is claimed now (its child started, so INFO and pgrep
     * show it at once, as after Redis's fork), then run as the server's own BGREWRITEAOF, off the
     * caller's thread, which takes it over ({@link #claim}).
     */
    private synchronized void triggerRewrite() {
        if (current != null) {
            return;
        }
        startRewrite(false);
        Thread t = new Thread(() -> client().call("BGREWRITEAOF"), "ferrite-aof-trigger");
        t.setDaemon(true);
        t.start();
    }

    // ------------------------------------------------------------------ BGREWRITEAOF

    /**
     * A rewrite in flight, from its claim (where Redis forks) to its end: the child standing for
     * it, what stopped it, and, from its cut, the cut in the feed and the rotation the writer does there.
     */
    final class Rewrite {
        private volatile ChildStandIn child;
        /** Taken by the BGREWRITEAOF that runs it (one the server started waits for its own call). */
        private boolean taken;
        private volatile int signal;
        private volatile SnapshotFile snapshot;
        private volatile long cut;
        private volatile State stateAtCut;
        private volatile CompletableFuture<String> rotated;

        /** The process standing for the rewrite: its pid names the temp files. */
        long pid() {
            return ChildStandIn.pidOf(child);
        }

        /**
         * Stops the rewrite: its child killed by {@code signal}, or {@link SnapshotFile#GIVEN_UP}
         * when Ferrite gives it up (appendonly turned off), which is no failure.
         */
        void stop(int sig) {
            if (signal == 0) {
                signal = sig;
            }
            SnapshotFile f = snapshot;
            if (f != null) {
                f.stop(signal);
            }
        }

        /** The snapshot writing the base: stopped at once if the rewrite already was. */
        void writesBaseWith(SnapshotFile f) {
            snapshot = f;
            if (signal != 0) {
                f.stop(signal);
            }
        }
    }

    /**
     * BGREWRITEAOF's first step, on the caller's thread before its cut: the rewrite, its child
     * started, or null when none may start (one is in flight, or {@code saveRunning}: a
     * background save owns the snapshot marks). A rewrite the server started itself is handed
     * to the first BGREWRITEAOF that asks (its own call), or given up if a save got in first.
     */
    synchronized Rewrite claim(boolean saveRunning) {
        Rewrite r = current;
        if (r != null && !r.taken) {
            if (!saveRunning) {
                r.taken = true;
                return r;
            }
            end(r);
            rewriteScheduled = true;
            return null;
        }
        if (r != null || saveRunning) {
            return null;
        }
        return startRewrite(true);
    }

    /** rewriteAppendOnlyFileBackground's parent side: the child started, the rewrite counted and logged. */
    private Rewrite startRewrite(boolean taken) {
        Rewrite r = new Rewrite();
        r.taken = taken;
        r.child = ChildStandIn.start(r::stop);
        current = r;
        rewriting = true;
        rewriteScheduled = false;
        rewrites++;
        server.stats().totalForks.increment();
        rewriteStartSeconds = System.currentTimeMillis() / 1000;
        Log.notice("Background append only file rewriting started by pid " + r.pid());
        return r;
    }

    /** The rewrite is over: its child ended first (as Redis reaps it), then a new rewrite may start. */
    private synchronized void end(Rewrite r) {
        ChildStandIn child = r.child;
        if (child != null) {
            child.end();
        }
        if (current == r) {
            current = null;
            lastRewriteSeconds = System.currentTimeMillis() / 1000 - rewriteStartSeconds;
            rewriteStartSeconds = -1;
            rewriting = false;
        }
    }

    /**
     * At the cut (every shard held, on a shard's thread): asks the writer to start a new incr
     * file after the last entry so far (it stays in the manifest even if the rewrite fails, as
     * in Redis), or (appendonly just turned on) starts writing the feed from here into the temp
     * incr file. False, the rewrite ended, when that file cannot be opened.
     */
    synchronized boolean beginAtCut(Rewrite r) {
        long cut = server.engine().feed().lastSeq();
        State s = state;
        if (s == State.ON) {
            r.rotated = writer.rotateAt(cut);
        } else if (s == State.WAIT_REWRITE && writer == null) {
            try {
                dir.createIfMissing();
                String temp = dir.tempIncrName();
                FileChannel ch = AofWriter.open(dir.file(temp), true);
                startWriter(ch, temp, 0);
            } catch (IOException e) {
                Log.warning("Can't open the append-only file " + dir.tempIncrName() + ": " + e.getMessage());
                lastRewriteOk = false;
                end(r);
                return false;
            }
        }
        r.cut = cut;
        r.stateAtCut = s;
        return true;
    }

    /** Whether a rewrite is in flight (BGREWRITEAOF answers "already in progress"). */
    public boolean rewriting() {
        return rewriting;
    }

    /**
     * Whether the rewrite in flight writes the first AOF of an `appendonly yes` just set (Redis's
     * AOF_WAIT_REWRITE with its child running): a shutdown then would lose the data set, so it
     * is refused unless FORCE.
     */
    public boolean writingInitialFile() {
        return rewriting && state == State.WAIT_REWRITE;
    }

    /**
     * The fork-less snapshot taken at the cut is being written ({@code written} completes once it
     * is in place): with the RDB preamble it is the base itself, at {@link #baseTemp}; without, it
     * is an RDB file at {@code snapshot} that is then turned into the commands base, streaming.
     * Then the manifest is swapped.
     */
    void baseWhenWritten(Rewrite r, CompletableFuture<Boolean> written, Path snapshot) {
        finishAside(r, temp -> {
            try {
                if (!written.get()) {
                    throw new IOException("the snapshot of the base failed");
                }
                if (snapshot != null) {
                    writeCommandsBase(snapshot, temp);
                }
            } finally {
                if (snapshot != null) {
                    Files.deleteIfExists(snapshot);
                }
            }
        });
    }

    /** Where the snapshot of {@code r}'s commands base is written before it becomes commands. */
    Path baseSnapshotTemp(Rewrite r) throws IOException {
        Path temp = baseTemp(r);
        return temp.resolveSibling(temp.getFileName() + ".rdb");
    }

    private void writeCommandsBase(Path snapshot, Path target) throws IOException {
        try (FileChannel ch = AofWriter.open(target, true);
             OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16)) {
            AofRewriteCommands.convert(snapshot, out, server.rdbLimits(), server.engine().shard(0).databases(),
                timestamps());
            out.flush();
            ch.force(true);
        }
        AofDirectory.forceDirectory(target.getParent());
    }

    /**
     * Where the new base of {@code r} is written before it is renamed into the manifest:
     * temp-rewriteaof-bg-PID.aof after its child, as Redis's child names it (the directory made if missing).
     */
    synchronized Path baseTemp(Rewrite r) throws IOException {
        createDir();
        return dir.file(dir.tempBaseName(r.pid()));
    }

    /** Where the snapshot writing the base of {@code r} writes until it is complete (Redis's child: temp-rewrite-PID.aof). */
    synchronized Path snapshotTemp(Rewrite r) throws IOException {
        createDir();
        return dir.file(dir.tempRewriteName(r.pid()));
    }

    private void createDir() throws IOException {
        if (dir == null) {
            dir = directory();
        }
        dir.createIfMissing();
    }

    /** Writes the base at its temp path. */
    private interface BaseWriter {
        void write(Path temp) throws Exception;
    }

    private void finishAside(Rewrite r, BaseWriter base) {
        Thread t = new Thread(() -> finish(r, base), "ferrite-aof-rewrite");
        t.setDaemon(true);
        t.start();
    }

    /** The base written, then swapped in; or the failure handled as Redis's backgroundRewriteDoneHandler handles it. */
    private void finish(Rewrite r, BaseWriter base) {
        Path temp = null;
        boolean ok = false;
        try {
            temp = baseTemp(r);
            String tempName = temp.getFileName().toString();
            base.write(temp);
            if (r.signal != 0) {
                throw new IOException("stopped by signal " + r.signal);
            }
            Log.notice("Successfully created the temporary AOF base file " + tempName);
            Log.notice("Background AOF rewrite terminated with success");
            if (r.rotated != null) {
                r.rotated.get(60, TimeUnit.SECONDS);
            }
            swapIn(r, temp, tempName);
            ok = true;
            lastRewriteOk = true;
            consecutiveFailures = 0;
            Log.notice("Background AOF rewrite finished successfully");
        } catch (Exception e) {
            failed(r, e);
        } finally {
            if (!ok) {
                removeQuietly(temp);
            }
            ended(r, ok);
        }
    }

    /** A rewrite that did not complete: killed (its child died of a signal), given up, or failed. */
    private void failed(Rewrite r, Exception e) {
        int sig = r.signal;
        if (sig == SnapshotFile.GIVEN_UP) {
            // Ferrite stopped it (appendonly turned off or on again): no failure, as SIGUSR1 in Redis
            return;
        }
        lastRewriteOk = false;
        consecutiveFailures++;
        if (sig != 0) {
            Log.warning("Background AOF rewrite terminated by signal " + sig);
        } else {
            Log.warning("Background AOF rewrite terminated with error: " + e.getMessage());
        }
    }

    /**
     * The end of every rewrite (backgroundRewriteDoneHandler's cleanup): the child ended, and
     * while AOF is being turned on a failed rewrite's temp incr file goes, so the next one starts
     * from its own cut, and that next one is scheduled.
     */
    private synchronized void ended(Rewrite r, boolean ok) {
        if (!ok && state == State.WAIT_REWRITE) {
            stopWriting();
            String name = dir.tempIncrName();
            Log.notice("Removing the temp incr aof file " + name + " in the background");
            removeQuietly(dir.file(name));
        }
        end(r);
        if (state == State.WAIT_REWRITE) {
            rewriteScheduled = true;
        }
    }

    private static void removeQuietly(Path file) {
        try {
            if (file != null) {
                Files.deleteIfExists(file);
            }
        } catch (IOException ignored) {
            // a leftover temp file is harmless: the manifest never names it
        }
    }

    /** backgroundRewriteDoneHandler: the new base renamed in, the older files become history, the manifest written, history deleted. */
    private synchronized void swapIn(Rewrite r, Path temp, String tempName) throws IOException {
        boolean preamble = config().getBool("aof-use-rdb-preamble");
        State s = state;
        // the incr file opened at the cut stays; with AOF off (or being turned on) every old incr goes
        AofManifest am = manifest.rewritten(dir.fileName(), preamble, s == State.ON && r.stateAtCut == State.ON ? 1 : 0);
        String baseName = am.base().name();
        Files.move(temp, dir.file(baseName), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Log.notice("Successfully renamed the temporary AOF base file " + tempName + " into " + baseName);
        if (s == State.WAIT_REWRITE && writer != null) {
            AofManifest withIncr = am.withNewIncr(dir.fileName());
            String incr = withIncr.lastIncr().name();
            Files.move(dir.file(dir.tempIncrName()), dir.file(incr), StandardCopyOption.ATOMIC_MOVE);
            writer.renamed(incr);
            Log.notice("Successfully renamed the temporary AOF incr file " + dir.tempIncrName() + " into " + incr);
            am = withIncr;
        }
        dir.writeManifest(am);
        manifest = am;
        if (s == State.WAIT_REWRITE) {
            state = State.ON;
        }
        if (state != State.OFF) {
            currentSize = dir.totalSize(am);
            baseSize = currentSize;
        }
        if (!config().getBool("aof-disable-auto-gc")) {
            manifest = dir.deleteHistory(manifest);
        }
    }

    /** A base file: the RDB preamble (aof-base 1) or, with aof-use-rdb-preamble no, commands; written, fsynced. */
    private void writeBase(Path target, List<ShardPart> parts) throws IOException {
        byte[] bytes;
        if (config().getBool("aof-use-rdb-preamble")) {
            bytes = RdbFile.assemble(new RdbFile.Aux(Version.REDIS, System.currentTimeMillis() / 1000,
                server.engine().usedMemory(), true), server.libraryCodes(), parts, config().getBool("rdbchecksum"));
        } else {
            bytes = AofRewriteCommands.of(server.libraryCodes(), parts, server.rdbLimits(), server.engine().shard(0).databases(),
                timestamps());
        }
        try (FileChannel ch = AofWriter.open(target, true)) {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
        AofDirectory.forceDirectory(target.getParent());
    }

    // ------------------------------------------------------------------ DEBUG

    public void flushSleepMicros(long micros) {
        AofWriter w = writer;
        if (w != null) {
            w.flushSleepMicros(micros);
        }
    }

    /**
     * DEBUG LOADAOF: what is pending is written, the data set emptied and loaded again from the
     * files the manifest on disk names (their commands are not written again), then the caller
     * gets its OK. Off the caller's thread: the commands run through the dispatcher like any
     * client's. A file that cannot be loaded ends the server, as in Redis.
     */
    public void debugLoadAof(Session caller) {
        Thread t = new Thread(() -> {
            EffectFeed feed = server.engine().feed();
            AofWriter w = writer;
            try {
                if (w != null) {
                    w.awaitWritten(feed.lastSeq());
                    w.skipFrom(feed.lastSeq());
                }
                synchronized (this) {
                    if (dir == null) {
                        dir = directory();
                    }
                }
                emptyData();
                AofManifest am = dir.loadManifest();
                if (!config().getBool("aof-disable-auto-gc")) {
                    am = dir.deleteHistory(am);
                }
                synchronized (this) {
                    manifest = am;
                }
                load(am, false);
                // what was just loaded is on disk already (Redis sets server.dirty to 0 here)
                server.changesSaved();
                Log.notice("Append Only File loaded by DEBUG LOADAOF");
            } catch (Exception e) {
                Log.warning("DEBUG LOADAOF failed: " + e.getMessage());
                fatal("DEBUG LOADAOF");
                return;
            } finally {
                if (w != null) {
                    w.skipEnds(feed.lastSeq());
                }
            }
            caller.deliver((reply, client) -> {
                reply.ok();
                return true;
            });
        }, "ferrite-aof-debug-load");
        t.setDaemon(true);
        t.start();
    }

    /**
     * Redis's emptyData for DEBUG LOADAOF: every database emptied, database by database (and the function libraries), so a
     * background save in progress goes on (FLUSHALL would give it up, as it kills Redis's child).
     */
    private void emptyData() {
        AofClient c = client();
        int databases = config().getInt("databases");
        for (int db = 0; db < databases; db++) {
            c.call("SELECT", Integer.toString(db));
            c.call("FLUSHDB");
        }
        c.call("SELECT", "0");
        // emptyData without EMPTYDB_NOFUNCTIONS: the libraries go too, and come back from the files
        c.call("FUNCTION", "FLUSH");
    }

    // ------------------------------------------------------------------ CONFIG SET appendonly

    /** CONFIG SET appendonly: yes starts writing through a rewrite (startAppendOnly), no stops (stopAppendOnly). */
    public synchronized void appendonlyChanged() {
        boolean on = config().getBool("appendonly");
        if (on && state == State.OFF) {
            dir = directory();
            try {
                manifest = dir.loadManifest();
            } catch (IOException | AofManifestException e) {
                manifest = AofManifest.empty();
            }
            writeError = null;
            fsyncError = null;
            state = State.WAIT_REWRITE;
            Rewrite r = current;
            if (server.snapshotting()) {
                rewriteScheduled = true;
                Log.warning("AOF was enabled but there is already another background operation. An AOF background"
                    + " was scheduled to start when possible.");
            } else if (r != null) {
                // its base is not followed by the writes from its cut: a new rewrite starts once it has stopped
                Log.warning("AOF was enabled but there is already an AOF rewriting in background. Stopping background"
                    + " AOF and starting a rewrite now.");
                r.stop(SnapshotFile.GIVEN_UP);
                rewriteScheduled = true;
            } else {
                triggerRewrite();
            }
        } else if (!on && state != State.OFF) {
            stopWriting();
            state = State.OFF;
            rewriteScheduled = false;
            stopRewrite();
        }
    }

    /** killAppendOnlyChild: a rewrite in flight is given up (no failure); its child ended. */
    private void stopRewrite() {
        Rewrite r = current;
        if (r != null) {
            Log.notice("Killing running AOF rewrite child: " + r.pid());
            r.stop(SnapshotFile.GIVEN_UP);
        }
    }

    /** CONFIG SET aof-disable-auto-gc no: the history files go at once (Redis's updateAofAutoGCEnabled). */
    public synchronized void autoGcChanged() {
        if (config().getBool("aof-disable-auto-gc") || dir == null || manifest.history().isEmpty()) {
            return;
        }
        try {
            manifest = dir.deleteHistory(manifest);
        } catch (IOException e) {
            Log.warning("Failed to delete the AOF history files: " + e.getMessage());
        }
    }

    private void stopWriting() {
        AofWriter w = writer;
        writer = null;
        server.engine().feed().helper(null);
        if (w != null) {
            w.stop();
        }
        server.engine().feed().syncedReplies(false);
    }

    /** Server shutdown: everything appended so far is written and fsynced; a rewrite in flight stops, its child ended. */
    public void close() {
        ScheduledExecutorService t = cronThread;
        if (t != null) {
            t.shutdownNow();
        }
        stopWriting();
        Rewrite r;
        synchronized (this) {
            r = current;
        }
        if (r != null) {
            r.stop(SnapshotFile.GIVEN_UP);
            ChildStandIn child = r.child;
            if (child != null) {
                child.end();
            }
        }
    }

    // ------------------------------------------------------------------ INFO persistence

    /** The aof_* fields of INFO persistence, as Redis's genRedisInfoString prints them. */
    public void info(StringBuilder out) {
        field(out, "aof_enabled", state != State.OFF ? 1 : 0);
        field(out, "aof_rewrite_in_progress", rewriting ? 1 : 0);
        field(out, "aof_rewrite_scheduled", rewriteScheduled && !rewriting ? 1 : 0);
        field(out, "aof_last_rewrite_time_sec", lastRewriteSeconds);
        long start = rewriteStartSeconds;
        field(out, "aof_current_rewrite_time_sec", rewriting && start >= 0 ? System.currentTimeMillis() / 1000 - start : -1);
        field(out, "aof_last_bgrewrite_status", lastRewriteOk ? "ok" : "err");
        field(out, "aof_rewrites", rewrites);
        field(out, "aof_rewrites_consecutive_failures", consecutiveFailures);
        field(out, "aof_last_write_status", writeError == null && fsyncError == null ? "ok" : "err");
        field(out, "aof_last_cow_size", 0);
    }

    /** The fields Redis adds while appendonly is on. */
    public void infoWhenOn(StringBuilder out) {
        if (state == State.OFF) {
            return;
        }
        AofWriter w = writer;
        field(out, "aof_current_size", currentSize);
        field(out, "aof_base_size", baseSize);
        field(out, "aof_pending_rewrite", rewriteScheduled && !rewriting ? 1 : 0);
        field(out, "aof_buffer_length", 0);
        field(out, "aof_pending_bio_fsync", w == null ? 0 : w.pendingFsyncs());
        field(out, "aof_delayed_fsync", delayedFsyncs);
    }

    private static void field(StringBuilder out, String name, Object value) {
        out.append(name).append(':').append(value).append("\r\n");
    }
}
