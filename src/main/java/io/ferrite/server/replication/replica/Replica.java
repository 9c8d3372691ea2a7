package io.ferrite.server.replication.replica;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.Channel;
import io.ferrite.common.Log;
import io.ferrite.persistence.snapshot.RdbLoader;
import io.ferrite.replication.ReplicationLog;
import io.ferrite.engine.Shard;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;

/**
 * The server's replica role (Redis's masterhost, repl_state, master and cached_master): REPLICAOF
 * sets or clears the master, a link connects to it and is reconnected while it is down (at once
 * when a working link drops, else by the once-a-second cron, as Redis's replicationCron), and
 * the master's state is cached when a link ends so the next one can PSYNC from where it stopped.
 * <p>
 * Confinement: everything but the fields INFO reads runs on one loop (shard 0's, where the link
 * lives and the master client's commands start), so no state here is shared between threads
 * except through volatile fields written there.
 */
public final class Replica {
    /** What a PSYNC asks for: a replication id ("?" for none) and the first offset wanted. */
    record Psync(String replid, long offset) {
    }

    /** Redis's cached master: the history a link that ended had reached, and the database it had selected. */
    private record Cached(String replid, long offset, int db) {
    }

    private final ReplicaHost host;
    private final Shard home;
    private volatile String masterHost;
    private volatile int masterPort;
    private volatile LinkState state = LinkState.NONE;
    /** Unix seconds since the link is down (Redis's repl_down_since), 0 when never up or not a replica. */
    private volatile long downSince;
    private volatile MasterLink link;
    private volatile Cached cached;
    private volatile boolean closing;
    /** Counts REPLICAOF changes, so an answer meant for an earlier one is dropped; on the home loop, and by REPLICAOF. */
    private volatile long generation;
    /** A master turned replica waits for its own history before it connects (the cron must not connect meanwhile). */
    private volatile boolean awaitingHistory;
    /** The master's replication id while connected (read by a snapshot's cut on another thread). */
    private volatile String masterReplid;

    public Replica(ReplicaHost host) {
        this.host = host;
        this.home = host.engine().shard(0);
    }

    /** The server is shutting down: the link closes and is not reconnected. */
    public void close() {
        closing = true;
        MasterLink l = link;
        if (l != null) {
            l.close();
        }
    }

    /**
     * CLIENT KILL TYPE master: the master client's connection is closed, as any client's would
     * be; the replica then caches the master and reconnects with a PSYNC. True when there was one.
     */
    public boolean killMasterClient() {
        MasterLink l = link;
        if (l == null || state != LinkState.CONNECTED) {
            return false;
        }
        home.loop.execute(l::close);
        return true;
    }

    /** Starts the once-a-second cron (connects, timeouts, ACKs). */
    public void start() {
        home.loop.scheduleAtFixedRate(this::cron, 1, 1, TimeUnit.SECONDS);
    }

    // ---------------------------------------------------------------- REPLICAOF

    /**
     * The replicaof directive ("host port", or empty), before the data set is loaded: the server
     * is a replica while it loads (Redis sets masterhost while reading its config).
     */
    public void configured(String replicaof) {
        String[] w = replicaof.trim().split("\\s+");
        if (w.length != 2) {
            return;
        }
        masterHost = w[0];
        masterPort = Integer.parseInt(w[1]);
        host.engine().replica(true);
    }

    /**
     * After the start-up load: a replica by config connects with the next cron, trying to
     * continue from the replication id, offset and stream database the loaded RDB recorded
     * (Redis's loadDataFromDisk then replicationCacheMasterUsingMyself); without them it asks
     * for a full sync.
     */
    public void startFromConfig(RdbLoader.ReplicationAux aux) {
        if (masterHost == null) {
            return;
        }
        home.loop.execute(() -> {
            if (aux != null && aux.replId() != null && aux.replOffset() != -1 && aux.streamDb() != -1) {
                host.adopt(aux.replId(), aux.replOffset());
                cached = new Cached(aux.replId(), aux.replOffset(), aux.streamDb());
            }
            state = LinkState.CONNECT;
        });
    }

    /** Whether REPLICAOF {@code host port} names the master already set (Redis compares the host case-insensitively). */
    public boolean alreadyReplicating(String host, int port) {
        String h = masterHost;
        return h != null && h.equalsIgnoreCase(host) && masterPort == port;
    }

