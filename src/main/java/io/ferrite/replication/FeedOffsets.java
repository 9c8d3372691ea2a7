package io.ferrite.replication;

/**
 * Where each recent effects-feed entry ended in the replication stream: WAIT needs the stream
 * offset just after a client's last write (Redis's c->woff), and the client knows only its
 * write's feed number. The pump records every entry it takes in; the last {@code capacity} are
 * remembered, older ones answer with the current offset (a WAIT then waits a little longer than
 * needed, never less). Not thread-safe: one owner.
 */
public final class FeedOffsets {
    /**
     * Allocated when the stream first starts reading the feed: a server without replicas never
     * needs it, and its half megabyte would otherwise sit in the start-up heap.
     */
    private long[] ring;
    private final int capacity;
    /** The feed entry the stream started after, -1 before it did. */
    private long start = -1;
    private long startOffset;
    private long last;

    /** Remembers the last {@code capacity} entries (a power of two). */
    public FeedOffsets(int capacity) {
        if (capacity <= 0 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two, was " + capacity);
        }
        this.capacity = capacity;
    }

    /** The stream reads the feed from after entry {@code seq}, at stream offset {@code offset}. */
    public void start(long seq, long offset) {
        start = seq;
        startOffset = offset;
        last = seq;
    }

    /** The stream no longer reads the feed. */
    public void stop() {
        start = -1;
    }

    /** Entry {@code seq}, the next one, ended at stream offset {@code offset}. */
    public void record(long seq, long offset) {
        last = seq;
        ring()[(int) (seq & (capacity - 1))] = offset;
    }

    private long[] ring() {
        if (ring == null) {
            ring = new long[capacity];
        }
        return ring;
    }

    /** The last entry recorded (or the start). */
    public long last() {
        return last;
    }

    /**
     * The stream offset just after entry {@code seq}: 0 for a client that never wrote ({@code seq}
     * 0), {@code current} while the stream does not read the feed or for an entry too old to be
     * remembered, and -1 for an entry not in the stream yet.
     */
    public long offsetAfter(long seq, long current) {
        if (seq == 0) {
            return 0;
        }
        if (start < 0) {
            return current;
        }
        if (seq <= start) {
            return startOffset;
        }
        if (seq > last) {
            return -1;
        }
        return seq > last - capacity ? ring()[(int) (seq & (capacity - 1))] : current;
    }
}
