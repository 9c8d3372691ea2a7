package io.ferrite.command.memcached;

import io.ferrite.store.MemoryEstimate;

/** One memcached item: the value bytes, the 32-bit client flags, the CAS unique and access metadata. */
public final class McItem implements MemoryEstimate.Sized {
    public final byte[] data;
    public final int flags;
    public final long cas;
    /** Unix seconds of the last store (for delayed flush_all). */
    public final long time;
    /** Unix seconds of the last access. */
    public long lastAccess;
    public boolean fetched;
    public boolean stale;
    public boolean winSent;
    /** Stored by a meta command with a base64 (b) key: meta replies show its key in base64. */
    public boolean binaryKey;

    public McItem(byte[] data, int flags, long cas, long time) {
        this.data = data;
        this.flags = flags;
        this.cas = cas;
        this.time = time;
        this.lastAccess = time;
    }

    @Override
    public long memory() {
        return 48 + MemoryEstimate.bytes(data.length);
    }
}
