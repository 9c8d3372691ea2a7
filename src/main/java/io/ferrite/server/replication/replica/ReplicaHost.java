package io.ferrite.server.replication.replica;

import io.netty.handler.ssl.SslHandler;
import io.netty.buffer.ByteBufAllocator;
import io.ferrite.common.Watchdog;
import io.ferrite.engine.Dispatcher;
import io.ferrite.engine.Engine;
import io.ferrite.persistence.snapshot.RdbLoadException;
import io.ferrite.persistence.snapshot.RdbLoader;
import io.ferrite.server.ServerConfig;
import io.netty.buffer.ByteBuf;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * What the replica side needs of the server it runs in (as {@link io.ferrite.server.aof.AofHost}
 * for the AOF), so this package does not depend back on the server: the engine and dispatcher its
 * master client runs commands through, loading a full sync, and the server's replication state
 * (its replication ids and offset, which the primary side owns).
 */
public interface ReplicaHost {
    ServerConfig config();

    Engine engine();

    /** The one dispatcher every client's commands go through, the master client's too. */
    Dispatcher dispatcher();

    /** This server's replica role (REPLICAOF's state), for the commands and INFO. */
    Replica replica();

    /**
     * The port this server's replicas-to-be should be reached at (REPLCONF listening-port unless
     * replica-announce-port is set): the tls-port under tls-replication, else the RESP port.
     */
    int replicationPort();

    /** The TLS handler for the link to the master (tls-replication), or null for a plain link. */
    SslHandler masterTls(ByteBufAllocator alloc, String host, int port);

    /** Whether Netty's epoll transport is in use, for the link's channel. */
    boolean epoll();

    /** An error the master client's command got, which no one hears (INFO unexpected_error_replies and errorstats). */
    void unexpectedError(String message);

    /** A new client id (the master client is a client like any other to CLIENT LIST and INFO). */
    long newClientId();

    /** The server's watchdog: a full sync's load is a stretch it watches, as Redis's loads keep its cron from re-arming the timer. */
    Watchdog watchdog();

    /** Where the RDB file lives (dir/dbfilename): a disk-based full sync lands there, as in Redis. */
    Path rdbFile();

    /**
     * Loads the RDB file a master sent, into a data set already emptied, while clients get
     * -LOADING; keys whose time has passed are kept (the master will send their DEL). Called on a
     * thread of the replica's own, never an event loop.
     */
    RdbLoader.Result loadFromMaster(Path file) throws IOException, RdbLoadException;

    /**
     * As {@link #loadFromMaster}, from the payload as it arrives (repl-diskless-load); {@code size}
     * is its length, 0 when unknown (an EOF-marked payload).
     */
    RdbLoader.Result loadFromMasterStream(InputStream payload, long size) throws IOException, RdbLoadException;

    /**
     * repl-diskless-load swapdb: the payload loaded beside the data set, which clients keep using
     * meanwhile when {@code async} (else they get -LOADING); {@link #swapInLoaded} or
     * {@link #dropLoaded} ends the load. A failure has dropped what was loaded already.
     */
    RdbLoader.Result loadAside(InputStream payload, long size, boolean async) throws IOException, RdbLoadException;

    /** The load beside the data set replaces it, function libraries included. */
    void swapInLoaded(RdbLoader.Result r);

    /** The load beside the data set is given up; the data set stays as it was. */
    void dropLoaded();

    /** This server's replication id now (Redis's server.replid). */
    String replid();

    /** A full sync was loaded (Redis restarts the AOF then, so the file holds the new data set). */
    void fullSyncLoaded();

    // ---------------------------------------------------------------- replication state (the primary side's)

    /**
     * This server's replication id and offset (master_repl_offset), once every change handed to
     * the primary side so far is in: what a master turning replica asks its new master to
     * continue. {@code then} runs on another thread; the caller never waits.
     */
    void ownHistory(java.util.function.BiConsumer<String, Long> then);

    /** After a full sync: the master's replication id and the FULLRESYNC offset become this server's; replid2 is cleared. */
    void adopt(String replid, long offset);

    /**
     * +CONTINUE named a new replication id (the master was failed over): the old id becomes
     * replid2, valid up to the current offset + 1, and the new one this server's.
     */
    void replidChanged(String replid);

    /**
     * The raw bytes of commands the master client applied, in order: what this server's own
     * replicas receive (Redis proxies the master's stream; a replica's own effects never enter its
     * backlog). Counted into this server's offset. The callee owns {@code bytes}.
     */
    void masterStream(ByteBuf bytes);

    /**
     * REPLICAOF host port: from now on this server's replication stream carries its master's
     * bytes ({@link #masterStream}), never its own effects.
     */
    void followMaster();

    /** disconnectAllBlockedClients: clients blocked while this server was a master are unblocked with an error and closed. */
    void disconnectBlockedClients();

    /** REPLICAOF NO ONE: this server becomes a master; its replication id moves to replid2 and a new one is made. */
    void promoted();

    // ---------------------------------------------------------------- a failover from this server (FAILOVER)

    /** Whether this server, a master until now, is failing over to the master it connects to (its PSYNC carries FAILOVER). */
    boolean failoverInProgress();

    /** Whether a failover is under way at all (REPLICAOF is refused meanwhile). */
    boolean failoverUnderway();

    /** The failover target accepted: the failover is over, the paused writes go on. */
    void failoverTargetAccepted();

    /** The failover target refused: this server is a master again ({@code why} is logged). */
    void failoverTargetRejected(String why);
}
