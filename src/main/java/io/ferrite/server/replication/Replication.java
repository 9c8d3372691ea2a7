package io.ferrite.server.replication;

import io.ferrite.common.Log;
import io.ferrite.engine.Client;
import io.ferrite.engine.Engine;
import io.ferrite.persistence.snapshot.RdbLoader;
import io.ferrite.server.RdbPersistence;
import io.ferrite.server.ServerConfig;
import io.ferrite.server.aof.AofPersistence;
import io.netty.channel.Channel;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The master side of replication for one server: the pump that makes the stream, the full syncs,
 * and the connections that said they are replicas (REPLCONF, SYNC, PSYNC), by client id. What the
 * server, INFO, and the replication commands reach.
 */
public final class Replication {
    private final ServerConfig config;
    private final Engine engine;
    private final ReplicationPump pump;
    private final Failover failover;
    private final ConcurrentHashMap<Long, ReplicaLink> links = new ConcurrentHashMap<>();

    public Replication(ServerConfig config, Engine engine, RdbPersistence rdb, AofPersistence aof) {
        this.config = config;
        this.engine = engine;
        FullSyncs fullSyncs = new FullSyncs(config, rdb, aof, engine);
        this.failover = new Failover(engine.clientPause());
        this.pump = new ReplicationPump(config, engine, fullSyncs, failover);
        fullSyncs.pump(pump);
    }

    /** The server whose role FAILOVER changes; before {@link #start}. */
    public void host(ReplicationHost host) {
        failover.host(host);
    }

    /** The coordinated failover (FAILOVER), in progress or not. */
    public Failover failover() {
        return failover;
    }

    public void start() {
        pump.start();
    }

    public void close() {
        pump.stop();
    }

