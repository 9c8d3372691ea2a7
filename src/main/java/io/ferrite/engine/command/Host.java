package io.ferrite.engine.command;

import io.ferrite.engine.Engine;
import io.ferrite.engine.Session;

import java.util.Collection;

/**
 * What a command handler, and the engine running it, may ask of the server: a narrow view, so
 * neither depends on the server layer. Commands about the server itself (INFO, CLIENT, CONFIG ...)
 * are registered by the server, which hands them what they need.
 */
public interface Host {
    Settings config();

    Engine engine();

    boolean authRequired();

    /** A client's CLIENT LIST line by its id, for the ACL log (Redis's catClientInfoString). */
    default String clientInfo(long clientId) {
        return "id=" + clientId;
    }

    CallObserver observer();

    /** The connected RESP clients. */
    Collection<? extends Session> sessions();

    /** A connected RESP client by id, or null. */
    Session session(long id);

    /**
     * Redis's writeCommandsDeniedByDiskError: the -MISCONF error write commands (and PING) get
     * while persistence is failing, or null when writes are accepted.
     */
    default String writesDeniedBecause() {
        return null;
    }

    /**
     * Why writes are refused for lack of replicas (min-replicas-to-write: Redis's
     * checkGoodReplicasStatus), or null.
     */
    default String replicasDenyWrites() {
        return null;
    }

    /** FLUSHALL has emptied every database (Redis's flushAllDataAndResetRDB then saves when save points are set). */
    default void flushedAll() {
    }

    /** Whether clients' writes are refused with -READONLY: a replica with replica-read-only yes. */
    default boolean readOnlyReplica() {
        return false;
    }

    /**
     * Whether commands without the stale flag are refused with -MASTERDOWN: a replica whose link
     * to its master is not up, with replica-serve-stale-data no.
     */
    default boolean staleDataRefused() {
        return false;
    }

    /** Whether the data set is being loaded: commands without the loading flag are refused meanwhile. */
    default boolean loading() {
        return false;
    }

    /** Whether a replica loads a full sync beside the data set it serves (async_loading): commands flagged no-async-loading are refused. */
    default boolean asyncLoading() {
        return false;
    }
}
