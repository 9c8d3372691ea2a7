package io.ferrite.store.stream;

import io.ferrite.common.ShardConfined;

import java.util.TreeMap;

/** A consumer of a group: its name, when it was last seen, and the pending entries it owns. */
@ShardConfined
public final class Consumer {
    public final byte[] name;
    /** Unix ms of the last command that named this consumer (XINFO CONSUMERS idle). */
    private long seenTime;
    /** The consumer's share of the group PEL; the same {@link PendingEntry} objects. */
    public final TreeMap<StreamId, PendingEntry> pel = new TreeMap<>();

    Consumer(byte[] name, long seenTime) {
        this.name = name;
        this.seenTime = seenTime;
    }

    public long seenTime() {
        return seenTime;
    }

    public void seenTime(long now) {
        seenTime = now;
    }
}
