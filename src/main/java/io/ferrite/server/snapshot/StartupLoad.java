package io.ferrite.server.snapshot;

import io.ferrite.common.Log;
import io.ferrite.engine.Engine;
import io.ferrite.engine.Shard;
import io.ferrite.persistence.rdb.Limits;
import io.ferrite.persistence.rdb.LoadedValue;
import io.ferrite.persistence.rdb.RdbInput;
import io.ferrite.persistence.snapshot.LoadProgress;
import io.ferrite.persistence.snapshot.RdbLoadException;
import io.ferrite.persistence.snapshot.RdbLoader;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

/**
 * Loading the RDB file at start-up (Redis's loadDataFromDisk and rdbLoad) while the listeners
 * already serve: the file streams through {@link RdbInput}'s window on the calling thread, and
 * each key goes to the shard the slot map gives it in batches, which each shard adds on its own
 * thread between the connections it serves (where Redis calls processEventsWhileBlocked). At most
 * {@link #MAX_IN_FLIGHT} batches wait for their shards: the reader stops until one is taken. So
 * what the load holds beside the keyspace is the window, one batch being filled per shard and the
 * batches in flight, whatever the file's size.
 */
public final class StartupLoad {
    /** A shard's batch is sent once its keys took this many bytes of the file... */
    static final int BATCH_BYTES = 256 * 1024;
    /** ...or once it has this many keys. */
    static final int BATCH_KEYS = 1024;
    /** Batches handed to shards and not yet added: the back-pressure on the reader. */
    static final int MAX_IN_FLIGHT = 8;
    /** How often the reader, waiting for a shard, checks that the server is still up. */
    private static final long STOP_CHECK_MILLIS = 100;
    /** Files from this size get progress lines in the log, one per tenth. */
    private static final long PROGRESS_LOG_MIN_BYTES = 16L * 1024 * 1024;

    /**
     * What a load follows: the encodings' limits, whether an LFU policy is on (then the file's FREQ
     * counters are kept, else its IDLE times), Redis's key-load-delay (read per key, so CONFIG SET
     * changes a load in progress, as in Redis) and loading-process-events-interval-bytes.
     */
    public record Settings(Limits limits, boolean lfu, IntSupplier keyLoadDelay, long progressInterval) {
    }

    /** What bounded the load's memory: the largest read window and the most batches in flight at once. */
    public record Bounds(int peakWindow, int peakInFlight) {
    }

    private final Engine engine;
    private final Settings settings;
    private final LoadProgress progress;
    private final BooleanSupplier stopped;
    private final Semaphore permits = new Semaphore(MAX_IN_FLIGHT);
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final List<List<LoadedKey>> open = new ArrayList<>();
    private final long[] openBytes;
    private int peakInFlight;
    private int peakWindow;
    private long lastPosition;
    private int loggedTenths;

    /** Loads keys whose time has passed too (an append-only file's base); see RdbLoader#load. */
    public StartupLoad keepingExpired() {
        keepExpired = true;
        return this;
    }

    private boolean keepExpired;
    private boolean staged;

    /** The keys go to each shard's swapdb load ({@link Shard#beginStaged}, begun by the caller) rather than its live databases. */
    public StartupLoad staged() {
        staged = true;
        return this;
    }
    private RdbLoader.Libraries libraries;

    /** A key the file held whose time had passed: a master restarting propagates its deletion. */
    public record ExpiredKey(int db, byte[] key) {
    }

    private List<ExpiredKey> expiredKeys;

    /**
     * The keys skipped because their time had passed are kept in {@code into}, for a master whose
     * history continues from the file to propagate their deletion (rdbLoad with RDBFLAGS_FEED_REPL).
     */
    public StartupLoad keepingExpiredNames(List<ExpiredKey> into) {
        expiredKeys = into;
        return this;
    }

    /** The file's function libraries go to {@code l} as they come (see RdbLoader.Libraries). */
    public StartupLoad creatingLibraries(RdbLoader.Libraries l) {
        libraries = l;
        return this;
    }