    /**
     * REPLICAOF host port (Redis's replicationSetMaster): the server is a replica from now on;
     * the connect happens on the link's loop.
     */
    public void replicaOf(String host, int port) {
        boolean wasMaster = masterHost == null;
        boolean wasConnected = state == LinkState.CONNECTED;
        masterHost = host;
        masterPort = port;
        // as replicationSetMaster: the link is down from the moment REPLICAOF answers
        state = LinkState.CONNECT;
        this.host.engine().replica(true);
        this.host.followMaster();
        // replicationSetMaster: a client blocked on a key would otherwise pop what the master sends
        this.host.disconnectBlockedClients();
        // CONFIG GET and CONFIG REWRITE show the master now followed (Redis's replicaof special config)
        this.host.config().set("replicaof", host + " " + port);
        long gen = ++generation;
        home.loop.execute(() -> setMaster(wasMaster, wasConnected, gen));
    }

    private void setMaster(boolean wasMaster, boolean wasConnected, long gen) {
        MasterLink l = link;
        if (l != null) {
            // while it is still the link: what its master client had in flight goes on to this server's replicas
            dropLink(l);
        }
        link = null;
        if (wasConnected) {
            downSince = System.currentTimeMillis() / 1000;
        }
        state = LinkState.CONNECT;
        if (wasMaster) {
            // Redis's replicationCacheMasterUsingMyself: our own history is what we try to continue,
            // once the primary side has put in it every write made before; the loop does not wait for it
            awaitingHistory = true;
            host.ownHistory((replid, offset) -> home.loop.execute(() -> {
                if (gen != generation || masterHost == null) {
                    return;
                }
                awaitingHistory = false;
                cached = new Cached(replid, offset, 0);
                Log.notice("Connecting to MASTER " + masterHost + ":" + masterPort);
                connect();
            }));
            return;
        }
        Log.notice("Connecting to MASTER " + masterHost + ":" + masterPort);
        connect();
    }

    /** REPLICAOF NO ONE (Redis's replicationUnsetMaster): a master again, under a new replication id. */
    public void noOne() {
        if (unsetMaster()) {
            Log.notice("MASTER MODE enabled (user request)");
        }
    }

    /** replicationUnsetMaster; false when this server was no replica. */
    public boolean unsetMaster() {
        if (masterHost == null) {
            return false;
        }
        generation++;
        awaitingHistory = false;
        // as in Redis, the new history starts before REPLICAOF answers: the master client applies
        // nothing from here on (see applying), and the link closes on its loop
        masterHost = null;
        host.engine().replica(false);
        host.config().set("replicaof", "");
        host.promoted();
        home.loop.execute(() -> {
            if (masterHost != null) {
                return;
            }
            MasterLink l = link;
            link = null;
            if (l != null) {
                l.close();
            }
            cached = null;
            state = LinkState.NONE;
            downSince = 0;
        });
        return true;
    }

    /** Whether the master's commands are still applied: not once REPLICAOF NO ONE or another master was asked for. */
    boolean applying(MasterLink l) {
        return l == link && masterHost != null;
    }

    /** Closes a link that is no longer wanted, keeping its master's state for a PSYNC (replicationCacheMaster). */
    private void dropLink(MasterLink l) {
        cacheMasterOf(l);
        l.close();
    }

    private void cacheMasterOf(MasterLink l) {
        MasterClient m = l.master();
        if (m != null && masterReplid != null) {
            // stopped first: a command in flight counts into the offset cached
            m.stop();
            cached = new Cached(masterReplid, m.reploff(), m.db());
        }
    }

    // ---------------------------------------------------------------- the link

    private void connect() {
        if (closing) {
            return;
        }
        MasterLink l = new MasterLink(this, host);
        link = l;
        state = LinkState.CONNECTING;
        connect(l, host.config().get("bind-source-addr"));
    }

