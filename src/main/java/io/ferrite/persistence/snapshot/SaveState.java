package io.ferrite.persistence.snapshot;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * What INFO persistence and LASTSAVE report about saves and loads: the time of the last
 * successful save, how many there were, what the last load found, and each shard's change
 * counter (Redis's server.dirty) as of the last save or load, so changes since are the
 * difference. Written by the thread that completes a save or load, read by any.
 */
public final class SaveState {
    private final AtomicLongArray dirtyAtSave;
    private volatile long lastSaveSeconds = System.currentTimeMillis() / 1000;
    private volatile long saves;
    private volatile long lastLoadLoaded;
    private volatile long lastLoadExpired;
    /** When the background save in progress started (ms), or 0. */
    private volatile long bgsaveStartedMillis;
    private volatile boolean lastBgsaveOk = true;
    private volatile long lastBgsaveSeconds = -1;
    /** When the last background save was tried (seconds), for the save points' retry delay. */
    private volatile long lastBgsaveTrySeconds;
    private volatile long lastPreservedBytes;

    public SaveState(int shards) {
        dirtyAtSave = new AtomicLongArray(shards);
    }

    public long lastSaveSeconds() {
        return lastSaveSeconds;
    }

    public long saves() {
        return saves;
    }

    public long lastLoadLoaded() {
        return lastLoadLoaded;
    }

    public long lastLoadExpired() {
        return lastLoadExpired;
    }

    /** A save succeeded with each shard's counter at {@code dirty[i]}. */
    public void saved(long[] dirty) {
        for (int i = 0; i < dirty.length; i++) {
            dirtyAtSave.set(i, dirty[i]);
        }
        lastSaveSeconds = System.currentTimeMillis() / 1000;
        saves++;
    }

    /** From here on, changes are counted from {@code dirty[i]} (what is in memory is on disk too). */
    public void countFrom(long[] dirty) {
        for (int i = 0; i < dirty.length; i++) {
            dirtyAtSave.set(i, dirty[i]);
        }
    }

    /** A load finished; from here on, changes are counted from {@code dirty[i]}. */
    public void loaded(RdbLoader.Result r, long[] dirty) {
        countFrom(dirty);
        lastLoadLoaded = r.keysLoaded();
        lastLoadExpired = r.keysExpired();
    }

    public boolean bgsaveInProgress() {
        return bgsaveStartedMillis != 0;
    }

    /** rdb_current_bgsave_time_sec: -1 when none runs. */
    public long currentBgsaveSeconds() {
        long t = bgsaveStartedMillis;
        return t == 0 ? -1 : (System.currentTimeMillis() - t) / 1000;
    }

    public boolean lastBgsaveOk() {
        return lastBgsaveOk;
    }

    public long lastBgsaveSeconds() {
        return lastBgsaveSeconds;
    }

    /** Bytes the last background save saved ahead of its walk (INFO's rdb_last_cow_size). */
    public long lastPreservedBytes() {
        return lastPreservedBytes;
    }

    public long lastBgsaveTrySeconds() {
        return lastBgsaveTrySeconds;
    }

    /** A background save has taken its cut. */
    public void bgsaveStarted() {
        bgsaveStartedMillis = System.currentTimeMillis();
        lastBgsaveTrySeconds = bgsaveStartedMillis / 1000;
    }

    /**
     * A background save ended: saved with each shard's counter at the cut in {@code dirtyAtCut},
     * failed, or aborted (FLUSHALL, SHUTDOWN), which Redis does not count as a failure.
     */
    public void bgsaveEnded(boolean ok, boolean aborted, long[] dirtyAtCut, long preservedBytes) {
        long started = bgsaveStartedMillis;
        lastPreservedBytes = preservedBytes;
        lastBgsaveSeconds = (System.currentTimeMillis() - started) / 1000;
        if (ok) {
            saved(dirtyAtCut);
        }
        if (!aborted) {
            lastBgsaveOk = ok;
        }
        bgsaveStartedMillis = 0;
    }

    /** A load in progress has kept and dropped this many keys so far. */
    public void loading(long loaded, long expired) {
        lastLoadLoaded = loaded;
        lastLoadExpired = expired;
    }

    /** Changes since the last save given each shard's counter now. */
    public long changesSince(long[] dirty) {
        long n = 0;
        for (int i = 0; i < dirty.length; i++) {
            n += dirty[i] - dirtyAtSave.get(i);
        }
        return n;
    }
}
