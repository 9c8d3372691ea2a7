package io.ferrite.persistence.snapshot;

import java.util.Locale;

/**
 * A load in progress, as INFO persistence shows it (Redis's startLoading, loadingAbsProgress and
 * stopLoading): whether one runs, when it started, the file's size, the bytes read so far and the
 * used-mem the file says its writer had. The bytes read are published once per
 * {@code loading-process-events-interval-bytes}, as Redis updates them only when it processes
 * events; the key counts as they go (also as INFO's rdb_last_load_keys_*, which Redis shows live).
 * Written by the loading thread, read by any.
 */
public final class LoadProgress {
    private final SaveState state;
    private volatile boolean loading;
    /** The load in progress keeps the old data set serving (Redis's async_loading): clients are not refused. */
    private volatile boolean async;
    private volatile long startSeconds;
    private volatile long totalBytes;
    private volatile long loadedBytes;
    private volatile long rdbUsedMemory;
    private volatile long keysLoaded;
    private volatile long keysExpired;
    private volatile long interval = 2 * 1024 * 1024;

    /** A progress whose key counts also go to {@code state}'s last-load figures, live as in Redis's INFO. */
    public LoadProgress(SaveState state) {
        this.state = state;
    }

    /** A load that refuses clients (INFO's loading:1). */
    public boolean loading() {
        return loading && !async;
    }

    /** A load beside the data set clients still use (INFO's async_loading:1). */
    public boolean asyncLoading() {
        return loading && async;
    }

    /** The next load (until {@link #stop}) is an async one: call before it starts. */
    public void async(boolean on) {
        async = on;
    }

    /** startLoading: a load of {@code totalBytes} begins now; bytes are published every {@code interval}. */
    public void start(long totalBytes, long interval) {
        this.totalBytes = totalBytes;
        this.interval = Math.max(1, interval);
        loadedBytes = 0;
        rdbUsedMemory = 0;
        keysLoaded = 0;
        keysExpired = 0;
        state.loading(0, 0);
        startSeconds = System.currentTimeMillis() / 1000;
        loading = true;
    }

    public void stop() {
        loading = false;
        async = false;
    }

    /** A key was read, the input being at {@code position}; the bytes are published on an interval's crossing. */
    public void keyRead(long position, long loaded, long expired) {
        keysLoaded = loaded;
        keysExpired = expired;
        state.loading(loaded, expired);
        long before = loadedBytes;
        if (position / interval > before / interval) {
            loadedBytes = position;
        }
    }

    /** The AUX field used-mem of the file being loaded. */
    public void rdbUsedMemory(long bytes) {
        rdbUsedMemory = bytes;
    }

    public long keysLoaded() {
        return keysLoaded;
    }

    public long keysExpired() {
        return keysExpired;
    }

    public long loadedBytes() {
        return loadedBytes;
    }

    public long totalBytes() {
        return totalBytes;
    }

    /**
     * The loading_* fields INFO persistence ends with while a load runs, with genRedisInfoString's
     * figures: the percentage over total+1 bytes and an ETA from the elapsed whole seconds (a
     * nominal 1 in the first second).
     */
    public void appendInfo(StringBuilder out) {
        if (!loading) {
            return;
        }
        long total = totalBytes;
        long loaded = loadedBytes;
        long start = startSeconds;
        double perc = (double) loaded / (total + 1) * 100;
        long elapsed = System.currentTimeMillis() / 1000 - start;
        long eta = elapsed == 0 ? 1 : elapsed * (total - loaded) / (loaded + 1);
        out.append("loading_start_time:").append(start).append("\r\n");
        out.append("loading_total_bytes:").append(total).append("\r\n");
        out.append("loading_rdb_used_mem:").append(rdbUsedMemory).append("\r\n");
        out.append("loading_loaded_bytes:").append(loaded).append("\r\n");
        out.append("loading_loaded_perc:").append(String.format(Locale.ROOT, "%.2f", perc)).append("\r\n");
        out.append("loading_eta_seconds:").append(eta).append("\r\n");
    }
}
