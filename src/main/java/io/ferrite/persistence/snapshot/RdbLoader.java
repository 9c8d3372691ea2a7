package io.ferrite.persistence.snapshot;

import io.ferrite.common.Log;
import io.ferrite.persistence.rdb.FunctionRecord;
import io.ferrite.persistence.rdb.Limits;
import io.ferrite.persistence.rdb.LoadedValue;
import io.ferrite.persistence.rdb.RdbFormatException;
import io.ferrite.persistence.rdb.RdbInput;
import io.ferrite.persistence.rdb.ValueReader;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads an RDB file as Redis 7.0's rdbLoadRio does: signature and version (1 to 10), the opcodes
 * (AUX, SELECTDB, RESIZEDB, EXPIRETIME and EXPIRETIME_MS, IDLE and FREQ, FUNCTION2 and the release
 * candidates' FUNCTION, whose libraries are handed back in the {@link Result}, EOF), each key and its
 * value through {@link ValueReader}, and the CRC-64 after EOF when the file carries one. Keys
 * whose expiry has passed are counted and skipped, as a master skips them. Any fault is an
 * {@link RdbLoadException} carrying Redis's words for it; nothing is partly accepted, since the
 * caller gives the keys to the keyspace only as they come and refuses to start on a failure.
 * <p>
 * The input is read front to back once, so a file streams through {@link RdbInput}'s window: the
 * loader holds one key at a time and hands it to the {@link Sink}.
 */
public final class RdbLoader {
    /** Redis 7.0's value types of module data (RDB_TYPE_MODULE_PRE_GA, RDB_TYPE_MODULE_2). */
    private static final int TYPE_MODULE_PRE_GA = 6;
    private static final int TYPE_MODULE_2 = 7;
    /** Redis's when_opcode of module AUX data (RDB_MODULE_OPCODE_UINT). */
    private static final int MODULE_OPCODE_UINT = 2;
    /** moduleTypeNameByID's alphabet: a module type id is nine of these, six bits each, then a 10-bit version. */
    private static final String MODULE_NAME_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    /**
     * Receives each key to keep, in file order, with what the file says of its last access: the
     * LRU idle time in seconds (RDB_OPCODE_IDLE) and the LFU counter (RDB_OPCODE_FREQ), -1 when
     * absent.
     */
    public interface Sink {
        void key(int db, byte[] key, LoadedValue value, long expireAt, long lruIdle, int lfuFreq) throws RdbLoadException;

        /** A key skipped because its time has passed (a master restarting propagates its deletion). */
        default void expired(int db, byte[] key) {
        }
    }

    /**
     * Receives each function library's code as the file gives it, before any key: the caller
     * creates it (rdbFunctionLoad), and throws to stop the load when that fails.
     */
    public interface Libraries {
        void library(byte[] code) throws RdbLoadException;
    }

    /** What a load answers when a library could not be created: rdbFunctionLoad's failure goes to Redis's eoferr. */
    public static final String SHORT_READ = "Short read or OOM loading DB. Unrecoverable error, aborting now.";

    /**
     * What was loaded: the figures of Redis's "Done loading RDB" line (empty keys: values holding
     * nothing, skipped), and where the file ended (an old append-only file's commands follow its
     * RDB preamble).
     */
    public record Result(long keysLoaded, long keysExpired, long emptyKeysSkipped, long end, ReplicationAux replication,
                         List<byte[]> libraries) {
    }

    /**
     * The AUX fields a master writes for its replicas (rdbPopulateSaveInfo): the database its
     * stream had selected (-1: none), and its replication id and offset (null and -1 when absent).
     */
    public record ReplicationAux(int streamDb, String replId, long replOffset) {
    }

    /** The function libraries' code, in file order: the caller creates them (functionsCreateWithLibraryCtx). */
    private final List<byte[]> libraries = new ArrayList<>();
    private Libraries librarySink;
    private int replStreamDb = -1;
    private String replId;
    private long replOffset = -1;

    private final RdbInput in;
    private final boolean quiet;
    private long emptySkipped;
    private final LoadProgress progress;
    /** Keys whose time has passed are loaded all the same (an AOF's base, as rdbLoad with RDBFLAGS_AOF_PREAMBLE). */
    private boolean keepExpired;

    private RdbLoader(RdbInput in, boolean quiet, LoadProgress progress) {
        this.in = in;
        this.quiet = quiet;
        this.progress = progress;
    }

    /**
     * Loads {@code file} into {@code sink}; {@code quiet} leaves out the log lines about the file
     * (a shard reloading its own part for DEBUG RELOAD).
     */
    public static Result load(byte[] file, Limits limits, long now, int databases, boolean quiet, Sink sink)
            throws RdbLoadException {
        return load(new RdbInput(file, 0, file.length), limits, now, databases, quiet, null, sink);
    }

    /** Loads the input, reporting keys and bytes to {@code progress} (may be null) as it goes. */
    public static Result load(RdbInput in, Limits limits, long now, int databases, boolean quiet, LoadProgress progress,
            Sink sink) throws RdbLoadException {
        return load(in, limits, now, databases, quiet, progress, false, sink);
    }

    /**
     * As above; with {@code keepExpired}, keys whose time has passed are loaded too, as Redis loads
     * an append-only file's RDB base (they expire afterwards, and their deletion propagates).
     */
    public static Result load(RdbInput in, Limits limits, long now, int databases, boolean quiet, LoadProgress progress,
            boolean keepExpired, Sink sink) throws RdbLoadException {
        return load(in, limits, now, databases, quiet, progress, keepExpired, null, sink);
    }

    /** As above, each function library handed to {@code libraries} (may be null) as it comes. */
    public static Result load(RdbInput in, Limits limits, long now, int databases, boolean quiet, LoadProgress progress,
            boolean keepExpired, Libraries libraries, Sink sink) throws RdbLoadException {
        RdbLoader l = new RdbLoader(in, quiet, progress);
        l.keepExpired = keepExpired;
        l.librarySink = libraries;
        try {
            return l.run(limits, now, databases, sink);
        } catch (RdbFormatException e) {
            if ("unexpected end of payload".equals(e.getMessage())) {
                throw new RdbLoadException(SHORT_READ);
            }
            throw corrupt(in, e.getMessage());
        }
    }

    private static RdbLoadException corrupt(RdbInput in, String why) {
        return new RdbLoadException("Internal error in RDB reading offset " + in.position() + " -> " + why);
    }

    private Result run(Limits limits, long now, int databases, Sink sink) throws RdbFormatException, RdbLoadException {
        if (in.remaining() < 9) {
            throw new RdbFormatException("unexpected end of payload");
        }
        byte[] header = in.readRaw(9);
        for (int i = 0; i < RdbFile.MAGIC.length; i++) {
            if (header[i] != RdbFile.MAGIC[i]) {
                throw new RdbLoadException("Wrong signature trying to load DB from file");
            }
        }
        int version = 0;
        for (int i = 5; i < 9; i++) {
            int d = header[i] - '0';
            // atoi: the digits up to the first non-digit
            if (d < 0 || d > 9) {
                break;
            }
            version = version * 10 + d;
        }
        if (version < 1 || version > RdbFile.VERSION) {
            throw new RdbLoadException("Can't handle RDB format version " + version);
        }
        int db = 0;
        long expireAt = -1;
        long lruIdle = -1;
        int lfuFreq = -1;
        long loaded = 0;
        long expired = 0;
        while (true) {
            int type = in.readByte();
            switch (type) {
                case RdbFile.OPCODE_EXPIRETIME -> {
                    expireAt = in.readLittleEndian(4) * 1000;
                    continue;
                }
                case RdbFile.OPCODE_EXPIRETIME_MS -> {
                    expireAt = in.readLittleEndian(8);
                    continue;
                }
                case RdbFile.OPCODE_FREQ -> {
                    lfuFreq = in.readByte();
                    continue;
                }
                case RdbFile.OPCODE_IDLE -> {
                    lruIdle = in.readLen();
                    continue;
                }
                case RdbFile.OPCODE_EOF -> {
                    checkCrc(version);
                    return new Result(loaded, expired, emptySkipped, in.position(),
                        new ReplicationAux(replStreamDb, replId, replOffset), List.copyOf(libraries));
                }
                case RdbFile.OPCODE_SELECTDB -> {
                    long id = in.readLen();
                    if (id >= databases) {
                        throw new RdbLoadException("FATAL: Data file was created with a Redis server configured to handle"
                            + " more than " + databases + " databases. Exiting");
                    }
                    db = (int) id;
                    continue;
                }
                case RdbFile.OPCODE_RESIZEDB -> {
                    in.readLen();
                    in.readLen();
                    continue;
                }
                case RdbFile.OPCODE_AUX -> {
                    aux(in.readString(), in.readString(), now);
                    continue;
                }
                case RdbFile.OPCODE_MODULE_AUX -> moduleAux();
                case FunctionRecord.OPCODE, FunctionRecord.OPCODE_PRE_GA -> {
                    byte[] code = FunctionRecord.read(in, type);
                    libraries.add(code);
                    if (librarySink != null) {
                        librarySink.library(code);
                    }
                    continue;
                }
                default -> {
                }
            }
            byte[] key = in.readString();
            if (type == TYPE_MODULE_PRE_GA || type == TYPE_MODULE_2) {
                throw corrupt(in, "The RDB file contains module data I can't load: no matching module type '"
                    + moduleName(in.readLen()) + "'");
            }
            LoadedValue value = ValueReader.read(in, type, limits);
            if (value == null) {
                // a value holding nothing (older versions wrote some): skipped, as rdbLoadRio does
                if (emptySkipped++ < 10 && !quiet) {
                    Log.warning("rdbLoadObject skipping empty key: " + new String(key, StandardCharsets.ISO_8859_1));
                }
            } else if (expireAt != -1 && expireAt < now && !keepExpired) {
                expired++;
                sink.expired(db, key);
            } else {
                sink.key(db, key, value, expireAt, lruIdle, lfuFreq);
                loaded++;
            }
            if (progress != null) {
                progress.keyRead(in.position(), loaded, expired);
            }
            expireAt = -1;
            lruIdle = -1;
            lfuFreq = -1;
        }
    }

    /**
     * RDB_OPCODE_MODULE_AUX: with no module loaded, no module can claim the data, and Redis stops
     * (it exits with this line); the id is read first so the line can name the module.
     */
    private void moduleAux() throws RdbFormatException, RdbLoadException {
        long id = in.readLen();
        in.readLen();
        long whenOpcode = in.readLen();
        if (whenOpcode != MODULE_OPCODE_UINT) {
            throw new RdbFormatException("bad when_opcode");
        }
        throw new RdbLoadException("The RDB file contains AUX module data I can't load: no matching module '"
            + moduleName(id) + "'");
    }

    /** moduleTypeNameByID: the nine characters of a module type id. */
    static String moduleName(long id) {
        char[] name = new char[9];
        long v = id >>> 10;
        for (int j = 8; j >= 0; j--) {
            name[j] = MODULE_NAME_CHARS.charAt((int) (v & 63));
            v >>>= 6;
        }
        return new String(name);
    }

    private void aux(byte[] key, byte[] value, long now) {
        String k = new String(key, StandardCharsets.ISO_8859_1);
        String v = new String(value, StandardCharsets.ISO_8859_1);
        try {
            if (k.equals("used-mem") && progress != null) {
                progress.rdbUsedMemory(Long.parseLong(v));
            }
            switch (k) {
                case "repl-stream-db" -> replStreamDb = Integer.parseInt(v);
                case "repl-id" -> replId = v;
                case "repl-offset" -> replOffset = Long.parseLong(v);
                default -> {
                }
            }
            if (quiet) {
                return;
            }
            switch (k) {
                case "redis-ver" -> Log.notice("Loading RDB produced by version " + v);
                case "ctime" -> {
                    long age = now / 1000 - Long.parseLong(v);
                    Log.notice("RDB age " + Math.max(0, age) + " seconds");
                }
                case "used-mem" -> Log.notice(String.format(Locale.ROOT, "RDB memory usage when created %.2f Mb",
                    Long.parseLong(v) / (1024.0 * 1024)));
                default -> {
                }
            }
        } catch (NumberFormatException e) {
            // a field that is not a number is only informative: Redis reads it with strtol and goes on
        }
    }

    /** Versions from 5 end with the CRC-64 of everything before it; zero means it was not computed. */
    private void checkCrc(int version) throws RdbFormatException, RdbLoadException {
        if (version < 5) {
            return;
        }
        long got = in.crcSoFar();
        long expected = in.readLittleEndian(8);
        if (expected == 0) {
            Log.warning("RDB file was saved with checksum disabled: no check performed.");
            return;
        }
        if (got != expected) {
            Log.warning(String.format("Wrong RDB checksum expected: (%016x) got (%016x). Aborting now.", expected, got));
            throw new RdbLoadException("Internal error in RDB reading offset 0 -> RDB CRC error");
        }
    }
}
