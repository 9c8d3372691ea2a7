package io.ferrite.server.snapshot;

import io.ferrite.common.ShardConfined;
import io.ferrite.engine.Shard;
import io.ferrite.engine.SnapshotCapture;
import io.ferrite.persistence.rdb.Limits;
import io.ferrite.persistence.rdb.RdbOutput;
import io.ferrite.store.Db;
import io.ferrite.store.Entry;
import io.ferrite.store.KeyTable;
import io.ferrite.store.MemoryEstimate;

/**
 * One shard's part of a background save, without fork (Dragonfly's snapshot, per entry rather
 * than per bucket): at the cut every database's mark flips; then the shard walks its tables a
 * step at a time on its own thread, between client commands, saving each entry whose mark is
 * still the old one and setting it. Whatever is about to change or go away first is saved by
 * {@link #preserve}, so the file holds every key as it was at the cut.
 * <p>
 * The walk uses SCAN's reverse-binary cursor, which returns every entry present from the start to
 * the end of the walk at least once however the table grows or shrinks in between (the rehash
 * trap of Dragonfly#8153); the marks make "at least once" exactly once. Entries removed before
 * the walk reaches them were preserved on the way out; entries added after the cut carry the new
 * mark. FLUSHDB gives a database a new table, so the walk finishes the old one untouched. SWAPDB
 * moves databases, not entries: the walk keeps the databases of the cut, by identity.
 */
@ShardConfined
public final class ShardSnapshot extends SnapshotCapture {
    /** Buckets visited per step at most, so a step is short even over a sparse table. */
    private static final int BUCKETS_PER_STEP = 4096;
    /** How long a step of the walk may run (it is checked every 16 buckets). */
    private static final long STEP_NANOS = 200_000;

    private final Shard shard;
    private final SnapshotFile file;
    private final Limits limits;
    /** rdb-key-save-delay: microseconds per key saved by the walk, to slow it down for tests. */
    private final long keyDelayMicros;
    private int walked;
    /** Idle times and LFU counters are saved as of the cut. */
    private final ShardSerializer.AccessSave idleNow;
    private final Db[] dbs;
    private final KeyTable[] tables;
    private int db;
    private long cursor;
    private RdbOutput chunk;
    private int chunkDb = -1;
    private int chunkKeys;

    private ShardSnapshot(Shard shard, SnapshotFile file, Limits limits, long keyDelayMicros) {
        super(shard.nextSnapshotMark());
        this.shard = shard;
        this.file = file;
        this.limits = limits;
        this.keyDelayMicros = keyDelayMicros;
        this.idleNow = ShardSerializer.AccessSave.of(shard);
        this.dbs = shard.beginSnapshot(this);
        this.tables = new KeyTable[dbs.length];
        for (int i = 0; i < dbs.length; i++) {
            tables[i] = dbs[i].table();
            file.cut(i, dbs[i].size(), dbs[i].expiresCount());
        }
        file.cutTaken();
    }

    /** The cut on {@code shard}, on its thread while every shard is held; the walk starts once holds end. */
    public static void begin(Shard shard, SnapshotFile file, Limits limits, long keyDelayMicros) {
        ShardSnapshot s = new ShardSnapshot(shard, file, limits, keyDelayMicros);
        shard.runLater(s::step);
        if (keyDelayMicros > 0) {
            // a step put off by the delay (seconds, in tests) must not hold a stopped save up
            file.onStop(() -> shard.runLater(s::resumeNow));
        }
    }

    /** The next step of a walk put off by rdb-key-save-delay, or 0 when none is. */
    private int delayedStep;
    private int steps;

    /** The save stopped: a step put off by the delay runs now instead (the delayed one then does nothing). */
    private void resumeNow() {
        if (delayedStep != 0) {
            delayedStep = 0;
            step();
        }
    }

    @Override
    protected void preserve(Db d, Entry e) {
        for (int i = 0; i < dbs.length; i++) {
            if (dbs[i] == d) {
                // what a fork would have copied: the memory of the value about to change
                file.preserved(shard.id, MemoryEstimate.entry(e), System.currentTimeMillis());
                save(i, e);
                if (chunk.length() >= SnapshotFile.CHUNK) {
                    handOver();
                }
                return;
            }
        }
        // the memcached namespace is not saved
        e.snapshotMark(mark());
    }

    @Override
    protected void abort() {
        file.abort();
    }