    public StartupLoad(Engine engine, Settings settings, LoadProgress progress, BooleanSupplier stopped) {
        this.engine = engine;
        this.settings = settings;
        this.progress = progress;
        this.stopped = stopped;
        for (int i = 0; i < engine.shardCount(); i++) {
            open.add(new ArrayList<>());
        }
        openBytes = new long[engine.shardCount()];
    }

    /**
     * loadDataFromDisk with an RDB file: no file, or a server stopped meanwhile, nothing loaded
     * (null); a file that cannot be read or loaded stops start-up with Redis's last words (an
     * {@link IllegalStateException}).
     */
    public static RdbLoader.Result fromFile(Path file, Engine engine, Settings settings, LoadProgress progress,
            BooleanSupplier stopped, RdbLoader.Libraries libraries, List<ExpiredKey> expired) {
        if (!Files.exists(file)) {
            return null;
        }
        long t0 = System.nanoTime();
        try {
            RdbLoader.Result r = new StartupLoad(engine, settings, progress, stopped).creatingLibraries(libraries)
                .keepingExpiredNames(expired).load(file);
            if (r.emptyKeysSkipped() > 0) {
                Log.warning("Done loading RDB, keys loaded: " + r.keysLoaded() + ", keys expired: " + r.keysExpired()
                    + ", empty keys skipped: " + r.emptyKeysSkipped() + ".");
            } else {
                Log.notice("Done loading RDB, keys loaded: " + r.keysLoaded() + ", keys expired: " + r.keysExpired() + ".");
            }
            Log.notice(String.format(Locale.ROOT, "DB loaded from disk: %.3f seconds", (System.nanoTime() - t0) / 1e9));
            return r;
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            String why = e instanceof AccessDeniedException ? "Permission denied" : e.getMessage();
            throw new IllegalStateException("Fatal error loading the DB: " + why + ". Exiting.");
        } catch (RdbLoadException e) {
            if (stopped.getAsBoolean()) {
                // SHUTDOWN or a signal ended the server during the load: that is no failure of the file
                return null;
            }
            Log.warning(e.getMessage());
            reportAsCheckRdb(file, e.getMessage());
            throw new IllegalStateException("Terminating server after rdb file reading failure.");
        }
    }

    /**
     * Redis's rdbReportError for a file being loaded runs redis-check-rdb on it before exiting, so
     * the log holds the checker's report of the error too; the part of it Ferrite knows: the file,
     * and the error with its offset.
     */
    private static void reportAsCheckRdb(Path file, String error) {
        String offset = "0";
        int at = error.indexOf("offset ");
        if (at >= 0) {
            int end = at + 7;
            while (end < error.length() && Character.isDigit(error.charAt(end))) {
                end++;
            }
            offset = error.substring(at + 7, end);
        }
        Log.raw("[offset 0] Checking RDB file " + file.getFileName() + "\n"
            + "--- RDB ERROR DETECTED ---\n"
            + "[offset " + offset + "] " + error + "\n");
    }

    /**
     * Loads the file into the engine; returns once every shard added its keys, the progress still
     * showing the load (the caller ends it once the load's figures are recorded, so no client sees
     * the data set loaded before they are).
     */
    public RdbLoader.Result load(Path file) throws IOException, RdbLoadException {
        try (InputStream s = Files.newInputStream(file)) {
            return load(s, Files.size(file));
        }
    }

    /** As {@link #load(Path)}, from {@code size} bytes of a stream (an append-only file's RDB base). */
    public RdbLoader.Result load(InputStream s, long size) throws IOException, RdbLoadException {
        RdbInput in = RdbInput.streaming(s, size, RdbInput.STREAM_WINDOW);
        progress.start(size, settings.progressInterval());
        try {
            // a replica keeps them too, as Redis's rdbLoad skips expired keys only when iAmMaster
            RdbLoader.Result r = RdbLoader.load(in, settings.limits(), System.currentTimeMillis(),
                engine.shard(0).databases(), false, progress, keepExpired || engine.replica(), libraries, new RdbLoader.Sink() {
                    @Override
                    public void key(int db, byte[] key, LoadedValue value, long expireAt, long idle, int freq)
                            throws RdbLoadException {
                        int shard = engine.shardOf(key).id;
                        long at = in.position();
                        open.get(shard).add(new LoadedKey(db, key, value, expireAt, idle, freq));
                        openBytes[shard] += at - lastPosition;
                        lastPosition = at;
                        if (openBytes[shard] >= BATCH_BYTES || open.get(shard).size() >= BATCH_KEYS) {
                            send(shard);
                        }
                        logProgress(at, size);
                        delay(settings.keyLoadDelay().getAsInt());
                    }

                    @Override
                    public void expired(int db, byte[] key) {
                        if (expiredKeys != null) {
                            expiredKeys.add(new ExpiredKey(db, key));
                        }
                    }
                });
            for (int i = 0; i < open.size(); i++) {
                send(i);
            }
            awaitShards();
            peakWindow = in.peakWindow();
            return r;
        } catch (RdbLoadException | RuntimeException e) {
            progress.stop();
            throw e;
        }
    }

