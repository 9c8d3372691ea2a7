package io.ferrite.server.replication;

import io.ferrite.common.Log;
import io.ferrite.engine.Cut;
import io.ferrite.engine.Engine;
import io.ferrite.engine.feed.FeedEntry;
import io.ferrite.engine.feed.FeedSubscription;
import io.ferrite.persistence.snapshot.RdbLoader;
import io.ferrite.replication.Backlog;
import io.ferrite.replication.FeedOffsets;
import io.ferrite.replication.PsyncDecision;
import io.ferrite.replication.ReplicationLog;
import io.ferrite.replication.StreamEncoder;
import io.ferrite.server.OutputBufferLimits;
import io.ferrite.server.ServerConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The master's replication thread: it owns the {@link ReplicationLog} (ids, offset, backlog) and
 * the list of replicas, reads the effects feed, encodes each entry as the stream (SELECT when the
 * database changes, as replicationFeedSlaves), appends it to the backlog and hands every online
 * replica what it has not been given yet, as retained slices of the backlog's blocks. Other
 * threads never touch that state: they hand the pump tasks ({@link #submit}), which it runs
 * between two batches of the feed. Once a second it does what replicationCron does for a master:
 * PINGs in the stream, newlines to replicas waiting for their RDB, timeouts, the backlog's TTL, and
 * a full sync's snapshot when replicas wait for one.
 * <p>
 * A full sync's stream starts at the snapshot's cut: the cut's feed number is handed over while
 * every shard is held ({@link #cutTaken}), and the pump, which sees entries in feed order, resolves
 * it to the offset it has reached when every entry up to that number is in the stream.
 */
public final class ReplicationPump implements Runnable {
    /** Feed entries encoded before the replicas are given the bytes and tasks run. */
    private static final int BATCH = 4096;
    /** How long the pump waits for an entry before it looks at its tasks and cron again. */
    private static final long IDLE_MILLIS = 10;
    /**
     * After a batch that found entries, the pump sleeps this long before it looks again, without
     * asking the writers to wake it: under a steady write load it then takes the feed a batch at a
     * time instead of being woken (a futex call on the writing shard, a context switch here) for
     * every entry. Only an idle pump waits to be woken by the next entry.
     */
    private static final long GATHER_NANOS = TimeUnit.MICROSECONDS.toNanos(100);
    /** Recent feed entries whose stream offset is remembered, for WAIT (a power of two). */
    private static final int REMEMBERED = 1 << 16;

    private final ServerConfig config;
    private final Engine engine;
    private final FullSyncs fullSyncs;
    private final Failover failover;
    private final ReplicationLog log;
    private final StreamEncoder encoder = new StreamEncoder();
    private final ByteBuf scratch = Unpooled.buffer(4096);
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<FullSyncs.CutAt> cuts = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<SaveCut> saveCuts = new ConcurrentLinkedQueue<>();
    /** The feed entry the stream started after when it last subscribed. */
    private long subscribedAt = Long.MAX_VALUE;
    /** The attached replicas in attach order (server.slaves); pump only. */
    private final List<ReplicaLink> replicas = new ArrayList<>();
    /** The same list for readers on other threads (INFO, ROLE, WAIT in MULTI). */
    private final CopyOnWriteArrayList<ReplicaLink> view = new CopyOnWriteArrayList<>();
    private final AckWaits waits = new AckWaits();
    private final FeedOffsets offsets = new FeedOffsets(REMEMBERED);
    private final AckWaits.Resolver resolver = new AckWaits.Resolver() {
        @Override
        public long offsetAfter(long seq) {
            return offsets.offsetAfter(seq, log.offset());
        }

        @Override
        public int acks(long offset) {
            return countAcks(offset);
        }
    };
    private final java.util.function.BooleanSupplier drainedCheck = this::drained;
    private final Thread thread;
    private volatile boolean stopping;
    private volatile Figures figures;
    final LongAdder syncFull = new LongAdder();
    final LongAdder syncPartialOk = new LongAdder();
    final LongAdder syncPartialErr = new LongAdder();

    private FeedSubscription sub;
    /** {@link #sub}, for other threads to wake the pump waiting on it. */
    private volatile FeedSubscription wakeable;
    private FeedEntry carried;
    /** Role changes submitted and not yet run; guarded by roleLock. */
    private final Object roleLock = new Object();
    private int rolesPending;
    /** The last feed entry before the first pending role change: later entries wait for it (Long.MAX_VALUE: none pending). */
    private volatile long roleBoundary = Long.MAX_VALUE;
    /** This server replicates from a master: its own feed stays out of the backlog, the master's stream goes in. */
    private volatile boolean following;
    private boolean ackRequested;
    private long noReplicasSince = System.currentTimeMillis();
    private long lastCronMillis;
    private long cronLoops;

    /** Redis's replication fields at one instant, for INFO and ROLE on any thread. */
    public record Figures(String replid, String replid2, long secondReplidOffset, long offset, boolean backlogActive,
                          long backlogSize, long backlogFirstByte, long backlogHistlen, long backlogMemory, long feedSeq) {
    }

    ReplicationPump(ServerConfig config, Engine engine, FullSyncs fullSyncs, Failover failover) {
        this.config = config;
        this.engine = engine;
        this.fullSyncs = fullSyncs;
        this.failover = failover;
        this.log = new ReplicationLog(config.getLong("repl-backlog-size"));
        this.thread = new Thread(this, "ferrite-replication");
        this.thread.setDaemon(true);
        publish();
    }

    void start() {
        thread.start();
    }

    /** Stops the thread; the backlog's memory goes. */
    void stop() {
        stopping = true;
        LockSupport.unpark(thread);
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Runs {@code task} on the pump's thread, after the current batch. */
    void submit(Runnable task) {
        tasks.add(task);
        wake();
    }

    /**
     * Gets the thread going now, whether it idles or waits for the feed: a task, or an ACK that
     * may answer a WAIT or move a failover on (Redis handles both in the same event-loop turn),
     * must not wait for the idle tick.
     */
    void wake() {
        LockSupport.unpark(thread);
        FeedSubscription s = wakeable;
        if (s != null) {
            s.wake();
        }
    }

    private CompletableFuture<Void> call(Runnable task) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        submit(() -> {
            try {
                task.run();
                publish();
                f.complete(null);
            } catch (RuntimeException e) {
                f.completeExceptionally(e);
            }
        });
        return f;
    }

    public Figures figures() {
        return figures;
    }

    /**
     * The figures once the stream holds every feed entry up to {@code seq} (a reader's view of
     * master_repl_offset includes the writes it could have seen, as in Redis, where propagation is
     * synchronous), waiting up to {@code maxMillis} for the pump; the latest figures after that.
     */
    public Figures figuresAfter(long seq, long maxMillis) {
        Figures f = figures;
        if (current(f, seq)) {
            return f;
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxMillis);
        LockSupport.unpark(thread);
        while (!current(f = figures, seq) && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(200));
        }
        return f;
    }

    /** The figures show entry {@code seq} and every role change asked for (REPLICAOF answered before INFO asks). */
    private boolean current(Figures f, long seq) {
        return roleBoundary == Long.MAX_VALUE && (f.feedSeq() >= seq || !f.backlogActive() || following);
    }

    /** The attached replicas, in attach order. */
    List<ReplicaLink> replicas() {
        return view;
    }

    /**
     * Replicas online whose last ACK is at most min-replicas-max-lag seconds old
     * (repl_good_slaves_count), counted when asked, from any thread.
     */
    int goodReplicas() {
        long maxLag = config.getLong("min-replicas-max-lag");
        long now = System.currentTimeMillis() / 1000;
        int good = 0;
        for (ReplicaLink r : view) {
            if (r.state == ReplicaLink.State.ONLINE && now - r.ackMillis / 1000 <= maxLag) {
                good++;
            }
        }
        return good;
    }

    // ------------------------------------------------------------------ for the replica side (the lead wires these)

    /**
     * After a full sync from a master: this server's history becomes the master's, {@code replid} at
     * {@code offset}, with an empty backlog from there; sub-replicas are disconnected (they come back
     * and resync against the new history), and the local feed stays out of the stream from now on
     * (as {@link #following(boolean) following(true)}).
     */
    public void adopt(String replid, long offset) {
        roleChange(() -> {
            disconnectAll();
            log.adopt(replid, offset);
            following = true;
            subscribe();
        });
    }

    /**
     * Appends bytes of the master's stream, as received, to the backlog; sub-replicas get them as
     * they are (replicationFeedStreamFromMasterStream). Takes ownership of {@code bytes}.
     */
    public CompletableFuture<Void> appendRaw(ByteBuf bytes) {
        return call(() -> {
            try {
                log.append(bytes);
            } finally {
                bytes.release();
            }
        });
    }

    /**
     * This replica becomes a master (shiftReplicationId): the old id stays valid up to the next
     * byte as the second id, a new id starts, local writes enter the stream again (after a SELECT),
     * and sub-replicas are disconnected so they learn the new id (they continue with PSYNC).
     */
    public void promote() {
        roleChange(() -> {
            log.promote();
            Log.warning("Setting secondary replication ID to " + log.replid2() + ", valid up to offset: "
                + log.secondReplidOffset() + ". New replication ID is " + log.replid());
            following = false;
            encoder.forceSelect();
            disconnectAll();
        });
    }

    /**
     * Submits a change of this server's role (master or replica) or history (its ids), to take effect between the feed
     * entries made before this call and those made after, as if it had run when it was asked
     * for, without the caller (an event loop, or this thread) waiting: the entries before are
     * pumped under the old role first, and later ones wait until the change ran.
     */
    private void roleChange(Runnable change) {
        long seq = engine.feed().lastSeq();
        synchronized (roleLock) {
            if (rolesPending++ == 0) {
                roleBoundary = seq;
            }
        }
        submit(() -> {
            catchUpTo(seq);
            change.run();
            // readers waiting for the change see its figures once it is no longer pending
            publish();
            synchronized (roleLock) {
                if (--rolesPending == 0) {
                    roleBoundary = Long.MAX_VALUE;
                }
            }
        });
    }

    /** Pumps the feed entries up to {@code seq} (appended already, maybe not yet visible here), on this thread. */
    private void catchUpTo(long seq) {
        if (sub == null) {
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        try {
            while (offsets.last() < seq && System.nanoTime() < deadline) {
                FeedEntry e = next(seq, 1);
                if (e != null) {
                    pumpEntry(e);
                } else if (carried != null) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The master answered +CONTINUE with a new replication id (see {@link ReplicationLog#shiftTo}):
     * sub-replicas are disconnected so they learn the new id (slaveTryPartialResynchronization's
     * disconnectSlaves); they continue with PSYNC.
     */
    public void replidChanged(String newReplid) {
        roleChange(() -> {
            log.shiftTo(newReplid);
            disconnectAll();
        });
    }

    /**
     * Runs {@code then}, on this thread, with the figures once every task and role change handed
     * to the pump so far has run and every feed entry made before this call is in: the exact id
     * and offset of this server's history, for a master turning replica that will PSYNC from
     * there. The caller does not wait (it may be an event loop).
     */
    public void whenSettled(java.util.function.Consumer<Figures> then) {
        long seq = engine.feed().lastSeq();
        submit(() -> {
            catchUpTo(seq);
            publish();
            then.accept(figures);
        });
    }

    /** Whether this server follows a master: while it does, its own feed entries are not put in the backlog. */
    public void following(boolean on) {
        roleChange(() -> following = on);
    }

    // ------------------------------------------------------------------ tasks from connections

    /** SYNC or PSYNC from {@code link}'s connection (syncCommand). */
    void sync(ReplicaLink link, String replid, long psyncOffset, boolean psync) {
        // in Redis the PSYNC meets the backlog as every write and CONFIG SET before it left it: a cut
        // lets a command holding shards finish first (an EXEC that killed this replica's old link)
        long[] seq = new long[1];
        Cut.take(engine, s -> seq[0] = Math.max(seq[0], engine.feed().lastSeq()), () -> submit(() -> {
            catchUpTo(seq[0]);
            applyBacklogSize();
            attach(link, replid, psyncOffset, psync);
        }));
    }

    /** CONFIG SET repl-backlog-size takes effect (resizeReplicationBacklog): the backlog trims to the new size. */
    private void applyBacklogSize() {
        long configured = config.getLong("repl-backlog-size");
        if (log.backlog() != null && log.backlogSize() != Math.max(configured, Backlog.MIN_SIZE)) {
            log.resizeBacklog(configured, Long.MAX_VALUE);
        }
    }

    /** The connection closed. */
    void closed(ReplicaLink link) {
        submit(() -> detach(link));
    }

    /** WAIT: {@code done} gets the count once enough replicas acknowledged the client's last write, or at the deadline. */
    void await(long seq, long numReplicas, long deadlineMillis, java.util.function.LongConsumer done) {
        submit(() -> {
            if (waits.add(seq, numReplicas, deadlineMillis, done, resolver)) {
                ackRequested = true;
            }
        });
    }

    /** REPLCONF GETACK goes to the replicas after the current batch (a shutdown or failover wants their offsets now). */
    void requestAcks() {
        submit(() -> ackRequested = true);
    }

    /** A count of replicas online that acknowledged at least {@code offset}, from any thread. */
    int countAcks(long offset) {
        int n = 0;
        for (ReplicaLink r : view) {
            if (r.state == ReplicaLink.State.ONLINE && r.ackOffset >= offset) {
                n++;
            }
        }
        return n;
    }

    /** Whether this server follows a master (WAIT is refused there), from any thread. */
    boolean followingMaster() {
        return following;
    }

    /** The current offset, from any thread (WAIT inside MULTI counts against it). */
    long offsetNow() {
        return figures.offset();
    }

    /** From a shard thread while every shard is held: the cut of {@code sync} is at feed entry {@code seq}. */
    void cutTaken(long seq, FullSyncs.Sync sync) {
        cuts.add(new FullSyncs.CutAt(seq, sync));
    }

    /** An RDB file's cut at feed entry {@code seq}, waiting for the stream to reach it. */
    private record SaveCut(long seq, CompletableFuture<RdbLoader.ReplicationAux> fields) {
    }

    /**
     * From a shard thread while every shard is held: an RDB file's cut is at feed entry {@code seq}.
     * Completes with rdbPopulateSaveInfo's fields once the stream holds every entry up to it and
     * none after (the database the stream last selected, 0 for none yet; the id; the offset), or
     * with null when this master has no backlog (or got one only after the cut).
     */
    CompletableFuture<RdbLoader.ReplicationAux> saveCutTaken(long seq) {
        CompletableFuture<RdbLoader.ReplicationAux> f = new CompletableFuture<>();
        saveCuts.add(new SaveCut(seq, f));
        wake();
        return f;
    }

    /** Resolves the save cuts the stream has reached (all of them, as null, while there is no stream). */
    private void resolveSaveCuts() {
        SaveCut c;
        while ((c = saveCuts.peek()) != null && (sub == null || c.seq() <= offsets.last())) {
            saveCuts.poll();
            if (sub == null || following || c.seq() < subscribedAt || log.backlog() == null) {
                c.fields().complete(null);
            } else {
                int db = encoder.selectedDb();
                c.fields().complete(new RdbLoader.ReplicationAux(Math.max(0, db), log.replid(), log.offset()));
            }
        }
    }

    /**
     * A master started from an RDB file holding its replication fields (loadDataFromDisk): its
     * history continues from the file's id and offset (see {@link ReplicationLog#restore}), with a
     * backlog, so its replicas can continue. Completes once in effect, so the deletions of keys the
     * load found expired, appended after, go into the stream.
     */
    public CompletableFuture<Void> restoreHistory(String replid, long offset) {
        return call(() -> {
            log.restore(replid, offset);
            subscribe();
            noReplicasSince = System.currentTimeMillis();
            Log.notice("Replication history restored from the RDB file: replication ID '" + log.replid()
                + "', the file's '" + log.replid2() + "' valid up to offset " + log.secondReplidOffset());
        });
    }

    // ------------------------------------------------------------------ the loop

    @Override
    public void run() {
        try {
            boolean busy = false;
            while (!stopping) {
                runTasks();
                cron();
                // updateFailoverStatus, as Redis's beforeSleep: the ACKs that came in may have caught a replica up
                failover.update(replicas, log.offset(), drainedCheck);
                if (sub == null) {
                    resolveSaveCuts();
                    processWaits();
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(IDLE_MILLIS));
                    continue;
                }
                int n = pumpFeed();
                if (ackRequested) {
                    ackRequested = false;
                    if (!replicas.isEmpty()) {
                        scratch.clear();
                        encoder.getAck(scratch);
                        log.append(scratch);
                    }
                }
                afterBatch();
                if (n > 0) {
                    busy = true;
                } else if (tasks.isEmpty() && sub != null) {
                    if (busy && carried == null) {
                        // tasks (and ACKs) still wake the thread at once: see wake()
                        busy = false;
                        LockSupport.parkNanos(GATHER_NANOS);
                    } else if (carried == null) {
                        carried = sub.take(IDLE_MILLIS, TimeUnit.MILLISECONDS);
                    } else {
                        // an entry waits for a role change being submitted
                        Thread.onSpinWait();
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            Log.warning("The replication thread stopped on an internal error: " + t);
        } finally {
            if (sub != null) {
                sub.close();
            }
            log.close();
        }
    }

    private void runTasks() {
        Runnable t;
        boolean any = false;
        while ((t = tasks.poll()) != null) {
            any = true;
            try {
                t.run();
            } catch (RuntimeException e) {
                Log.warning("Replication task failed: " + e);
            }
        }
        if (any) {
            publish();
        }
    }

    /** Encodes up to a batch of feed entries; resolves every cut the stream has reached, before the entry after it. */
    private int pumpFeed() throws InterruptedException {
        int n = 0;
        while (n < BATCH) {
            // an entry written after a role change was asked for goes in under the new role: it waits
            FeedEntry e = next(roleBoundary, 0);
            if (e == null) {
                break;
            }
            pumpEntry(e);
            n++;
        }
        resolveCuts();
        return n;
    }

    /**
     * The next feed entry numbered up to {@code limit} (waiting up to {@code waitMillis} for one),
     * or null: none yet, or the next is beyond the limit and is kept ({@link #carried}) for later.
     */
    private FeedEntry next(long limit, long waitMillis) throws InterruptedException {
        FeedEntry e = carried != null ? carried : waitMillis > 0 ? sub.take(waitMillis, TimeUnit.MILLISECONDS) : sub.poll();
        carried = null;
        if (e != null && e.seq() > limit) {
            carried = e;
            return null;
        }
        return e;
    }

    private void pumpEntry(FeedEntry e) {
        resolveCuts();
        if (!following && e.goesTo(FeedEntry.REPLICAS)) {
            scratch.clear();
            encoder.command(e.db(), e.argv(), scratch);
            log.append(scratch);
        }
        offsets.record(e.seq(), log.offset());
    }

    /** Whether every feed entry so far is in the stream (a replica that acknowledged the offset has every write). */
    private boolean drained() {
        return sub == null || carried == null && offsets.last() >= engine.feed().lastSeq();
    }

    private void resolveCuts() {
        resolveSaveCuts();
        FullSyncs.CutAt c;
        while ((c = cuts.peek()) != null && c.seq() <= offsets.last()) {
            cuts.poll();
            fullSyncs.resolved(c.sync(), log.offset());
            // the new replica's database is unknown: the next command selects again
            encoder.forceSelect();
        }
    }

    /** The bytes go to the replicas online, limits are checked, the backlog trimmed, WAITs answered. */
    private void afterBatch() {
        Backlog b = log.backlog();
        long keepFrom = Long.MAX_VALUE;
        for (ReplicaLink r : replicas) {
            if (r.state == ReplicaLink.State.ONLINE && r.awaitingAck) {
                keepFrom = Math.min(keepFrom, r.sentOffset + 1);
            } else if (r.state == ReplicaLink.State.ONLINE) {
                // what a slow replica has not taken off its socket stays in the backlog too (its blocks are
                // shared anyway): the history outgrows repl-backlog-size, as Redis's does, and serves a PSYNC
                keepFrom = Math.min(keepFrom, r.sentOffset - r.outboundBytes() + 1);
                if (b != null && r.sentOffset < log.offset()) {
                    if (!b.covers(r.sentOffset + 1)) {
                        // cannot happen while waiting replicas pin their start; if it did, the replica must resync
                        Log.warning("Replica " + r.name() + " lost its place in the backlog: disconnecting it");
                        close(r);
                        continue;
                    }
                    write(r, b.read(r.sentOffset + 1));
                    r.sentOffset = log.offset();
                }
            } else if (r.startOffset >= 0) {
                keepFrom = Math.min(keepFrom, r.startOffset + 1);
            }
        }
        enforceLimits();
        if (b != null) {
            b.trim(keepFrom);
        }
        processWaits();
        publish();
    }

    /** Writes buffers to a replica's channel, in order, from this thread. */
    void write(ReplicaLink r, List<ByteBuf> bufs) {
        try {
            r.channel.eventLoop().execute(() -> {
                for (ByteBuf buf : bufs) {
                    r.channel.write(buf, r.channel.voidPromise());
                }
                r.channel.flush();
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // the server is closing: its loops take no more tasks
            bufs.forEach(ByteBuf::release);
        }
    }

    void writeLine(ReplicaLink r, String line) {
        write(r, List.of(Unpooled.copiedBuffer(line, StandardCharsets.US_ASCII)));
    }

    /** client-output-buffer-limit replica: the stream not yet on the socket, or not yet sendable while the RDB is prepared. */
    private void enforceLimits() {
        OutputBufferLimits.Limit l = OutputBufferLimits.of(config, "slave");
        if (l.hard() == 0 && l.soft() == 0) {
            return;
        }
        // a hard limit below repl-backlog-size is raised to it (checkClientOutputBufferLimits): a replica
        // could resync from the backlog and then be dropped at once, and its buffer is the backlog's memory
        long hard = l.hard() > 0 ? Math.max(l.hard(), log.backlogSize()) : 0;
        long now = System.currentTimeMillis();
        for (ReplicaLink r : List.copyOf(replicas)) {
            long used = switch (r.state) {
                case ONLINE -> r.awaitingAck ? log.offset() - r.sentOffset : r.outboundBytes();
                case WAIT_BGSAVE_END, SEND_BULK -> log.offset() - r.startOffset;
                case WAIT_BGSAVE_START -> 0;
            };
            boolean over = hard > 0 && used >= hard;
            if (!over && l.soft() > 0 && used >= l.soft()) {
                if (r.softSince < 0) {
                    r.softSince = now;
                } else {
                    over = now - r.softSince >= l.softSeconds() * 1000;
                }
            } else if (!over) {
                r.softSince = -1;
            }
            if (over) {
                Log.warning("Client " + r.name() + " scheduled to be closed ASAP for overcoming of output buffer limits.");
                close(r);
            }
        }
    }

    private void processWaits() {
        if (!waits.isEmpty()) {
            waits.check(resolver, System.currentTimeMillis());
        }
    }

    // ------------------------------------------------------------------ replicas coming and going

    private void attach(ReplicaLink link, String replid, long psyncOffset, boolean psync) {
        if (link.attached || !link.channel.isActive()) {
            return;
        }
        Log.notice("Replica " + link.name() + " asks for synchronization");
        if (psync) {
            PsyncDecision d = log.decide(replid, psyncOffset);
            if (d.partial()) {
                continueFrom(link, psyncOffset);
                syncPartialOk.increment();
                return;
            }
            if (d.forced()) {
                Log.notice("Full resync requested by replica " + link.name());
            } else {
                syncPartialErr.increment();
                if (d.log().equals("lack of backlog")) {
                    Log.notice("Unable to partial resync with replica " + link.name()
                        + " for lack of backlog (Replica request was: " + psyncOffset + ").");
                    if (psyncOffset > log.offset()) {
                        Log.warning("Warning: replica " + link.name()
                            + " tried to PSYNC with an offset that is greater than the master replication offset.");
                    }
                } else {
                    Log.notice(d.log());
                }
            }
        } else {
            link.prePsync = true;
        }
        syncFull.increment();
        link.waitingSinceMillis = System.currentTimeMillis();
        link.state = ReplicaLink.State.WAIT_BGSAVE_START;
        add(link);
        if (replicas.size() == 1 && log.backlog() == null) {
            log.createBacklog();
            subscribe();
            Log.notice("Replication backlog created, my new replication IDs are '" + log.replid() + "' and '"
                + log.replid2() + "'");
        }
        fullSyncs.waiting(link);
    }

    /** +CONTINUE: the replica is online from the byte it asked for (masterTryPartialResynchronization). */
    private void continueFrom(ReplicaLink link, long psyncOffset) {
        link.state = ReplicaLink.State.ONLINE;
        link.ackMillis = System.currentTimeMillis();
        add(link);
        writeLine(link, link.capaPsync2 ? "+CONTINUE " + log.replid() + "\r\n" : "+CONTINUE\r\n");
        link.sentOffset = psyncOffset - 1;
        Log.notice("Partial resynchronization request from " + link.name() + " accepted. Sending "
            + (log.offset() - psyncOffset + 1) + " bytes of backlog starting from offset " + psyncOffset + ".");
    }

    private void add(ReplicaLink link) {
        link.attached = true;
        replicas.add(link);
        view.add(link);
    }

    private void detach(ReplicaLink link) {
        if (!link.attached) {
            return;
        }
        link.attached = false;
        replicas.remove(link);
        view.remove(link);
        Log.notice("Connection with replica " + link.name() + " lost.");
        fullSyncs.left(link, replicas);
        if (replicas.isEmpty()) {
            noReplicasSince = System.currentTimeMillis();
        }
    }

    private void disconnectAll() {
        for (ReplicaLink r : List.copyOf(replicas)) {
            close(r);
            detach(r);
        }
    }

    void close(ReplicaLink r) {
        r.channel.close();
    }

    private void subscribe() {
        if (sub != null) {
            return;
        }
        sub = engine.feed().subscribe();
        subscribedAt = sub.position();
        wakeable = sub;
        offsets.start(sub.position(), log.offset());
        encoder.forceSelect();
    }

    private void unsubscribe() {
        if (sub != null) {
            wakeable = null;
            sub.close();
            sub = null;
            carried = null;
            offsets.stop();
        }
    }

    // ------------------------------------------------------------------ full syncs (called by FullSyncs on this thread)

    /** The replica's stream starts after {@code offset}: +FULLRESYNC (replicationSetupSlaveForFullResync). */
    void fullResync(ReplicaLink link, long offset) {
        link.startOffset = offset;
        link.state = ReplicaLink.State.WAIT_BGSAVE_END;
        if (!link.prePsync) {
            writeLine(link, "+FULLRESYNC " + log.replid() + " " + offset + "\r\n");
        }
    }

    /** Whether a replica can still start its stream after {@code offset} (the bytes are in the backlog). */
    boolean streamableFrom(long offset) {
        Backlog b = log.backlog();
        return b != null && b.covers(offset + 1);
    }

    /** The RDB reached the replica: it is online and gets the stream from its start (replicaPutOnline). */
    void online(ReplicaLink link) {
        if (!link.attached) {
            return;
        }
        link.state = ReplicaLink.State.ONLINE;
        link.ackMillis = System.currentTimeMillis();
        link.sentOffset = link.startOffset;
        Log.notice("Synchronization with replica " + link.name() + " succeeded");
    }

    /**
     * A diskless sync's RDB reached the replica: it is online, and gets the stream once its first
     * REPLCONF ACK says it loaded the data (so nothing follows the EOF mark on the wire before).
     */
    void onlineOnAck(ReplicaLink link) {
        link.awaitingAck = true;
        online(link);
    }

    /** The replicas waiting for a snapshot to start (WAIT_BGSAVE_START). */
    List<ReplicaLink> waitingToStart() {
        List<ReplicaLink> out = new ArrayList<>();
        for (ReplicaLink r : replicas) {
            if (r.state == ReplicaLink.State.WAIT_BGSAVE_START) {
                out.add(r);
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ cron

    /** replicationCron, once a second. */
    private void cron() {
        long now = System.currentTimeMillis();
        if (now - lastCronMillis < 1000) {
            return;
        }
        lastCronMillis = now;
        int period = Math.max(1, config.getInt("repl-ping-replica-period"));
        // a replica's stream is its master's, bytes for bytes: it never adds PINGs of its own (replicationFeedSlaves)
        // nor while a failover waits for a replica to catch up: a PING would move the offset it must reach
        // (Redis skips them while a failover with a timeout pauses clients)
        if (cronLoops % period == 0 && !replicas.isEmpty() && log.backlog() != null && !following
                && failover.state() != Failover.State.WAIT_FOR_SYNC) {
            scratch.clear();
            encoder.ping(scratch);
            log.append(scratch);
        }
        long timeoutMillis = config.getLong("repl-timeout") * 1000;
        for (ReplicaLink r : List.copyOf(replicas)) {
            switch (r.state) {
                case WAIT_BGSAVE_START -> writeLine(r, "\n");
                case WAIT_BGSAVE_END -> {
                    if (!r.diskless) {
                        writeLine(r, "\n");
                    }
                }
                case ONLINE -> {
                    if (!r.prePsync && now - r.ackMillis > timeoutMillis) {
                        Log.warning("Disconnecting timedout replica (streaming sync): " + r.name());
                        close(r);
                        detach(r);
                    }
                }
                default -> {
                }
            }
        }
        long ttl = config.getLong("repl-backlog-ttl");
        if (replicas.isEmpty() && ttl > 0 && log.backlog() != null && !following
                && now - noReplicasSince > ttl * 1000) {
            log.freeBacklog();
            unsubscribe();
            Log.notice("Replication backlog freed after " + ttl + " seconds without connected replicas.");
        }
        applyBacklogSize();
        fullSyncs.cron();
        cronLoops++;
    }

    private void publish() {
        Backlog b = log.backlog();
        figures = new Figures(log.replid(), log.replid2(), log.secondReplidOffset(), log.offset(), b != null,
            log.backlogSize(), b != null ? b.firstByteOffset() : 0, b != null ? b.histlen() : 0,
            b != null ? b.memory() : 0, sub != null ? offsets.last() : 0);
    }
}
