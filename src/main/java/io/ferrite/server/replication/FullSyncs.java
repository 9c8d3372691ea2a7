package io.ferrite.server.replication;

import io.ferrite.common.Log;
import io.ferrite.engine.Shard;
import io.ferrite.server.RdbPersistence;
import io.ferrite.server.aof.AofPersistence;
import io.ferrite.server.snapshot.SnapshotFile;
import io.netty.buffer.Unpooled;
import io.netty.channel.DefaultFileRegion;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Disk-based full synchronisation, as Redis 7.0 does it without a fork: a background save to
 * dbfilename started for the replicas that wait (startBgsaveForReplication), its cut taken while
 * every shard is held so the stream of each replica starts exactly there, then the file sent as
 * {@code $<length>\r\n} and the bytes, with sendfile (Netty's DefaultFileRegion), and the replica
 * put online. Replicas that ask while this save has not finished share it (their stream is kept
 * in the backlog from the cut); a BGSAVE or AOF rewrite of another purpose owns the snapshot
 * marks, so replicas then wait for the next save ("Waiting for next BGSAVE for SYNC"). Every
 * method runs on the pump's thread, except the snapshot's own callbacks, which hand it tasks.
 */
final class FullSyncs {
    /** A cut in the feed, taken for {@code sync}: the pump resolves it to a stream offset. */
    record Cut(long seq, Sync sync) {
    }

    /** One background save feeding replicas. */
    static final class Sync {
        final SnapshotFile file;
        final List<ReplicaLink> links = new CopyOnWriteArrayList<>();
        boolean resolved;
        long offset;
        boolean done;
        boolean ok;

        Sync(SnapshotFile file) {
            this.file = file;
        }
    }

    private final RdbPersistence rdb;
    private final AofPersistence aof;
    private final io.ferrite.engine.Engine engine;
    private ReplicationPump pump;
    private Sync current;

    FullSyncs(RdbPersistence rdb, AofPersistence aof, io.ferrite.engine.Engine engine) {
        this.rdb = rdb;
        this.aof = aof;
        this.engine = engine;
    }

    void pump(ReplicationPump p) {
        this.pump = p;
    }

    /** A replica now waits for a full sync (syncCommand's three cases). */
    void waiting(ReplicaLink link) {
        Sync s = current;
        if (s != null && !s.done) {
            if (!s.resolved || pump.streamableFrom(s.offset)) {
                join(s, link);
                Log.notice("Waiting for end of BGSAVE for SYNC");
            } else {
                Log.notice("Can't attach the replica to the current BGSAVE. Waiting for next BGSAVE for SYNC");
            }
            return;
        }
        if (busy()) {
            Log.notice("No BGSAVE in progress, but another BG operation is active. BGSAVE for replication delayed");
            return;
        }
        start(pump.waitingToStart());
    }

    /** Once a second: replicas still waiting get a save as soon as none of another purpose runs. */
    void cron() {
        if (current != null || busy()) {
            return;
        }
        List<ReplicaLink> waiting = pump.waitingToStart();
        if (!waiting.isEmpty()) {
            start(waiting);
        }
    }

    private boolean busy() {
        return rdb.backgroundInProgress() || aof.rewriting();
    }

    private void join(Sync s, ReplicaLink link) {
        s.links.add(link);
        if (s.resolved) {
            pump.fullResync(link, s.offset);
        }
    }

    private void start(List<ReplicaLink> waiting) {
        SnapshotFile f = rdb.claimBackground();
        if (f == null) {
            return;
        }
        Sync s = new Sync(f);
        s.links.addAll(waiting);
        current = s;
        Log.notice("Starting BGSAVE for SYNC with target: disk");
        Shard[] shards = engine.shards();
        long[] dirty = new long[shards.length];
        io.ferrite.engine.Cut.take(engine, shard -> {
            dirty[shard.id] = rdb.cutOn(shard, f);
            if (shard.id == shards.length - 1) {
                // every shard is held: no entry can be appended, the last one is exactly the cut
                pump.cutTaken(engine.feed().lastSeq(), s);
            }
        }, () -> {
            rdb.started(f, dirty);
            f.done().thenAccept(ok -> pump.submit(() -> finished(s, ok)));
        });
    }

    /** The pump's stream reached the cut: every replica of the save gets +FULLRESYNC with that offset. */
    void resolved(Sync s, long offset) {
        s.resolved = true;
        s.offset = offset;
        for (ReplicaLink l : s.links) {
            if (l.attached && l.state == ReplicaLink.State.WAIT_BGSAVE_START) {
                pump.fullResync(l, offset);
            }
        }
        if (s.done) {
            finish(s);
        }
    }

    private void finished(Sync s, boolean ok) {
        s.done = true;
        s.ok = ok;
        if (s.resolved) {
            finish(s);
        }
    }

    /** updateSlavesWaitingBgsave: each replica of the save gets the file, or is dropped if it failed. */
    private void finish(Sync s) {
        if (current == s) {
            current = null;
        }
        for (ReplicaLink l : s.links) {
            if (!l.attached || l.state != ReplicaLink.State.WAIT_BGSAVE_END) {
                continue;
            }
            if (!s.ok) {
                Log.warning("SYNC failed. BGSAVE child returned an error");
                pump.close(l);
                continue;
            }
            sendBulk(l);
        }
        cron();
    }

    private void sendBulk(ReplicaLink link) {
        FileChannel file;
        long size;
        try {
            file = FileChannel.open(rdb.file(), StandardOpenOption.READ);
            size = file.size();
        } catch (IOException e) {
            Log.warning("SYNC failed. Can't open/stat DB after BGSAVE: " + e.getMessage());
            pump.close(link);
            return;
        }
        link.state = ReplicaLink.State.SEND_BULK;
        var ch = link.channel;
        ch.eventLoop().execute(() -> {
            ch.write(Unpooled.copiedBuffer("$" + size + "\r\n", StandardCharsets.US_ASCII), ch.voidPromise());
            ch.writeAndFlush(new DefaultFileRegion(file, 0, size)).addListener(done -> {
                if (done.isSuccess()) {
                    pump.submit(() -> pump.online(link));
                } else {
                    Log.warning("Write error sending DB to replica: " + done.cause());
                    ch.close();
                }
            });
        });
    }
}
