package io.ferrite.server.replication;

import io.ferrite.common.Log;
import io.ferrite.engine.ClientPause;

import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * A coordinated failover from this master to one of its replicas (Redis 7.0 replication.c:
 * failoverCommand, updateFailoverStatus, abortFailover, clearFailoverState). FAILOVER pauses
 * writes and waits ({@link State#WAIT_FOR_SYNC}) until the chosen replica, or with no target
 * any replica, has acknowledged the whole stream; then this server becomes that replica's replica
 * ({@link State#IN_PROGRESS}) and its handshake sends {@code PSYNC <replid> <offset> FAILOVER},
 * which makes the target a master that continues this history. The target's +CONTINUE (or
 * +FULLRESYNC) ends the failover and lets the paused writes go on (now refused as on any
 * replica); a refusal, a timeout without FORCE, or FAILOVER ABORT turn this server back into a
 * master and end it too.
 * <p>
 * Thread-safety: the pump checks the replicas ({@link #update}), connections start and abort it,
 * the replica's link reports the PSYNC's outcome; each step holds this object's monitor, briefly.
 * {@link #state} is readable anywhere (INFO, SYNC, REPLICAOF).
 */
public final class Failover {
    /** Redis's failover_state, with the names INFO gives them (getFailoverStateString). */
    public enum State {
        NO_FAILOVER("no-failover"),
        WAIT_FOR_SYNC("waiting-for-sync"),
        IN_PROGRESS("failover-in-progress");

        public final String info;

        State(String info) {
            this.info = info;
        }
    }

    private final ClientPause pause;
    private ReplicationHost host;
    private volatile State state = State.NO_FAILOVER;
    /** The replica failed over to (target_replica_host/port); null until one is chosen. */
    private String targetHost;
    private int targetPort;
    /** failover_end_time, Unix ms; 0: no timeout. */
    private long endMillis;
    private boolean force;

    Failover(ClientPause pause) {
        this.pause = pause;
    }

    /** The server whose role the failover changes; set once before any FAILOVER can arrive. */
    void host(ReplicationHost h) {
        this.host = h;
    }

    public State state() {
        return state;
    }

    /**
     * failoverCommand, once parsed: null when the failover started (writes are paused from here),
     * else Redis's error. {@code targetHost} is null for "any replica"; {@code timeoutMillis} 0 for none.
     */
    synchronized String start(String targetHost, int targetPort, long timeoutMillis, boolean force,
                              List<ReplicaLink> replicas) {
        if (state != State.NO_FAILOVER) {
            return "ERR FAILOVER already in progress.";
        }
        if (host.followsMaster()) {
            return "ERR FAILOVER is not valid when server is a replica.";
        }
        if (replicas.isEmpty()) {
            return "ERR FAILOVER requires connected replicas.";
        }
        if (force && (timeoutMillis == 0 || targetHost == null)) {
            return "ERR FAILOVER with force option requires both a timeout and target HOST and IP.";
        }
        if (targetHost != null) {
            ReplicaLink r = find(replicas, targetHost, targetPort);
            if (r == null) {
                return "ERR FAILOVER target HOST and PORT is not a replica.";
            }
            if (r.state != ReplicaLink.State.ONLINE) {
                return "ERR FAILOVER target replica is not online.";
            }
            this.targetHost = targetHost;
            this.targetPort = targetPort;
            Log.notice("FAILOVER requested to " + targetHost + ":" + targetPort + ".");
        } else {
            Log.notice("FAILOVER requested to any replica.");
        }
        this.endMillis = timeoutMillis > 0 ? System.currentTimeMillis() + timeoutMillis : 0;
        this.force = force;
        state = State.WAIT_FOR_SYNC;
        pause.pause(ClientPause.Purpose.FAILOVER, Long.MAX_VALUE, false);
        return null;
    }

    /** FAILOVER ABORT: false when none is in progress. */
    synchronized boolean abortByUser() {
        if (state == State.NO_FAILOVER) {
            return false;
        }
        abort("Failover manually aborted");
        return true;
    }

    /**
     * updateFailoverStatus, on the pump's thread: at the deadline the failover is forced or given
     * up; otherwise the target (or the first replica) that acknowledged {@code offset}, the whole
     * stream, is failed over to. {@code drained}: whether every write made so far is in the
     * stream, asked only while a failover waits (it reads the feed's tail, which every writing
     * shard contends for).
     */
    synchronized void update(List<ReplicaLink> replicas, long offset, BooleanSupplier drained) {
        if (state != State.WAIT_FOR_SYNC) {
            return;
        }
        if (endMillis != 0 && System.currentTimeMillis() >= endMillis) {
            if (force) {
                Log.notice("FAILOVER to " + targetHost + ":" + targetPort + " time out exceeded, failing over.");
                failOver();
            } else {
                abort("Replica never caught up before timeout");
            }
            return;
        }
        if (!drained.getAsBoolean()) {
            return;
        }
        ReplicaLink replica = null;
        if (targetHost != null) {
            replica = find(replicas, targetHost, targetPort);
        } else {
            for (ReplicaLink r : replicas) {
                if (r.ackOffset == offset) {
                    replica = r;
                    targetHost = r.ip();
                    targetPort = r.listeningPort;
                    break;
                }
            }
        }
        if (replica != null && replica.ackOffset == offset) {
            Log.notice("Failover target " + targetHost + ":" + targetPort + " is synced, failing over.");
            failOver();
        }
    }

    /** The target is told to take over: this server follows it (replicationSetMaster), its PSYNC carrying FAILOVER. */
    private void failOver() {
        state = State.IN_PROGRESS;
        host.replicaOf(targetHost, targetPort);
    }

    /** The handshake with the target is at its PSYNC: whether to send it with FAILOVER. */
    public boolean inProgress() {
        return state == State.IN_PROGRESS;
    }

    /** The target answered the PSYNC FAILOVER with +CONTINUE or +FULLRESYNC: it is the master now. */
    public synchronized void targetAccepted() {
        if (state == State.IN_PROGRESS) {
            clear();
        }
    }

    /** The target refused the PSYNC FAILOVER (or it could not be sent): this server is a master again. */
    public synchronized void targetRejected(String why) {
        abort(why);
    }

    /** abortFailover. */
    private void abort(String why) {
        if (state == State.NO_FAILOVER) {
            return;
        }
        if (targetHost != null) {
            Log.notice("FAILOVER to " + targetHost + ":" + targetPort + " aborted: " + why);
        } else {
            Log.notice("FAILOVER to any replica aborted: " + why);
        }
        if (state == State.IN_PROGRESS) {
            host.masterMode();
        }
        clear();
    }

    /** clearFailoverState: the writes paused for the failover go on. */
    private void clear() {
        endMillis = 0;
        force = false;
        targetHost = null;
        targetPort = 0;
        state = State.NO_FAILOVER;
        pause.unpause(ClientPause.Purpose.FAILOVER);
    }

    /** findReplica: by the address INFO shows for it (the announced one, else the peer's) and its listening port. */
    private static ReplicaLink find(List<ReplicaLink> replicas, String host, int port) {
        for (ReplicaLink r : replicas) {
            if (host.equalsIgnoreCase(r.ip()) && port == r.listeningPort) {
                return r;
            }
        }
        return null;
    }
}
