package io.ferrite.engine.feed;

import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The server's effects, in one global order: every change to the keyspace, from any path (a
 * command, a blocked client being served, an EXEC, lazy or active expiry), as the commands Redis
 * 7.0 would propagate to its AOF and replicas (Redis's call(), alsoPropagate and
 * rewriteClientCommandVector), each tagged with its database. The AOF and replication subscribe
 * ({@link #subscribe}) and read entries in feed order; an EXEC's effects, or a command that
 * propagates as several, arrive contiguously between a MULTI and an EXEC entry.
 * <p>
 * Shard threads append while they execute, before the command's reply leaves, so whenever a
 * client could have seen one change before making another, the first is earlier in the feed.
 * The feed is a linked list appended lock-free (Vyukov's MPSC queue: one atomic swap of the tail,
 * then a link from the old tail); each subscriber walks it from where it subscribed, and entries
 * every subscriber has passed are garbage. With no subscriber nothing is recorded: the cost on the
 * write path is the volatile read of {@link #active}.
 */
public final class EffectFeed {
    private static final byte[] DEL = {'D', 'E', 'L'};
    private static final byte[] UNLINK = {'U', 'N', 'L', 'I', 'N', 'K'};

    private final AtomicReference<FeedEntry> tail = new AtomicReference<>(origin());
    private final CopyOnWriteArraySet<FeedSubscription> subscribers = new CopyOnWriteArraySet<>();
    private volatile boolean active;
    /** Numbered databases: the memcached namespace (the one beyond them) is not propagated, as it is not Redis data. */
    private final int databases;
    /** lazyfree-lazy-expire: expired keys propagate as UNLINK instead of DEL. */
    private volatile java.util.function.BooleanSupplier lazyExpire = () -> false;
    /** lazyfree-lazy-eviction: evicted keys propagate as UNLINK instead of DEL. */
    private volatile java.util.function.BooleanSupplier lazyEvict = () -> false;
    /** The unit a command or EXEC running on this thread propagates into (Redis's server.also_propagate). */
    private final ThreadLocal<Effects> current = new ThreadLocal<>();

    public EffectFeed(int databases) {
        this.databases = databases;
    }

    /** True while someone subscribes: the one check the write path makes. */
    public boolean active() {
        return active;
    }

    /** Starts reading the feed from now on. */
    public FeedSubscription subscribe() {
        synchronized (subscribers) {
            FeedSubscription s = new FeedSubscription(this, tail.get());
            subscribers.add(s);
            active = true;
            return s;
        }
    }

    void unsubscribe(FeedSubscription s) {
        synchronized (subscribers) {
            subscribers.remove(s);
            active = !subscribers.isEmpty();
        }
    }

    public void lazyExpire(java.util.function.BooleanSupplier on) {
        this.lazyExpire = on;
    }

    public void lazyEvict(java.util.function.BooleanSupplier on) {
        this.lazyEvict = on;
    }

    /** A key maxmemory evicted: DEL, or UNLINK under lazyfree-lazy-eviction (Redis's propagateDeletion). */
    public void evicted(int db, byte[] key) {
        deleted(db, key, lazyEvict.getAsBoolean() ? UNLINK : DEL);
    }

    /** How Redis propagates a key deleted because its time has come: UNLINK under lazyfree-lazy-expire, else DEL. */
    public byte[] expiredDeleteVerb() {
        return lazyExpire.getAsBoolean() ? UNLINK : DEL;
    }

    int databases() {
        return databases;
    }

    /** A new unit of effects (one command, or a whole EXEC when {@code transaction}), to {@link Effects#commit} when done. */
    public Effects unit(boolean transaction) {
        return new Effects(this, transaction);
    }

    /** The unit open on this thread, or null. */
    public Effects current() {
        return current.get();
    }

    /** Makes {@code unit} the one open on this thread and returns the one it replaces. */
    public Effects enter(Effects unit) {
        Effects before = current.get();
        current.set(unit);
        return before;
    }

    public void exit(Effects before) {
        current.set(before);
    }

    /**
     * A key removed because its TTL passed (lazy or active expiry): DEL, or UNLINK under
     * lazyfree-lazy-expire, as Redis's deleteExpiredKeyAndPropagate. Met by a command (lazy
     * expiry), it joins that command's unit ahead of the command's own effects, so a write that
     * met an expired key propagates as MULTI, DEL, the write, EXEC, as Redis 7.0 does; the active
     * expiry's deletions go out alone.
     */
    public void expired(int db, byte[] key) {
        if (active) {
            deleted(db, key, expiredDeleteVerb());
        }
    }

    private void deleted(int db, byte[] key, byte[] verb) {
        if (!active || db >= databases) {
            return;
        }
        byte[][] argv = {verb, key};
        Effects unit = current.get();
        if (unit != null) {
            unit.add(db, argv);
        } else {
            FeedEntry e = FeedEntry.command(db, argv);
            append(e, e);
        }
    }

    /**
     * The number of the last entry appended. Exact while no shard can append (every shard held: a
     * consistent cut); otherwise an instant's figure.
     */
    public long lastSeq() {
        FeedEntry t = tail.get();
        long seq;
        while ((seq = t.seq) == FeedEntry.UNNUMBERED) {
            Thread.onSpinWait();
        }
        return seq;
    }

    // ------------------------------------------------------------------ durability (appendfsync always)

    /**
     * Whether replies must wait until the effects they follow are on disk (appendfsync always):
     * set by the AOF, read where replies leave. Off, nothing waits.
     */
    private volatile boolean syncedReplies;
    /** The last feed entry the AOF has written and fsynced. */
    private volatile long durable;
    private final java.util.concurrent.ConcurrentLinkedQueue<DurableWaiter> waiters =
        new java.util.concurrent.ConcurrentLinkedQueue<>();

    private record DurableWaiter(long seq, Runnable then) {
    }

    /** Turns the wait for durability on or off; off releases everything waiting. */
    public void syncedReplies(boolean on) {
        syncedReplies = on;
        if (!on) {
            runWaiters(Long.MAX_VALUE);
        }
    }

    /** The AOF's offer to let a waiting thread do its work (see {@link #helpDurable}); null without one. */
    private volatile java.util.function.LongPredicate helper;

    public void helper(java.util.function.LongPredicate h) {
        this.helper = h;
    }

    /**
     * Before waiting for entry {@code seq}: the waiting thread writes (and under always fsyncs) the
     * pending entries itself if no one else is; true when entry {@code seq} need no longer be waited for.
     */
    public boolean helpDurable(long seq) {
        java.util.function.LongPredicate h = helper;
        return h != null && h.test(seq);
    }

    /** Whether replies wait for the AOF at all (it is on). */
    public boolean repliesWait() {
        return syncedReplies;
    }

    /** Whether a reply following effects up to entry {@code seq} must wait before it leaves. */
    public boolean mustWaitFor(long seq) {
        return seq > durable && syncedReplies;
    }

    /**
     * Runs {@code then} (on the AOF's thread, or here) once entry {@code seq} is on disk, or the wait
     * is turned off. The caller hands the work back to its own thread.
     */
    public void whenDurable(long seq, Runnable then) {
        waiters.add(new DurableWaiter(seq, then));
        // the AOF may have passed seq between the caller's check and the add: look again
        if (!mustWaitFor(seq)) {
            runWaiters(syncedReplies ? durable : Long.MAX_VALUE);
        }
    }

    /** The AOF has written and fsynced every entry up to {@code seq}: replies waiting on them go. */
    public void durable(long seq) {
        if (seq > durable) {
            durable = seq;
        }
        if (!waiters.isEmpty()) {
            runWaiters(durable);
        }
    }

    public long durableSeq() {
        return durable;
    }

    private void runWaiters(long upTo) {
        for (java.util.Iterator<DurableWaiter> it = waiters.iterator(); it.hasNext(); ) {
            DurableWaiter w = it.next();
            if (w.seq() <= upTo && waiters.remove(w)) {
                w.then().run();
            }
        }
    }

    /** The entry before the first one: numbered 0, never read. */
    private static FeedEntry origin() {
        FeedEntry e = new FeedEntry(FeedEntry.Kind.EXEC, 0, new byte[0][], FeedEntry.ALL);
        e.seq = 0;
        return e;
    }

    /**
     * Appends the chain {@code first} ... {@code last} (linked through {@code next}) contiguously.
     * The swap of the tail is the linearization point: it places the chain right after {@code prev}.
     * The chain's numbers follow prev's, which prev's appender writes just after its own swap; in
     * the rare case that it has not yet (it was descheduled in between), this waits for it.
     */
    void append(FeedEntry first, FeedEntry last) {
        FeedEntry prev = tail.getAndSet(last);
        long seq;
        for (int spins = 0; (seq = prev.seq) == FeedEntry.UNNUMBERED; spins++) {
            if (spins < 100) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
        for (FeedEntry e = first; e != last; e = e.next) {
            e.seq = ++seq;
        }
        last.seq = ++seq;
        prev.next = first;
        for (FeedSubscription s : subscribers) {
            Thread reader = s.waiting;
            if (reader != null) {
                java.util.concurrent.locks.LockSupport.unpark(reader);
            }
        }
    }
}
