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

    /** A load finished; from here on, changes are counted from {@code dirty[i]}. */
    public void loaded(RdbLoader.Result r, long[] dirty) {
        for (int i = 0; i < dirty.length; i++) {
            dirtyAtSave.set(i, dirty[i]);
        }
        lastLoadLoaded = r.keysLoaded();
        lastLoadExpired = r.keysExpired();
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