    private void save(int index, Entry e) {
        if (chunkDb != index) {
            handOver();
            chunkDb = index;
        }
        if (chunk == null) {
            chunk = limits.output(SnapshotFile.CHUNK + 1024);
            int db = index;
            // a record past SPILL bytes (a huge value) goes to the file a piece at a time
            chunk.spillTo((b, off, len) -> file.offer(shard.id, db, b, off, len, 0, false), SnapshotFile.SPILL);
        }
        if (!file.failed()) {
            ShardSerializer.writeRecord(chunk, e, limits, idleNow);
            chunkKeys++;
        }
        e.snapshotMark(mark());
    }

    private void handOver() {
        if (chunk != null && chunk.length() > 0) {
            file.offer(shard.id, chunkDb, chunk.array(), 0, chunk.length(), chunkKeys, true);
        }
        chunk = null;
        chunkKeys = 0;
    }

    /**
     * SAVE's part on {@code shard}, on its thread while every shard is held: nothing can change
     * meanwhile, so no marks are needed (a background save may be running and owns them); every
     * stored key goes through the bounded queue, this thread waiting whenever it is full.
     */
    public static void saveNow(Shard shard, SnapshotFile file, Limits limits) {
        int databases = shard.databases();
        for (int db = 0; db < databases; db++) {
            file.cut(db, shard.keys(db), shard.expires(db));
        }
        file.cutTaken();
        ShardSerializer.AccessSave idleNow = ShardSerializer.AccessSave.of(shard);
        for (int db = 0; db < databases; db++) {
            if (shard.keys(db) == 0) {
                continue;
            }
            int index = db;
            RdbOutput out = limits.output(SnapshotFile.CHUNK + 1024);
            out.spillTo((b, off, len) -> file.offer(shard.id, index, b, off, len, 0, false), SnapshotFile.SPILL);
            int[] keys = {0};
            shard.view(db).forEachStored(e -> {
                ShardSerializer.writeRecord(out, e, limits, idleNow);
                keys[0]++;
                if (out.length() >= SnapshotFile.CHUNK) {
                    file.offer(shard.id, index, out.array(), 0, out.length(), keys[0], true);
                    out.reset();
                    keys[0] = 0;
                    file.awaitRoom();
                }
            });
            file.offer(shard.id, index, out.array(), 0, out.length(), keys[0], true);
        }
        file.shardDone();
    }

    /** One step of the walk: some buckets, then the chunk goes to the file and the next step is queued. */
    private void step() {
        long t0 = System.nanoTime();
        if (walk()) {
            finish();
            return;
        }
        if (keyDelayMicros > 0 && !file.failed()) {
            int token = ++steps;
            delayedStep = token;
            shard.runAfter(walked * keyDelayMicros * 1000, () -> {
                if (delayedStep == token) {
                    delayedStep = 0;
                    step();
                }
            });
            return;
        }
        // The next step is a scheduled task, never an immediate one: the event loop runs queued
        // tasks back to back for up to its whole quantum before it polls the sockets again, so
        // immediate steps would starve every client of the shard. While clients were served since
        // the last step, the walk also leaves them twice its own time (a third of the thread at most).
        long commands = shard.stats.commandsProcessed();
        long pause = commands != commandsAtLastStep ? 2 * (System.nanoTime() - t0) : 1;
        commandsAtLastStep = commands;
        file.whenRoom(() -> shard.runAfter(pause, this::step));
    }

    /** The shard's command count when the last step ended: a change means clients are being served. */
    private long commandsAtLastStep;

    private void finish() {
        shard.endSnapshot(this);
        file.shardDone();
    }

    /** Walks some buckets and hands the chunk over; true once every database of the cut is walked. */
    private boolean walk() {
        int buckets = 0;
        walked = 0;
        // a step holds up every request of the shard: it ends after STEP_NANOS, whatever it has done
        long deadline = System.nanoTime() + STEP_NANOS;
        while (db < dbs.length && buckets < BUCKETS_PER_STEP
                && (chunk == null || chunk.length() < SnapshotFile.CHUNK)
                && ((buckets & 15) != 0 || System.nanoTime() < deadline)
                && (keyDelayMicros <= 0 || walked == 0 || file.failed())) {
            int index = db;
            if (file.failed() && dbs[index].table() != tables[index]) {
                // flushed since the cut: nothing reaches the old table's entries any more
                db++;
                cursor = 0;
                continue;
            }
            cursor = tables[index].scan(cursor, e -> {
                if (unsaved(e)) {
                    save(index, e);
                    walked++;
                } else if (keyDelayMicros > 0) {
                    // rdb-key-save-delay slows the walk per key of the cut, as Redis's child sleeps per key it
                    // writes: keys saved early because a client changed them take their time here too
                    walked++;
                }
            });
            buckets++;
            if (cursor == 0) {
                db++;
            }
        }
        handOver();
        return db >= dbs.length;
    }
}
