package io.ferrite.server.aof;

import io.ferrite.common.Log;
import io.ferrite.engine.feed.EffectFeed;
import io.ferrite.engine.feed.FeedEntry;
import io.ferrite.engine.feed.FeedSubscription;
import io.ferrite.persistence.aof.AofBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The thread that turns the effects feed into the incr file, as Redis's feedAppendOnlyFile and
 * flushAppendOnlyFile do: it takes every entry available, encodes them (SELECT, MULTI/EXEC as they
 * come, #TS annotations), writes them with one write, then per appendfsync: always, fsync before
 * anything else (one fsync for every client's pending writes: group commit) and then tells the feed
 * how far the disk has it, which releases the replies waiting on it; everysec, an fsync on a
 * background thread once a second (a write waits up to 2 s for a running fsync, then goes ahead
 * and counts a delayed fsync); no, never. The shard threads never wait for it.
 * <p>
 * A rewrite's cut is a feed number: every entry up to it stays in the current file, the first
 * after it opens the next incr file ({@link #rotateAt}).
 */
final class AofWriter implements Runnable {
    /** Bytes gathered before they are written even if more entries are waiting. */
    private static final int WRITE_CHUNK = 4 << 20;
    /** Seconds between two logs of the same write error (Redis's AOF_WRITE_LOG_ERROR_RATE). */
    private static final long ERROR_LOG_SECONDS = 30;

    private final AofPersistence aof;
    private final EffectFeed feed;
    private final FeedSubscription sub;
    private final AofBuffer buffer = new AofBuffer();
    private final Thread thread;
    private final ExecutorService fsyncer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "ferrite-aof-fsync");
        t.setDaemon(true);
        return t;
    });
    private final AtomicInteger pendingFsyncs = new AtomicInteger();
    /** Held by whichever thread does the writer's work: this one, or a client's helping ({@link #help}). */
    private final ReentrantLock passLock = new ReentrantLock();

    private FileChannel channel;
    private String fileName;
    /** The last feed entry taken into {@link #buffer} (or before the subscription, its start). */
    private long lastSeq;
    /** The last feed entry written to the file. */
    private volatile long writtenSeq;
    private long fileSize;
    private long fsyncedSize;
    private long lastFsyncSecond;
    private long postponedSince;
    private long lastErrorLog;
    private volatile boolean stopping;
    /** Entries numbered after the first and up to the second are not written (DEBUG LOADAOF's own replay). */
    private volatile long skipAfter = Long.MAX_VALUE;
    private volatile long skipUntil = Long.MAX_VALUE;
    /** DEBUG AOF-FLUSH-SLEEP: a pause before each write, for tests that look at the file meanwhile. */
    private volatile long flushSleepMicros;
    private volatile Rotation rotation;

    /** A rotation asked for at a cut: done once the writer has passed it. */
    record Rotation(long seq, CompletableFuture<String> done) {
    }

    AofWriter(AofPersistence aof, EffectFeed feed, FeedSubscription sub, long startSeq, FileChannel channel,
              String fileName, long fileSize) {
        this.aof = aof;
        this.feed = feed;
        this.sub = sub;
        this.lastSeq = startSeq;
        this.writtenSeq = startSeq;
        this.channel = channel;
        this.fileName = fileName;
        this.fileSize = fileSize;
        this.fsyncedSize = fileSize;
        this.lastFsyncSecond = System.currentTimeMillis() / 1000;
        this.thread = new Thread(this, "ferrite-aof");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Opens (creating it if needed) a file to append to. */
    static FileChannel open(Path p, boolean truncate) throws IOException {
        return truncate
            ? FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)
            : FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }

    /**
     * Entries after {@code seq} go to a new incr file; the future completes with its name once it
     * is open and in the manifest (or fails).
     */
    CompletableFuture<String> rotateAt(long seq) {
        CompletableFuture<String> f = new CompletableFuture<>();
        rotation = new Rotation(seq, f);
        return f;
    }

    String fileName() {
        return fileName;
    }

    /** The file was renamed (a rewrite that turned AOF on made its temp incr file a real one). */
    void renamed(String name) {
        this.fileName = name;
    }

    int pendingFsyncs() {
        return pendingFsyncs.get();
    }

    int bufferLength() {
        return buffer.length();
    }

    /** Stops after writing (and fsyncing) everything appended so far (stopAppendOnly); on the caller's thread it waits. */
    void stop() {
        stopping = true;
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        fsyncer.shutdown();
    }

    @Override
    public void run() {
        try {
            while (true) {
                boolean last = stopping;
                sub.await(10, TimeUnit.MILLISECONDS);
                passLock.lock();
                try {
                    pass(last);
                } finally {
                    passLock.unlock();
                }
                if (last) {
                    break;
                }
            }
            passLock.lock();
            try {
                flush(true);
                fsyncNow();
            } finally {
                passLock.unlock();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            Log.warning("The AOF writer stopped on an internal error: " + t);
            aof.fatal("AOF writer failure: " + t);
        } finally {
            sub.close();
            closeQuietly(channel);
        }
    }

    /**
     * A thread whose reply waits for entry {@code seq} does the writer's work itself when no one
     * else is doing it (flat combining), as Redis writes its AOF buffer on its own thread before
     * replying: a reply then waits for no hand-off to this thread and back. Not under always (see
     * below). True when entry {@code seq} no longer holds its reply back.
     */
    boolean help(long seq) {
        // under always the pass ends in an fsync: on an event loop it would stall that loop's other
        // clients for the fsync's length, where this thread lets them gather into the next group commit
        if (stopping || aof.fsyncPolicy() == AofPersistence.Fsync.ALWAYS || !passLock.tryLock()) {
            return false;
        }
        try {
            pass(false);
        } finally {
            passLock.unlock();
        }
        return !feed.mustWaitFor(seq);
    }

    /** Takes every entry available (up to a write chunk), writes them and fsyncs as the policy says; under {@link #passLock}. */
    private void pass(boolean last) {
        FeedEntry e = sub.poll();
        while (e != null) {
            Rotation r = rotation;
            if (r != null && e.seq() > r.seq()) {
                flush(true);
                rotate(r);
            }
            if ((e.seq() <= skipAfter || e.seq() > skipUntil) && e.goesTo(FeedEntry.AOF)) {
                buffer.command(e.db(), e.argv(), aof.timestamps() ? System.currentTimeMillis() / 1000 : 0);
            }
            lastSeq = e.seq();
            if (buffer.length() >= WRITE_CHUNK) {
                break;
            }
            e = sub.poll();
        }
        Rotation r = rotation;
        if (r != null && lastSeq >= r.seq()) {
            flush(true);
            rotate(r);
        }
        flush(last);
    }

    private void rotate(Rotation r) {
        rotation = null;
        try {
            NewIncr next = aof.openNextIncr();
            fsyncNow();
            closeQuietly(channel);
            channel = next.channel();
            fileName = next.name();
            fileSize = 0;
            fsyncedSize = 0;
            buffer.forgetSelectedDb();
            r.done().complete(next.name());
        } catch (IOException ex) {
            r.done().completeExceptionally(ex);
        }
    }

    /** A new incr file, open and already in the manifest. */
    record NewIncr(String name, FileChannel channel) {
    }

    /** flushAppendOnlyFile: writes the buffer if there is one, then fsyncs as the policy says. */
    private void flush(boolean force) {
        AofPersistence.Fsync policy = aof.fsyncPolicy();
        // replies wait for this writer: under always until their effects are fsynced, otherwise until
        // they are written (Redis writes the AOF buffer in beforeSleep, before any reply goes out)
        feed.syncedReplies(true);
        long nowSecond = System.currentTimeMillis() / 1000;
        if (buffer.isEmpty()) {
            // every entry taken is written already, or was skipped (DEBUG LOADAOF's replay)
            writtenSeq = Math.max(writtenSeq, lastSeq);
        } else {
            if (policy == AofPersistence.Fsync.EVERYSEC && !force && pendingFsyncs.get() > 0) {
                // an fsync is still running: postpone the write up to two seconds, as Redis does. Redis
                // answers its clients meanwhile, so a crash then loses writes it acknowledged; here the
                // replies wait with the write (this thread retries every few milliseconds)
                if (postponedSince == 0) {
                    postponedSince = nowSecond;
                    return;
                } else if (nowSecond - postponedSince < 2) {
                    return;
                }
                aof.delayedFsync();
                Log.notice("Asynchronous AOF fsync is taking too long (disk is busy?). Writing the AOF buffer without"
                    + " waiting for fsync to complete, this may slow down Redis.");
            }
            postponedSince = 0;
            if (!write(policy)) {
                // a failed write under everysec or no: the replies go, later writes get MISCONF
                feed.durable(lastSeq);
                return;
            }
            if (policy != AofPersistence.Fsync.ALWAYS) {
                feed.durable(writtenSeq);
            }
        }
        if (fileSize == fsyncedSize) {
            feed.durable(writtenSeq);
            return;
        }
        if (aof.noFsyncNow()) {
            // no-appendfsync-on-rewrite: Redis answers without the fsync while a rewrite runs
            feed.durable(writtenSeq);
            return;
        }
        if (policy == AofPersistence.Fsync.ALWAYS) {
            try {
                channel.force(false);
            } catch (IOException ex) {
                Log.warning("Can't persist AOF for fsync error when the AOF fsync policy is 'always': " + reason(ex)
                    + ". Exiting...");
                aof.fatal("fsync failed");
                return;
            }
            fsyncedSize = fileSize;
            lastFsyncSecond = nowSecond;
            feed.durable(writtenSeq);
        } else if (policy == AofPersistence.Fsync.EVERYSEC && nowSecond > lastFsyncSecond) {
            if (pendingFsyncs.get() == 0) {
                backgroundFsync(channel);
                fsyncedSize = fileSize;
            }
            lastFsyncSecond = nowSecond;
        }
    }

    void flushSleepMicros(long micros) {
        flushSleepMicros = micros;
    }

    /** Waits until every entry up to {@code seq} is written (and, under always, fsynced). */
    void awaitWritten(long seq) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (writtenSeq < seq && lastSeq < seq && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        while (writtenSeq < lastSeq && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
    }

    /** Entries after {@code after} are not written until {@link #skipEnds}. */
    void skipFrom(long after) {
        skipUntil = Long.MAX_VALUE;
        skipAfter = after;
    }

    void skipEnds(long until) {
        skipUntil = until;
    }

    /** One write of the whole buffer; false (buffer kept, status err) when it failed. */
    private boolean write(AofPersistence.Fsync policy) {
        long sleep = flushSleepMicros;
        if (sleep > 0) {
            try {
                Thread.sleep(sleep / 1000, (int) (sleep % 1000) * 1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        ByteBuffer b = buffer.view();
        int n = b.remaining();
        long before = fileSize;
        try {
            while (b.hasRemaining()) {
                channel.write(b);
            }
        } catch (IOException ex) {
            long now = System.currentTimeMillis() / 1000;
            if (now - lastErrorLog > ERROR_LOG_SECONDS) {
                lastErrorLog = now;
                Log.warning("Error writing to the AOF file: " + reason(ex));
            }
            try {
                // nothing partial stays behind: the next try writes the whole buffer again
                channel.truncate(before);
            } catch (IOException ignored) {
                Log.warning("Could not remove short write from the append-only file.  Redis may refuse to load the AOF"
                    + " the next time it starts.  ftruncate: " + reason(ignored));
            }
            if (policy == AofPersistence.Fsync.ALWAYS) {
                Log.warning("Can't recover from AOF write error when the AOF fsync policy is 'always'. Exiting...");
                aof.fatal("write failed");
                return false;
            }
            aof.writeFailed(reason(ex));
            sleepQuietly();
            return false;
        }
        aof.writeSucceeded();
        fileSize += n;
        aof.grew(n);
        writtenSeq = lastSeq;
        buffer.clear();
        return true;
    }

    private void backgroundFsync(FileChannel ch) {
        pendingFsyncs.incrementAndGet();
        fsyncer.execute(() -> {
            try {
                ch.force(false);
                aof.fsyncSucceeded();
            } catch (IOException ex) {
                Log.warning("Fail to fsync the AOF file: " + reason(ex));
                aof.fsyncFailed(reason(ex));
            } finally {
                pendingFsyncs.decrementAndGet();
            }
        });
    }

    private void fsyncNow() {
        try {
            if (channel.isOpen()) {
                channel.force(false);
            }
            fsyncedSize = fileSize;
            feed.durable(writtenSeq);
        } catch (IOException ex) {
            Log.warning("Fail to fsync the AOF file: " + reason(ex));
        }
    }

    static String reason(IOException e) {
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m;
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            if (ch != null) {
                ch.close();
            }
        } catch (IOException ignored) {
            // closing after the data was forced: nothing left to lose
        }
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
