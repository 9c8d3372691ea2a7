package io.ferrite.engine.feed;



/**
 * A reader of the {@link EffectFeed} from the moment it subscribed: it sees every entry appended
 * after that, in feed order, each exactly once. One thread reads a subscription; the feed's writers
 * never wait for it (entries it has not read yet stay reachable from it, so a reader that stops
 * reading must {@link #close}).
 */
public final class FeedSubscription implements AutoCloseable {
    private final EffectFeed feed;
    /** The last entry read (at first, the feed's tail when subscribing). */
    private volatile FeedEntry last;

    FeedSubscription(EffectFeed feed, FeedEntry start) {
        this.feed = feed;
        this.last = start;
    }

    /**
     * The number of the last entry read (at first, of the entry the subscription started after):
     * every later entry this subscription returns is numbered after it.
     */
    public long position() {
        long seq;
        while ((seq = last.seq) == FeedEntry.UNNUMBERED) {
            Thread.onSpinWait();
        }
        return seq;
    }

    /** The next entry, or null if the writers have appended nothing more yet. */
    public FeedEntry poll() {
        FeedEntry n = last.next;
        if (n != null) {
            last = n;
        }
        return n;
    }

    /** The reading thread while it waits in {@link #take}, for appenders to wake; null otherwise. */
    volatile Thread waiting;
    /** Set by {@link #wake}: the reader has other work, so a {@link #take} in progress returns. */
    private volatile boolean woken;

    /**
     * Makes a {@link #take} in progress (or the next one) return at once, with null if no entry
     * came: for a reader that also serves work other than the feed's, handed to it from other threads.
     */
    public void wake() {
        woken = true;
        Thread t = waiting;
        if (t != null) {
            java.util.concurrent.locks.LockSupport.unpark(t);
        }
    }

    /**
     * The next entry, waiting up to {@code timeout} for one; null if none came. A reader parks
     * here instead of spinning: appenders wake it (see EffectFeed#append).
     */
    public FeedEntry take(long timeout, java.util.concurrent.TimeUnit unit) throws InterruptedException {
        FeedEntry e = poll();
        if (e != null) {
            return e;
        }
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        // announce the wait, then look again: an appender links, then looks for waiters, so one of us sees the other
        waiting = Thread.currentThread();
        try {
            while ((e = poll()) == null) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || woken) {
                    woken = false;
                    return null;
                }
                java.util.concurrent.locks.LockSupport.parkNanos(this, left);
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
            }
            return e;
        } finally {
            waiting = null;
        }
    }

    /**
     * Waits up to {@code timeout} until an entry is there to read, without taking it (the reader
     * takes it with {@link #poll}, perhaps on another thread that shares the reading under a lock).
     */
    public void await(long timeout, java.util.concurrent.TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        waiting = Thread.currentThread();
        try {
            while (last.next == null) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                java.util.concurrent.locks.LockSupport.parkNanos(this, left);
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
            }
        } finally {
            waiting = null;
        }
    }

    /** Hands every entry available now to {@code reader}, in order; returns how many. */
    public int drain(java.util.function.Consumer<FeedEntry> reader) {
        int n = 0;
        for (FeedEntry e = poll(); e != null; e = poll()) {
            reader.accept(e);
            n++;
        }
        return n;
    }

    @Override
    public void close() {
        feed.unsubscribe(this);
    }
}