    /** The bounds the last load kept to. */
    public Bounds bounds() {
        return new Bounds(peakWindow, peakInFlight);
    }

    /** Hands the shard's open batch to it, first waiting while {@link #MAX_IN_FLIGHT} batches are in flight. */
    private void send(int shardId) throws RdbLoadException {
        List<LoadedKey> batch = open.get(shardId);
        if (batch.isEmpty()) {
            return;
        }
        open.set(shardId, new ArrayList<>());
        openBytes[shardId] = 0;
        acquire(1);
        peakInFlight = Math.max(peakInFlight, inFlight.incrementAndGet());
        Shard shard = engine.shard(shardId);
        try {
            shard.run(() -> {
                try {
                    for (LoadedKey k : batch) {
                        if (staged) {
                            ShardLoad.addStaged(shard, k, settings.lfu());
                        } else {
                            ShardLoad.add(shard, k, settings.lfu(), false);
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                } finally {
                    inFlight.decrementAndGet();
                    permits.release();
                }
            });
        } catch (RejectedExecutionException e) {
            throw new RdbLoadException("Loading stopped: the server is shutting down");
        }
    }

    /** Waits for {@code n} permits, giving up when the server stops or a shard failed. */
    private void acquire(int n) throws RdbLoadException {
        try {
            while (!permits.tryAcquire(n, STOP_CHECK_MILLIS, TimeUnit.MILLISECONDS)) {
                if (stopped.getAsBoolean()) {
                    throw new RdbLoadException("Loading stopped: the server is shutting down");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RdbLoadException("Interrupted while loading the DB");
        }
        checkShards();
    }

    /** Every batch added: all permits back. */
    private void awaitShards() throws RdbLoadException {
        acquire(MAX_IN_FLIGHT);
        permits.release(MAX_IN_FLIGHT);
    }

    private void checkShards() throws RdbLoadException {
        Throwable e = failure.get();
        if (e instanceof RdbLoadException le) {
            throw le;
        }
        if (e != null) {
            throw new RdbLoadException("Internal error loading the DB: " + e);
        }
    }

    private void logProgress(long at, long size) {
        if (size < PROGRESS_LOG_MIN_BYTES) {
            return;
        }
        int tenths = (int) (at * 10 / size);
        if (tenths > loggedTenths && tenths < 10) {
            loggedTenths = tenths;
            Log.notice("Loading RDB: " + tenths * 10 + "% (" + at + " of " + size + " bytes), keys loaded: "
                + progress.keysLoaded());
        }
    }

    /**
     * Redis's debugDelay for key-load-delay: a positive value sleeps that many microseconds per key;
     * a negative -n sleeps one microsecond for one key in n on average, since even the shortest
     * sleep costs a context switch.
     */
    static void delay(int micros) {
        if (micros == 0) {
            return;
        }
        if (micros < 0) {
            micros = java.util.concurrent.ThreadLocalRandom.current().nextInt(-micros) == 0 ? 1 : 0;
        }
        if (micros > 0) {
            LockSupport.parkNanos(micros * 1000L);
        }
    }

    /** Whether the policy named is an LFU one (Redis's MAXMEMORY_FLAG_LFU). */
    public static boolean lfuPolicy(String maxmemoryPolicy) {
        return maxmemoryPolicy != null && maxmemoryPolicy.toLowerCase(Locale.ROOT).contains("lfu");
    }
}
