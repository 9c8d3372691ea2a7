package io.ferrite.server.snapshot;

import io.ferrite.common.Log;
import io.ferrite.persistence.rdb.Crc64;
import io.ferrite.persistence.rdb.RdbOutput;
import io.ferrite.persistence.snapshot.RdbFile;
import io.ferrite.persistence.snapshot.RdbLoader;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * The file a background save streams into. Shards hand it chunks of whole keys of one database
 * each ({@link #offer}); a thread of its own writes them as they come, giving SELECTDB whenever
 * the database changes and RESIZEDB the first time, keeps the CRC-64 running, and at the end
 * writes EOF and the checksum, forces the file to disk and renames it over the target. The
 * chunks waiting to be written are bounded ({@link #LIMIT}): a shard whose walk finds the queue
 * full waits ({@link #whenRoom}) and the writer resumes it once half the room is free. Chunks
 * preserved before a write are queued whatever the backlog (a client's write is never delayed),
 * so the bound holds up to what clients write during the save.
 */
public final class SnapshotFile {
    /** Bytes a shard gathers before handing a chunk over. */
    static final int CHUNK = 64 * 1024;
    /** Bytes of one record past which it goes to the file in pieces (Dragonfly#2585: huge values). */
    static final int SPILL = 1024 * 1024;
    /** Bytes queued for the writer past which walks wait. */
    static final long LIMIT = 8L * 1024 * 1024;
    private static final int WRITE_BUFFER = 1024 * 1024;

    /**
     * What the file says before its keys that only the cut decides: the replication fields
     * (rdbPopulateSaveInfo: the offset the data set is at, null for none) and the function
     * libraries' code.
     */
    public record Head(RdbLoader.ReplicationAux replication, List<byte[]> libraries) {
        public static final Head NONE = new Head(null, List.of());
    }

    /**
     * Reads the {@link Head} at the cut, on the thread of the shard that completes it, every shard
     * still held; the replication offset may resolve later (the stream reaching the cut).
     */
    public interface HeadAtCut {
        CompletableFuture<Head> take();
    }

    /** A shard's bytes of one database; {@code boundary} false when a key's record goes on in the next. */
    private record Chunk(int db, byte[] bytes, boolean boundary) {
    }

    /**
     * Where the bytes go: a file written under a temp name and renamed over the target when
     * complete (a save), or replicas' sockets (a diskless full sync, see io.ferrite.server.replication).
     */
    public interface Sink {
        /** Opens the output, on the writer's thread before the first byte. */
        WritableByteChannel open() throws IOException;

        /** Every byte is written, the output still open: make it durable. */
        default void complete(WritableByteChannel out) throws IOException {
        }

        /** After the output closed: keep it when {@code ok}, else discard it; throws when keeping fails. */
        void close(boolean ok) throws IOException;

        /** The save was stopped (from any thread): a sink that waits for its readers must stop waiting. */
        default void stopped() {
        }
    }

    /** The file sink: a temp file beside the target, forced to disk and renamed over it. */
    private record FileSink(Path target, Path temp) implements Sink {
        @Override
        public WritableByteChannel open() throws IOException {
            return FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        }

        @Override
        public void complete(WritableByteChannel out) throws IOException {
            ((FileChannel) out).force(true);
        }

        @Override
        public void close(boolean ok) throws IOException {
            if (ok) {
                RdbFile.commit(temp, target);
            } else {
                RdbFile.removeTemp(temp);
            }
        }
    }

    private final Sink sink;
    private final int shards;
    private final boolean checksum;
    private final RdbFile.Aux aux;
    private final long[] keysAtCut;
    private final long[] expiresAtCut;
    private final AtomicLongArray keysCut;
    private final AtomicLongArray expiresCut;
    /** One queue per shard: a record split across chunks must reach the file without another shard's bytes inside. */
    private final ConcurrentLinkedQueue<Chunk>[] queues;
    private final ConcurrentLinkedQueue<Runnable> waiting = new ConcurrentLinkedQueue<>();
    private final AtomicLong pending = new AtomicLong();
    private final AtomicInteger shardsDone = new AtomicInteger();
    private final AtomicInteger cutsTaken = new AtomicInteger();
    private final CompletableFuture<Boolean> done = new CompletableFuture<>();
    private final AtomicLong keysWritten = new AtomicLong();
    /** Memory of the keys saved ahead of the walk because a client was about to change them. */
    /**
     * Per shard, {@link #STRIDE} slots apart so no two shards write one cache line: the memory it
     * saved ahead of its walk, and when it last did. Each slot has one writer, its shard.
     */
    private final AtomicLongArray preserved;
    private static final int STRIDE = 16;
    private final long startMillis = System.currentTimeMillis();
    private volatile boolean failed;
    /** The signal the save was stopped by (Redis's child killed by it), or 0. */
    private volatile int signal;
    /** Walks waiting to be woken when the save stops (one delayed by rdb-key-save-delay must end now). */
    private final ConcurrentLinkedQueue<Runnable> onStop = new ConcurrentLinkedQueue<>();
    private volatile Thread writer;
    private volatile HeadAtCut headAtCut;
    private final CompletableFuture<Head> head = new CompletableFuture<>();

    /** A save of {@code target} written at temp-PID-bg.rdb beside it, PID being Ferrite's own. */
    public SnapshotFile(Path target, int shards, int databases, RdbFile.Aux aux, boolean checksum) {
        this(target, RdbFile.tempFor(target, "-bg"), shards, databases, aux, checksum);
    }

    /**
     * A save of {@code target}, written at {@code temp} (named as Redis names it after the
     * saving process, temp-PID.rdb) and renamed over the target once complete.
     */
    public SnapshotFile(Path target, Path temp, int shards, int databases, RdbFile.Aux aux, boolean checksum) {
        this(new FileSink(target, temp), shards, databases, aux, checksum);
    }

    /** A snapshot written to {@code sink} instead of a file. */
    public SnapshotFile(Sink sink, int shards, int databases, RdbFile.Aux aux, boolean checksum) {
        this.sink = sink;
        this.shards = shards;
        this.checksum = checksum;
        this.aux = aux;
        this.keysAtCut = new long[databases];
        this.expiresAtCut = new long[databases];
        this.keysCut = new AtomicLongArray(databases);
        this.expiresCut = new AtomicLongArray(databases);
        @SuppressWarnings("unchecked")
        ConcurrentLinkedQueue<Chunk>[] q = new ConcurrentLinkedQueue[shards];
        for (int i = 0; i < shards; i++) {
            q[i] = new ConcurrentLinkedQueue<>();
        }
        this.queues = q;
        this.preserved = new AtomicLongArray(shards * STRIDE);
    }

    /** True once the save has failed: walks go on marking entries but stop producing bytes. */
    public boolean failed() {
        return failed;
    }

    /** Completes with true when the file is in place, false when the save failed. */
    public CompletableFuture<Boolean> done() {
        return done;
    }

    /** Whether the save was given up on purpose (FLUSHALL, SHUTDOWN) rather than failed. */
    public boolean aborted() {
        return signal == GIVEN_UP;
    }

    /** The signal that stopped the save (its stand-in killed, or {@link #GIVEN_UP}), or 0. */
    public int signal() {
        return signal;
    }

    /** Where the save is written until it is complete (null when it goes to sockets). */
    public Path temp() {
        return sink instanceof FileSink f ? f.temp() : null;
    }

    /**
     * Memory of the keys saved ahead of the walk because a client was about to change them: what
     * a forking Redis pays as copy-on-write (INFO's current_cow_size), paid here as records
     * queued early rather than as duplicated pages.
     */
    public long preservedBytes() {
        long n = 0;
        for (int i = 0; i < shards; i++) {
            n += preserved.get(i * STRIDE);
        }
        return n;
    }

    /** When {@link #preservedBytes} last grew (INFO's current_cow_size_age). */
    public long preservedAtMillis() {
        long at = startMillis;
        for (int i = 0; i < shards; i++) {
            at = Math.max(at, preserved.get(i * STRIDE + 1));
        }
        return at;
    }

    /** From shard {@code shard}'s thread (or its holder's): {@code bytes} more saved ahead of its walk. */
    void preserved(int shard, long bytes, long nowMillis) {
        int slot = shard * STRIDE;
        preserved.lazySet(slot, preserved.get(slot) + bytes);
        preserved.lazySet(slot + 1, nowMillis);
    }

    /** Keys handed over so far (INFO's current_save_keys_processed). */
    public long keysProcessed() {
        return keysWritten.get();
    }

    /** A shard's database sizes at the cut, for RESIZEDB: all are given before {@link #start}. */
    void cut(int db, long keys, long expires) {
        keysCut.addAndGet(db, keys);
        expiresCut.addAndGet(db, expires);
    }

    /** How the file's {@link Head} is read at the cut; before the cut (without it, the file has none). */
    public SnapshotFile headAtCut(HeadAtCut h) {
        headAtCut = h;
        return this;
    }

    /**
     * A shard has taken its cut (every database given to {@link #cut}); the writer waits for all.
     * The last one reads the head: every shard is held then, so it is the cut's.
     */
    void cutTaken() {
        if (cutsTaken.incrementAndGet() == shards) {
            HeadAtCut h = headAtCut;
            if (h == null) {
                head.complete(Head.NONE);
                return;
            }
            try {
                h.take().whenComplete((v, e) -> head.complete(e == null && v != null ? v : Head.NONE));
            } catch (RuntimeException e) {
                // the file must still be written: the writer waits for the head
                Log.warning("Could not read the file's header at the cut: " + e);
                head.complete(Head.NONE);
            }
        }
    }

    /** From a shard's thread that may block (SAVE): returns once the queue has room or the save failed. */
    void awaitRoom() {
        if (pending.get() < LIMIT || failed) {
            return;
        }
        Thread me = Thread.currentThread();
        java.util.concurrent.atomic.AtomicBoolean resumed = new java.util.concurrent.atomic.AtomicBoolean();
        whenRoom(() -> {
            resumed.set(true);
            LockSupport.unpark(me);
        });
        while (!resumed.get() && !failed) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }

    /** Keys of the cut in all (INFO's current_save_keys_total). */
    public long keysTotal() {
        long n = 0;
        for (int i = 0; i < keysCut.length(); i++) {
            n += keysCut.get(i);
        }
        return n;
    }

    /**
     * From shard {@code shard}'s thread: bytes of database {@code db}, {@code keys} keys ending
     * there; {@code boundary} false when the last key's record goes on in the shard's next chunk.
     */
    void offer(int shard, int db, byte[] b, int off, int len, int keys, boolean boundary) {
        if (failed || len == 0) {
            return;
        }
        byte[] copy = java.util.Arrays.copyOfRange(b, off, off + len);
        pending.addAndGet(len);
        keysWritten.addAndGet(keys);
        queues[shard].add(new Chunk(db, copy, boundary));
        Thread w = writer;
        if (w != null) {
            LockSupport.unpark(w);
        }
    }

    /** Runs {@code walk} now if the queue has room, else once the writer has drained half of it. */
    void whenRoom(Runnable walk) {
        if (pending.get() < LIMIT || failed) {
            walk.run();
            return;
        }
        waiting.add(walk);
        // the writer may have drained everything between the check and the add
        if (pending.get() < LIMIT / 2) {
            resumeWaiting();
        }
    }

    /** A shard has walked its whole cut. */
    void shardDone() {
        shardsDone.incrementAndGet();
        Thread w = writer;
        if (w != null) {
            LockSupport.unpark(w);
        }
    }

    /** Starts the writing thread; it writes nothing past the header before every shard's cut is taken. */
    public void start() {
        Thread t = new Thread(this::write, "ferrite-bgsave");
        t.setDaemon(true);
        writer = t;
        t.start();
    }

    /**
     * SIGUSR1: the signal Redis kills its own saving child with (FLUSHALL, SHUTDOWN), which it
     * does not count as a failed save.
     */
    public static final int GIVEN_UP = 10;

    /** Stops the save (SHUTDOWN, or the server closing): the temp file goes, the future completes with false. */
    public void abort() {
        stop(GIVEN_UP);
    }

    /**
     * Stops the save because the process standing for it died of {@code signal}: as abort,
     * except that the save counts as failed (Redis's child killed by a signal other than SIGUSR1).
     */
    public void stop(int signal) {
        if (this.signal == 0) {
            this.signal = signal;
        }
        failed = true;
        sink.stopped();
        Thread w = writer;
        if (w != null) {
            LockSupport.unpark(w);
        }
        wakeWalks();
    }

    private void wakeWalks() {
        Runnable r;
        while ((r = onStop.poll()) != null) {
            r.run();
        }
    }

    /** Runs {@code wake} (from any thread) once the save stops early; at once if it already has. */
    void onStop(Runnable wake) {
        onStop.add(wake);
        if (failed && onStop.remove(wake)) {
            wake.run();
        }
    }

    private void write() {
        boolean ok = false;
        try (WritableByteChannel ch = sink.open()) {
            Writer w = new Writer(ch);
            // RESIZEDB gives the sizes at the cut, so the cut must be complete before a key goes out;
            // the header too: its replication offset is the cut's
            while ((cutsTaken.get() < shards || !head.isDone()) && !failed) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
            if (!failed) {
                Head h = head.join();
                RdbOutput out = new RdbOutput(256);
                RdbFile.header(out, aux.withReplication(h.replication()));
                RdbFile.libraries(out, h.libraries());
                w.put(out);
            }
            for (int i = 0; i < keysAtCut.length; i++) {
                keysAtCut[i] = keysCut.get(i);
                expiresAtCut[i] = expiresCut.get(i);
            }
            boolean[] resized = new boolean[keysAtCut.length];
            int[] db = {-1};
            int shard = 0;
            int idle = 0;
            while (!failed) {
                Chunk c = queues[shard].poll();
                if (c == null) {
                    if (++idle >= queues.length) {
                        if (shardsDone.get() == shards && allEmpty()) {
                            break;
                        }
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
                        idle = 0;
                    }
                    shard = (shard + 1) % queues.length;
                    continue;
                }
                idle = 0;
                write(w, c, db, resized);
                // the rest of a split record comes from this shard before any other's bytes
                while (!c.boundary() && !failed) {
                    Chunk next = queues[shard].poll();
                    if (next == null) {
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                        continue;
                    }
                    c = next;
                    write(w, c, db, resized);
                }
                shard = (shard + 1) % queues.length;
            }
            if (!failed) {
                w.put(new byte[] {(byte) RdbFile.OPCODE_EOF}, 1);
                RdbOutput crc = new RdbOutput(8);
                crc.writeLittleEndian(checksum ? w.crc : 0, 8);
                w.putUnchecked(crc);
                w.flush();
                sink.complete(ch);
                ok = true;
            }
        } catch (IOException | RuntimeException e) {
            Log.warning("Write error saving DB on disk: " + e.getMessage());
        }
        try {
            sink.close(ok);
        } catch (IOException e) {
            ok = false;
        }
        if (!ok) {
            failed = true;
            resumeWaiting();
            wakeWalks();
        }
        // a failed save's walks still mark every entry of the cut (the next save relies on it):
        // the save is over, and another may start, only once they have
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (shardsDone.get() < shards && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        done.complete(ok);
    }

    private boolean allEmpty() {
        for (ConcurrentLinkedQueue<Chunk> q : queues) {
            if (!q.isEmpty()) {
                return false;
            }
        }
        return true;
    }

    /** A chunk into the file, after SELECTDB (and the first time RESIZEDB) when its database is not the last one's. */
    private void write(Writer w, Chunk c, int[] db, boolean[] resized) throws IOException {
        if (c.db() != db[0]) {
            db[0] = c.db();
            RdbOutput op = new RdbOutput(32);
            RdbFile.selectDb(op, db[0]);
            if (!resized[db[0]]) {
                resized[db[0]] = true;
                RdbFile.resizeDb(op, keysAtCut[db[0]], expiresAtCut[db[0]]);
            }
            w.put(op);
        }
        w.put(c.bytes(), c.bytes().length);
        if (pending.addAndGet(-c.bytes().length) < LIMIT / 2) {
            resumeWaiting();
        }
    }

    private void resumeWaiting() {
        Runnable r;
        while ((r = waiting.poll()) != null) {
            r.run();
        }
    }

    /** Buffered writes to the channel with the running checksum. */
    private final class Writer {
        private final WritableByteChannel ch;
        private final ByteBuffer buf = ByteBuffer.allocate(WRITE_BUFFER);
        long crc;

        Writer(WritableByteChannel ch) {
            this.ch = ch;
        }

        void put(RdbOutput out) throws IOException {
            byte[] b = out.toByteArray();
            put(b, b.length);
        }

        void put(byte[] b, int n) throws IOException {
            if (checksum) {
                crc = Crc64.update(crc, b, 0, n);
            }
            append(b, n);
        }

        void putUnchecked(RdbOutput out) throws IOException {
            byte[] b = out.toByteArray();
            append(b, b.length);
        }

        private void append(byte[] b, int n) throws IOException {
            int off = 0;
            while (off < n) {
                int k = Math.min(buf.remaining(), n - off);
                buf.put(b, off, k);
                off += k;
                if (!buf.hasRemaining()) {
                    flush();
                }
            }
        }

        void flush() throws IOException {
            buf.flip();
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            buf.clear();
        }
    }
}
