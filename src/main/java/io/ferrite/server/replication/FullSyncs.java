package io.ferrite.server.replication;

import java.io.UncheckedIOException;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.handler.stream.ChunkedNioFile;
import io.netty.handler.ssl.SslHandler;
import io.netty.channel.Channel;
import io.ferrite.common.Log;
import io.ferrite.engine.Cut;
import io.ferrite.engine.Engine;
import io.ferrite.engine.Shard;
import io.ferrite.server.RdbPersistence;
import io.ferrite.server.ServerConfig;
import io.ferrite.server.Version;
import io.ferrite.server.aof.AofPersistence;
import io.ferrite.persistence.snapshot.RdbFile;
import io.ferrite.server.snapshot.SnapshotFile;
import io.netty.buffer.Unpooled;
import io.netty.channel.DefaultFileRegion;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.charset.StandardCharsets;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Full synchronisation, as Redis 7.0 does it, without a fork: a snapshot started for the replicas
 * that wait (startBgsaveForReplication), its cut taken while every shard is held so the stream of
 * each replica starts exactly there. Disk-based, it is a background save to dbfilename, then sent
 * as {@code $<length>\r\n} and the file, with sendfile (Netty's DefaultFileRegion), and the replica
 * is online; replicas that ask while such a save has not finished share it (their stream is kept in
 * the backlog from the cut). Diskless (repl-diskless-sync, when every waiting replica said capa
 * eof), the snapshot goes to the replicas' sockets ({@link SocketSink}), started once the first
 * waited repl-diskless-sync-delay seconds or repl-diskless-sync-max-replicas are waiting, and each
 * replica gets the stream after its first REPLCONF ACK; later replicas wait for the next one. A
 * BGSAVE or AOF rewrite of another purpose owns the snapshot marks, so replicas then wait for the
 * next save ("Waiting for next BGSAVE for SYNC"). Every method runs on the pump's thread, except
 * the snapshot's own callbacks, which hand it tasks.
 */
final class FullSyncs {
    /** A cut in the feed, taken for {@code sync}: the pump resolves it to a stream offset. */
    record CutAt(long seq, Sync sync) {
    }

    /** One background save feeding replicas. */
    static final class Sync {
        /** Written to the replicas' sockets, not to a file. */
        final boolean diskless;
        final List<ReplicaLink> links = new CopyOnWriteArrayList<>();
        /** Completes once every replica of the sync was sent +FULLRESYNC. */
        final CompletableFuture<Void> resolvedSignal = new CompletableFuture<>();
        boolean resolved;
        long offset;
        boolean done;
        boolean ok;

        Sync(boolean diskless) {
            this.diskless = diskless;
        }
    }

    private final ServerConfig config;
    private final RdbPersistence rdb;
    private final AofPersistence aof;
    private final Engine engine;
    private ReplicationPump pump;
    private Sync current;
    /** A disk-based sync wrote dbfilename while rdb-del-sync-files was on (Redis's RDBGeneratedByReplication). */
    private boolean fileForReplicas;

    FullSyncs(ServerConfig config, RdbPersistence rdb, AofPersistence aof, Engine engine) {
        this.config = config;
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
        if (s != null && s.diskless) {
            Log.notice("Current BGSAVE has socket target. Waiting for next BGSAVE for SYNC");
            return;
        }
        if (s != null && !s.done) {
            if (!s.resolved || pump.streamableFrom(s.offset)) {
                join(s, link);
                Log.notice("Waiting for end of BGSAVE for SYNC");
            } else {
                Log.notice("Can't attach the replica to the current BGSAVE. Waiting for next BGSAVE for SYNC");
            }
            return;
        }
        if (disklessSync() && link.capaEof && config.getInt("repl-diskless-sync-delay") > 0) {
            // the snapshot starts from cron, a few seconds later, so more replicas can share it
            Log.notice("Delay next BGSAVE for diskless SYNC");
            return;
        }
        if (busy()) {
            Log.notice("No BGSAVE in progress, but another BG operation is active. BGSAVE for replication delayed");
            return;
        }
        start(pump.waitingToStart());
    }

    private boolean disklessSync() {
        return config.getBool("repl-diskless-sync");
    }

    /**
     * Once a second (shouldStartChildReplication): replicas still waiting get a snapshot as soon as
     * none of another purpose runs and, diskless, once the delay passed or enough replicas wait.
     */
    void cron() {
        removeFileUsedForReplicas();
        if (current != null || busy()) {
            return;
        }
        List<ReplicaLink> waiting = pump.waitingToStart();
        if (waiting.isEmpty()) {
            return;
        }
        long now = System.currentTimeMillis();
        long maxIdle = 0;
        for (ReplicaLink l : waiting) {
            maxIdle = Math.max(maxIdle, (now - l.waitingSinceMillis) / 1000);
        }
        int max = config.getInt("repl-diskless-sync-max-replicas");
        if (!disklessSync() || (max > 0 && waiting.size() >= max) || maxIdle >= config.getInt("repl-diskless-sync-delay")) {
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
        boolean diskless = disklessSync() && waiting.stream().allMatch(l -> l.capaEof);
        Sync s = new Sync(diskless);
        SnapshotFile f;
        if (diskless) {
            f = new SnapshotFile(new SocketSink(s, () -> config.getLong("repl-timeout") * 1000), engine.shardCount(), config.getInt("databases"),
                new RdbFile.Aux(Version.REDIS, System.currentTimeMillis() / 1000, engine.usedMemory()),
                config.getBool("rdbchecksum")).headAtCut(rdb.headAtCut());
            if (!rdb.claimBackground(f)) {
                return;
            }
        } else {
            f = rdb.claimBackground();
            if (f == null) {
                return;
            }
            fileForReplicas |= config.getBool("rdb-del-sync-files");
        }
        s.links.addAll(waiting);
        current = s;
        Log.notice("Starting BGSAVE for SYNC with target: " + (diskless ? "replicas sockets" : "disk"));
        Shard[] shards = engine.shards();
        long[] dirty = new long[shards.length];
        Cut.take(engine, shard -> {
            dirty[shard.id] = rdb.cutOn(shard, f);
            if (shard.id == shards.length - 1) {
                // every shard is held: no entry can be appended, the last one is exactly the cut
                pump.cutTaken(engine.feed().lastSeq(), s);
            }
        }, () -> {
            if (diskless) {
                Log.notice("Background RDB transfer started by pid " + rdb.childPid());
                f.done().thenAccept(ok -> {
                    rdb.releaseBackground(f);
                    if (ok) {
                        Log.notice("Background RDB transfer terminated with success");
                    } else if (f.signal() > 0) {
                        Log.warning("Background transfer terminated by signal " + f.signal());
                    } else {
                        Log.warning("Background transfer error");
                    }
                    pump.submit(() -> finished(s, ok));
                });
                f.start();
            } else {
                rdb.started(f, dirty);
                f.done().thenAccept(ok -> pump.submit(() -> finished(s, ok)));
            }
        });
    }

    /**
     * A replica left (freeClient): if it waited for the disk-based save in progress and no other
     * replica does, and no save point wants the file either, the save is of no use and is given
     * up (Redis kills its child), so the next full sync can start at once.
     */
    void left(ReplicaLink link, List<ReplicaLink> remaining) {
        Sync s = current;
        if (s == null || s.diskless || s.done || link.state != ReplicaLink.State.WAIT_BGSAVE_END) {
            return;
        }
        for (ReplicaLink l : remaining) {
            if (l.state == ReplicaLink.State.WAIT_BGSAVE_END) {
                return;
            }
        }
        if (!rdb.savePointsSet()) {
            rdb.abortBackground();
        }
    }

    /** The pump's stream reached the cut: every replica of the save gets +FULLRESYNC with that offset. */
    void resolved(Sync s, long offset) {
        s.resolved = true;
        s.offset = offset;
        for (ReplicaLink l : s.links) {
            if (l.attached && l.state == ReplicaLink.State.WAIT_BGSAVE_START) {
                l.diskless = s.diskless;
                pump.fullResync(l, offset);
            }
        }
        s.resolvedSignal.complete(null);
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
            if (s.diskless) {
                Log.notice("Streamed RDB transfer with replica " + l.name()
                    + " succeeded (socket). Waiting for REPLCONF ACK from slave to enable streaming");
                pump.onlineOnAck(l);
            } else {
                sendBulk(l);
            }
        }
        cron();
    }

    /**
     * Redis's removeRDBUsedToSyncReplicas: an instance with no persistence of its own does not keep
     * the file it wrote for replicas once none of them still waits for it or reads it.
     */
    private void removeFileUsedForReplicas() {
        if (!config.getBool("rdb-del-sync-files")) {
            fileForReplicas = false;
            return;
        }
        if (!fileForReplicas || !rdb.deletesSyncFiles(aof.enabled()) || current != null) {
            return;
        }
        for (ReplicaLink l : pump.replicas()) {
            if (l.state == ReplicaLink.State.WAIT_BGSAVE_START || l.state == ReplicaLink.State.WAIT_BGSAVE_END
                || l.state == ReplicaLink.State.SEND_BULK) {
                return;
            }
        }
        if (Files.exists(rdb.file())) {
            fileForReplicas = false;
            Log.notice("Removing the RDB file used to feed replicas in a persistence-less instance");
            try {
                Files.deleteIfExists(rdb.file());
            } catch (IOException e) {
                Log.warning("Can't remove " + rdb.file() + ": " + e.getMessage());
            }
        }
    }

    /**
     * The RDB file as written to a replica: sendfile on a plain link; over TLS (a replica on the
     * tls-port) the bytes must pass the TLS handler, so the file goes in chunks read as the link drains.
     */
    private static Object payload(Channel ch, FileChannel file, long size) {
        if (ch.pipeline().get(SslHandler.class) == null) {
            return new DefaultFileRegion(file, 0, size);
        }
        if (ch.pipeline().get(ChunkedWriteHandler.class) == null) {
            ch.pipeline().addAfter(ch.pipeline().context(SslHandler.class).name(), "rdb-chunks", new ChunkedWriteHandler());
        }
        try {
            return new ChunkedNioFile(file, 0, size, 64 * 1024);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
            ch.writeAndFlush(payload(ch, file, size)).addListener(done -> {
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