    /**
     * DEBUG SLEEP: Redis's one thread sleeps, its replicationCron with it, so a replica waiting for
     * its RDB gets no newlines and the stream stops. The pump sleeps as long, beside the shards the
     * command holds.
     */
    public void stall(long micros) {
        if (micros > 0) {
            pump.submit(() -> {
                try {
                    TimeUnit.MICROSECONDS.sleep(micros);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
    }

    /** The pump: the replica side drives it through adopt, appendRaw, promote and following. */
    public ReplicationPump pump() {
        return pump;
    }

    /**
     * From a shard thread while every shard is held: the replication fields of an RDB file whose cut
     * is at feed entry {@code seq}, once the stream reaches it (null: no backlog, so none).
     */
    public CompletableFuture<RdbLoader.ReplicationAux> fieldsAtCut(long seq) {
        return pump.saveCutTaken(seq);
    }

    /** The link of a client's connection, made at its first REPLCONF or SYNC; forgotten when it closes. */
    ReplicaLink link(Client client, Channel channel) {
        return links.computeIfAbsent(client.id, id -> {
            ReplicaLink l = new ReplicaLink(client, channel);
            channel.closeFuture().addListener(f -> {
                links.remove(id);
                pump.closed(l);
            });
            return l;
        });
    }

    /** The link of a client, or null. */
    ReplicaLink existing(long clientId) {
        return links.get(clientId);
    }

    List<ReplicaLink> replicas() {
        return pump.replicas();
    }

    /** The replicas attached (server.slaves): INFO's connected_clients leaves them out, as Redis does. */
    public int replicaCount() {
        return pump.replicas().size();
    }

    /**
     * Redis's checkGoodReplicasStatus for a write: with min-replicas-to-write and
     * min-replicas-max-lag set, too few replicas acknowledged lately refuse it.
     */
    public String writesDenied() {
        int min = config.getInt("min-replicas-to-write");
        if (min == 0 || config.getInt("min-replicas-max-lag") == 0 || pump.goodReplicas() >= min) {
            return null;
        }
        return "NOREPLICAS Not enough good replicas to write.";
    }

    // ------------------------------------------------------------------ for a shutdown waiting for its replicas

    /**
     * isReadyToShutdown: every attached replica acknowledged the whole stream (true with none).
     * May wait for the pump to take in the writes made so far: never call it on an event loop.
     */
    public boolean replicasInSync() {
        List<ReplicaLink> rs = replicas();
        if (rs.isEmpty()) {
            return true;
        }
        long offset = figuresNow().offset();
        for (ReplicaLink r : rs) {
            if (r.ackOffset != offset) {
                return false;
            }
        }
        return true;
    }

    /** sendGetackToReplicas: the replicas are asked for an ACK now rather than at their next second. */
    public void requestAcks() {
        pump.requestAcks();
    }

    /** finishShutdown's report: a line per lagging replica, then how many are in sync. */
    public void reportAtShutdown() {
        List<ReplicaLink> rs = replicas();
        if (rs.isEmpty()) {
            return;
        }
        long offset = figuresNow().offset();
        long now = System.currentTimeMillis() / 1000;
        int lagging = 0;
        for (ReplicaLink r : rs) {
            if (r.ackOffset != offset) {
                lagging++;
                ReplicaLink.State st = r.state;
                long lag = st == ReplicaLink.State.ONLINE ? now - r.ackMillis / 1000 : 0;
                Log.warning("Lagging replica " + r.name() + " reported offset " + (offset - r.ackOffset)
                    + " behind master, lag=" + lag + ", state=" + st.info + ".");
            }
        }
        Log.notice((rs.size() - lagging) + " of " + rs.size() + " replicas are in sync when shutting down.");
    }

    /** sync_full, sync_partial_ok and sync_partial_err of INFO stats. */
    public void statsInfo(StringBuilder out) {
        SyncCounts c = syncCounts();
        field(out, "sync_full", c.full());
        field(out, "sync_partial_ok", c.partialOk());
        field(out, "sync_partial_err", c.partialErr());
    }

    /** How long a reader waits for the stream to take in the writes before its read. */
    private static final long CATCH_UP_MILLIS = 5000;

    /** The replication figures with every write made so far in the stream. */
    ReplicationPump.Figures figuresNow() {
        return pump.figuresAfter(engine.feed().lastSeq(), CATCH_UP_MILLIS);
    }

    /** mem_replication_backlog and mem_total_replication_buffers of INFO memory: the blocks, shared by the backlog and the replicas. */
    /** The backlog's bytes (INFO's mem_replication_backlog, MEMORY STATS's replication.backlog). */
    public long backlogMemory() {
        return pump.figures().backlogMemory();
    }

    public void memoryInfo(StringBuilder out) {
        long mem = backlogMemory();
        field(out, "mem_replication_backlog", mem);
        field(out, "mem_total_replication_buffers", mem);
    }

    /** CONFIG RESETSTAT: the sync counters start again from 0. */
    public void resetStats() {
        pump.syncFull.reset();
        pump.syncPartialOk.reset();
        pump.syncPartialErr.reset();
    }

    /** The # Replication section of INFO, field for field as Redis 7.0's genRedisInfoString; {@code replicaFields} (null on a master) adds a replica's own. */
    public void info(StringBuilder out, java.util.function.Consumer<StringBuilder> replicaFields) {
        ReplicationPump.Figures f = figuresNow();
        List<ReplicaLink> rs = replicas();
        out.append("# Replication\r\n");
        field(out, "role", replicaFields != null ? "slave" : "master");
        if (replicaFields != null) {
            replicaFields.accept(out);
        }
        field(out, "connected_slaves", rs.size());
        if (config.getInt("min-replicas-to-write") > 0 && config.getInt("min-replicas-max-lag") > 0) {
            field(out, "min_slaves_good_slaves", pump.goodReplicas());
        }
        long now = System.currentTimeMillis() / 1000;
        int i = 0;
        for (ReplicaLink r : rs) {
            ReplicaLink.State st = r.state;
            long lag = st == ReplicaLink.State.ONLINE ? now - r.ackMillis / 1000 : 0;
            out.append("slave").append(i++).append(":ip=").append(r.ip()).append(",port=").append(r.listeningPort)
                .append(",state=").append(st.info).append(",offset=").append(r.ackOffset).append(",lag=").append(lag)
                .append("\r\n");
        }
        field(out, "master_failover_state", failover.state().info);
        field(out, "master_replid", f.replid());
        field(out, "master_replid2", f.replid2());
        field(out, "master_repl_offset", f.offset());
        field(out, "second_repl_offset", f.secondReplidOffset());
        field(out, "repl_backlog_active", f.backlogActive() ? 1 : 0);
        field(out, "repl_backlog_size", f.backlogSize());
        field(out, "repl_backlog_first_byte_offset", f.backlogFirstByte());
        field(out, "repl_backlog_histlen", f.backlogHistlen());
    }

    /** INFO stats' sync_full, sync_partial_ok and sync_partial_err. */
    public record SyncCounts(long full, long partialOk, long partialErr) {
    }

    public SyncCounts syncCounts() {
        return new SyncCounts(pump.syncFull.sum(), pump.syncPartialOk.sum(), pump.syncPartialErr.sum());
    }

    /** One attached replica as monitoring sees it: where it is, its state, and how far behind the stream it acknowledged. */
    public record ReplicaReading(String ip, int port, String state, long ackOffset, long lagBytes, long lagSeconds) {
    }

    /** The attached replicas, read without waiting for the pump (for /metrics). */
    public List<ReplicaReading> replicaReadings() {
        long offset = pump.figures().offset();
        long now = System.currentTimeMillis();
        List<ReplicaReading> out = new java.util.ArrayList<>();
        for (ReplicaLink r : replicas()) {
            boolean online = r.state == ReplicaLink.State.ONLINE;
            out.add(new ReplicaReading(r.ip(), r.listeningPort, r.state.info, r.ackOffset,
                online ? Math.max(0, offset - r.ackOffset) : 0, online ? (now - r.ackMillis) / 1000 : 0));
        }
        return out;
    }

    private static void field(StringBuilder out, String name, Object value) {
        out.append(name).append(':').append(value).append("\r\n");
    }
}
