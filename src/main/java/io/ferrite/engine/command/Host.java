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

    CallObserver observer();

    /** The connected RESP clients. */
    Collection<? extends Session> sessions();

    /** A connected RESP client by id, or null. */
    Session session(long id);

    /**
     * Redis's writeCommandsDeniedByDiskError: the error refusing writes (and PING) while the disk
     * has failed the server's files (the AOF's last write or fsync), null when writes are accepted.
     */
    default String writesDenied() {
        return null;
    }
}
