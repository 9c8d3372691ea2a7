package io.ferrite.server.aof;

import io.ferrite.engine.Dispatcher;
import io.ferrite.engine.Engine;
import io.ferrite.persistence.rdb.Limits;
import io.ferrite.persistence.snapshot.RdbLoadException;
import io.ferrite.persistence.snapshot.RdbLoader;
import io.ferrite.server.ServerConfig;
import io.ferrite.server.ServerStats;

import java.nio.file.Path;
import java.util.List;

/** What the append-only file needs of the server that owns it, so the AOF does not depend back on it. */
public interface AofHost {
    ServerConfig config();

    /** The server's counters (INFO stats). */
    ServerStats stats();

    Engine engine();

    /** The one dispatcher every client's commands go through (the AOF's own client's too). */
    Dispatcher dispatcher();

    /** The encoding settings RDB images are written and read under. */
    Limits rdbLimits();

    /** Whether a background save is in progress (it owns the snapshot marks a rewrite's base needs). */
    boolean snapshotting();

    /** The changes made so far no longer count as unsaved (rdb_changes_since_last_save starts from 0). */
    void changesSaved();

    /** The function libraries' code, for a base written now (start-up, before any client). */
    List<byte[]> libraryCodes();

    /** Loads an AOF's RDB base or preamble into the engine, streaming it from {@code file}. */
    RdbLoader.Result loadBase(Path file) throws RdbLoadException;
}