    /**
     * Connects link {@code l} to the master from {@code source} (`bind-source-addr`) when it is not
     * empty; as Redis's best-effort bind (anetTcpNonBlockBestEffortBindConnect), a failure from
     * there is tried again without a source address.
     */
    private void connect(MasterLink l, String source) {
        int timeout = host.config().getInt("repl-timeout");
        Bootstrap b = new Bootstrap().group(home.loop)
            .channel(host.epoll() ? EpollSocketChannel.class : NioSocketChannel.class)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeout * 1000L))
            .option(ChannelOption.TCP_NODELAY, true)
            .handler(new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel ch) {
                    // tls-replication: the handshake runs first; the replication handshake's writes wait for it
                    var overTls = host.masterTls(ch.alloc(), masterHost, masterPort);
                    if (overTls != null) {
                        ch.pipeline().addLast("tls", overTls);
                    }
                    ch.pipeline().addLast(l);
                }
            });
        var master = InetSocketAddress.createUnresolved(masterHost, masterPort);
        (source.isEmpty() ? b.connect(master) : b.connect(master, new InetSocketAddress(source, 0)))
            .addListener(f -> {
                if (!f.isSuccess() && link == l && !source.isEmpty()) {
                    // a fresh link: a handler is added to one channel only
                    MasterLink again = new MasterLink(this, host);
                    link = again;
                    connect(again, "");
                } else if (!f.isSuccess() && link == l) {
                    Log.warning("Error condition on socket for SYNC: " + f.cause().getMessage());
                    link = null;
                    state = LinkState.CONNECT;
                }
            });
    }

    /** The link connected: the handshake starts, unless the link is no longer wanted (false). */
    boolean handshaking(MasterLink l) {
        if (l != link) {
            return false;
        }
        Log.notice("Non blocking connect for SYNC fired the event.");
        state = LinkState.HANDSHAKE;
        return true;
    }

    /** Whether this server is failing over to the master it connects to: its PSYNC then carries FAILOVER. */
    boolean failoverPsync() {
        return host.failoverInProgress();
    }

    /** The failover target answered the PSYNC FAILOVER: {@code accepted} with +CONTINUE or +FULLRESYNC. */
    void failoverAnswered(boolean accepted) {
        if (accepted) {
            host.failoverTargetAccepted();
        } else {
            host.failoverTargetRejected("Failover target rejected psync request");
        }
    }

    /** PSYNC's arguments: the cached master's id and next offset, or "? -1" with none (a full sync then). */
    Psync psyncRequest() {
        Cached c = cached;
        return c == null ? new Psync("?", -1) : new Psync(c.replid(), c.offset() + 1);
    }

    void transferring(MasterLink l) {
        if (l == link) {
            state = LinkState.TRANSFER;
        }
    }

    /**
     * +CONTINUE: the cached master comes back to life (replicationResurrectCachedMaster), its
     * offset and database as they were; a new id means the master was failed over, and ours moves
     * to replid2 (our own replicas continue across it).
     */
    void continued(MasterLink l, String newReplid) {
        Cached c = cached;
        if (l != link || c == null) {
            l.close();
            return;
        }
        masterReplid = c.replid();
        if (newReplid != null && !newReplid.equals(c.replid())) {
            Log.warning("Master replication ID changed to " + newReplid);
            host.replidChanged(newReplid);
            masterReplid = newReplid;
        }
        cached = null;
        up(l, c.db(), c.offset(), false);
    }

    /**
     * The full sync's RDB is on disk (readSyncBulkPayload's end): the data set is emptied and the
     * file loaded, off the loop (the shards add the keys meanwhile, and clients get -LOADING);
     * then the stream starts at the FULLRESYNC offset.
     */
    void transferred(MasterLink l, Path temp, String replid, long offset) {
        if (l != link) {
            deleteQuietly(temp);
            return;
        }
        // Redis's replicationAttachToNewMaster: the old history is gone
        cached = null;
        l.loaderRunning(true);
        emptyThen(() -> load(l, temp, replid, offset));
    }

    /** Empties the data set (Redis's emptyData before a load) through the dispatcher, then runs {@code next} on this loop. */
    private void emptyThen(Runnable next) {
        Log.notice("MASTER <-> REPLICA sync: Flushing old data");
        MasterClient flusher = new MasterClient(host, home, host.newClientId(), "", 0, 0,
            new MasterClient.Listener() {
                @Override
                public void applied(io.netty.buffer.ByteBuf raw) {
                    raw.release();
                }

                @Override
                public void ackRequested(long at) {
                }

                @Override
                public void drained() {
                    next.run();
                }
            });
        flusher.submit(new byte[][] {"FLUSHALL".getBytes(StandardCharsets.US_ASCII)}, Unpooled.EMPTY_BUFFER);
        flusher.run();
    }

    private void load(MasterLink l, Path temp, String replid, long offset) {
        inLoader(l, replid, offset, false, () -> {
            Path file = host.rdbFile();
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return host.loadFromMaster(file);
        });
    }

    /** Redis's useDisklessLoad: repl-diskless-load swapdb, or on-empty-db with no key. */
    boolean disklessLoad() {
        String mode = host.config().get("repl-diskless-load");
        if (mode.equals("swapdb")) {
            return true;
        }
        if (!mode.equals("on-empty-db")) {
            return false;
        }
        for (int db = 0; db < home.databases(); db++) {
            if (host.engine().keys(db) > 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * A diskless full sync begins (readSyncBulkPayload "to parser"): the data set is emptied and
     * the loader reads the payload as the link receives it; the stream starts once both ended.
     */
    void streaming(MasterLink l, DisklessTransfer payload, String replid, long offset) {
        if (l != link) {
            return;
        }
        cached = null;
        l.loaderRunning(true);
        if (host.config().get("repl-diskless-load").equals("swapdb")) {
            // the same history as ours (a full sync after all): clients go on using the old data meanwhile
            boolean async = replid != null && replid.equals(host.replid());
            inLoader(l, replid, offset, true, () -> {
                RdbLoader.Result r = host.loadAside(payload.input(), payload.size(), async);
                try {
                    payloadEnded(payload);
                } catch (java.io.IOException e) {
                    host.dropLoaded();
                    throw e;
                }
                Log.notice("MASTER <-> REPLICA sync: Swapping active DB with loaded DB");
                host.swapInLoaded(r);
                return r;
            });
            return;
        }
        emptyThen(() -> inLoader(l, replid, offset, false, () -> {
            RdbLoader.Result r = host.loadFromMasterStream(payload.input(), payload.size());
            payloadEnded(payload);
            return r;
        }));
    }

    /** The payload's end (the EOF mark) comes after the RDB's own end: waits for it. */
    private static void payloadEnded(DisklessTransfer payload) throws java.io.IOException {
        if (payload.input().read() != -1) {
            throw new java.io.IOException("bytes after the RDB in the payload");
        }
    }

    /** What a load does on its own thread. */
    private interface LoadStep {
        RdbLoader.Result run() throws Exception;
    }

    private void inLoader(MasterLink l, String replid, long offset, boolean aside, LoadStep step) {
        Log.notice("MASTER <-> REPLICA sync: Loading DB in memory");
        l.loaderRunning(true);
        Thread.ofPlatform().name("ferrite-replica-load").daemon().start(() -> {
            RdbLoader.Result r = null;
            Exception failure = null;
            try (var stretch = host.watchdog().stretch()) {
                r = step.run();
            } catch (Exception e) {
                failure = e;
            }
            RdbLoader.Result loaded = r;
            Exception failed = failure;
            home.loop.execute(() -> {
                l.loaderRunning(false);
                loaded(l, loaded, failed, aside, replid, offset);
            });
        });
    }

    private void loaded(MasterLink l, RdbLoader.Result r, Exception failure, boolean aside, String replid, long offset) {
        if (failure != null) {
            boolean diskless = l.transfer() instanceof DisklessTransfer;
            if (diskless && l.closed()) {
                // rdbReportError for a short read from the socket: the link, not the file, is at fault
                Log.warning("Internal error in RDB reading offset " + l.transfer().read()
                    + " -> Unexpected EOF reading RDB file. Failure loading rdb format from socket,"
                    + " assuming connection error, resuming operation.");
            } else {
                Log.warning(failure.getMessage());
            }
            Log.warning("Failed trying to load the MASTER synchronization DB from " + (diskless ? "socket" : "disk")
                + ", check server logs.");
            l.close();
            if (aside) {
                Log.notice("MASTER <-> REPLICA sync: Discarding temporary DB in background");
            } else if (diskless) {
                // what was loaded is a part of a data set: Redis empties it
                emptyThen(() -> { });
            }
            if (l == link) {
                linkDown();
            }
            return;
        }
        host.fullSyncLoaded();
        if (l != link) {
            // REPLICAOF changed while loading: the data stays, the link does not
            l.close();
            return;
        }
        masterReplid = replid;
        host.adopt(replid == null ? ReplicationLog.randomId() : replid, offset);
        int db = r.replication().streamDb();
        if (l.closed()) {
            // the link dropped while loading: what it had reached is cached for a PSYNC
            cached = replid == null ? null : new Cached(replid, offset, Math.max(0, db));
            linkDown();
            return;
        }
        Log.notice("MASTER <-> REPLICA sync: Finished with success");
        up(l, db, offset, l.transfer() != null && l.transfer().withMark());
    }

    /** The stream flows: Redis's replicationCreateMasterClient and REPL_STATE_CONNECTED. */
    private void up(MasterLink l, int db, long offset, boolean ackNow) {
        MasterClient m = new MasterClient(host, home, host.newClientId(), masterHost + ":" + masterPort,
            db, offset, l);
        state = LinkState.CONNECTED;
        downSince = 0;
        l.startStream(m, offset, ackNow);
    }

    /**
     * A link ended (Redis's replicationHandleMasterDisconnection, or a handshake cancelled): a link
     * that was up leaves its master cached and is reconnected at once; one that failed earlier is
     * retried by the cron.
     */
    void linkClosed(MasterLink l, boolean wasLoading) {
        if (l != link || wasLoading) {
            // an old link, or one whose load will decide when it ends
            return;
        }
        boolean wasUp = state == LinkState.CONNECTED;
        if (wasUp) {
            cacheMasterOf(l);
        }
        linkDown();
        if (wasUp && masterHost != null) {
            Log.notice("Reconnecting to MASTER " + masterHost + ":" + masterPort);
            connect();
        }
    }

    private void linkDown() {
        link = null;
        if (masterHost == null) {
            return;
        }
        if (state == LinkState.CONNECTED) {
            // Redis's repl_down_since: set when a link that was up is lost (-1 in INFO while never up)
            downSince = System.currentTimeMillis() / 1000;
        }
        state = LinkState.CONNECT;
    }

    /** Redis's replicationCron, the replica's part. */
    private void cron() {
        if (masterHost == null || closing) {
            return;
        }
        long timeoutMillis = host.config().getInt("repl-timeout") * 1000L;
        MasterLink l = link;
        long idle = l == null ? 0 : System.currentTimeMillis() - l.lastIoMillis();
        LinkState s = state;
        if (l != null && idle > timeoutMillis && !l.loading()) {
            switch (s) {
                case CONNECTING, HANDSHAKE -> Log.warning("Timeout connecting to the MASTER...");
                case TRANSFER -> Log.warning("Timeout receiving bulk data from MASTER... If the problem persists try to"
                    + " set the 'repl-timeout' parameter in redis.conf to a larger value.");
                default -> Log.warning("MASTER timeout: no data nor PING received...");
            }
            l.close();
            return;
        }
        if (s == LinkState.CONNECT && l == null && !awaitingHistory) {
            Log.notice("Connecting to MASTER " + masterHost + ":" + masterPort);
            connect();
        }
        if (s == LinkState.CONNECTED && l != null && l.master() != null) {
            l.sendAck(l.master().reploff());
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (java.io.IOException e) {
            // a leftover temp file: Redis leaves them too
        }
    }

    // ---------------------------------------------------------------- for INFO and ROLE

    public boolean isReplica() {
        return masterHost != null;
    }

    public String masterHost() {
        return masterHost;
    }

    public int masterPort() {
        return masterPort;
    }

    public LinkState state() {
        return state;
    }

    /** Seconds since the master last sent anything, -1 without a master client (Redis's master_last_io_seconds_ago). */
    public int lastIoSecondsAgo() {
        MasterLink l = link;
        if (l == null || l.master() == null || state != LinkState.CONNECTED) {
            return -1;
        }
        return (int) ((System.currentTimeMillis() - l.lastIoMillis()) / 1000);
    }

    /**
     * rdbPopulateSaveInfo for a replica: its master's id, the offset it processed and the database
     * the stream had selected, from the master client or, with the link down, the cached master;
     * null with neither. Read at a snapshot's cut (every shard held, so the master client applies
     * nothing meanwhile).
     */
    public RdbLoader.ReplicationAux saveInfo() {
        MasterLink l = link;
        String id = masterReplid;
        if (l != null && l.master() != null && state == LinkState.CONNECTED && id != null) {
            return new RdbLoader.ReplicationAux(l.master().db(), id, l.master().reploff());
        }
        Cached c = cached;
        return c == null ? null : new RdbLoader.ReplicationAux(c.db(), c.replid(), c.offset());
    }

    /** Redis's master->reploff (or the cached master's; 1 with neither, as Redis shows). */
    public long processedOffset() {
        MasterLink l = link;
        if (l != null && l.master() != null && state == LinkState.CONNECTED) {
            return l.master().reploff();
        }
        Cached c = cached;
        return c != null ? c.offset() : 1;
    }

    /** Redis's master->read_reploff. */
    public long readOffset() {
        MasterLink l = link;
        if (l != null && l.master() != null && state == LinkState.CONNECTED) {
            return l.readReploff();
        }
        Cached c = cached;
        return c != null ? c.offset() : 1;
    }

    /** ROLE's offset: the master client's processed offset, -1 without one. */
    public long roleOffset() {
        MasterLink l = link;
        return l != null && l.master() != null && state == LinkState.CONNECTED ? l.master().reploff() : -1;
    }

    /** The full sync in progress, or null: its size, bytes read and last I/O, for INFO. */
    Payload transfer() {
        MasterLink l = link;
        return l == null ? null : l.transfer();
    }

    long lastIoMillis() {
        MasterLink l = link;
        return l == null ? System.currentTimeMillis() : l.lastIoMillis();
    }

    public long downSince() {
        return downSince;
    }

    /** Whether the link to the master is up (INFO's master_link_status). */
    public boolean linkUp() {
        return state == LinkState.CONNECTED;
    }
}
