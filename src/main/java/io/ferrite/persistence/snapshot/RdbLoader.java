package io.ferrite.persistence.snapshot;

import io.ferrite.common.Log;
import io.ferrite.persistence.rdb.Crc64;
import io.ferrite.persistence.rdb.Limits;
import io.ferrite.persistence.rdb.LoadedValue;
import io.ferrite.persistence.rdb.RdbFormatException;
import io.ferrite.persistence.rdb.RdbInput;
import io.ferrite.persistence.rdb.ValueReader;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Reads a whole RDB file as Redis 7.0's rdbLoadRio does: signature and version (1 to 10), the
 * opcodes (AUX, SELECTDB, RESIZEDB, EXPIRETIME and EXPIRETIME_MS, IDLE and FREQ, EOF), each key
 * and its value through {@link ValueReader}, and the CRC-64 after EOF when the file carries one.
 * Keys whose expiry has passed are counted and skipped, as a master skips them. Any fault is an
 * {@link RdbLoadException} carrying Redis's words for it; nothing is partly accepted, since the
 * caller gives the keys to the keyspace only as they come and refuses to start on a failure.
 */
public final class RdbLoader {
    /** Receives each key to keep, in file order. */
    public interface Sink {
        void key(int db, byte[] key, LoadedValue value, long expireAt) throws RdbLoadException;
    }

    /**
     * What was loaded: the figures of Redis's "Done loading RDB" line, and where the file ended
     * (an old append-only file's commands follow its RDB preamble).
     */
    public record Result(long keysLoaded, long keysExpired, long end) {
    }

    private final byte[] buf;
    private int pos;
    private final boolean quiet;

    private RdbLoader(byte[] buf, boolean quiet) {
        this.buf = buf;
        this.quiet = quiet;
    }

    /**
     * Loads {@code file} into {@code sink}; {@code quiet} leaves out the log lines about the file
     * (a shard reloading its own part for DEBUG RELOAD).
     */
    public static Result load(byte[] file, Limits limits, long now, int databases, boolean quiet, Sink sink)
            throws RdbLoadException {
        RdbLoader l = new RdbLoader(file, quiet);
        try {
            return l.run(limits, now, databases, sink);
        } catch (RdbFormatException e) {
            if ("unexpected end of payload".equals(e.getMessage())) {
                throw new RdbLoadException("Short read or OOM loading DB. Unrecoverable error, aborting now.");
            }
            throw new RdbLoadException("Internal error in RDB reading offset " + l.pos + " -> " + e.getMessage());
        }
    }

    private RdbInput input() {
        return new RdbInput(buf, pos, buf.length - pos);
    }

    private void advanceTo(RdbInput in) {
        pos = buf.length - in.remaining();
    }

    private int readByte() throws RdbFormatException {
        RdbInput in = input();
        int b = in.readByte();
        advanceTo(in);
        return b;
    }

    private long readLen() throws RdbFormatException {
        RdbInput in = input();
        long n = in.readLen();
        advanceTo(in);
        return n;
    }

    private byte[] readString() throws RdbFormatException {
        RdbInput in = input();
        byte[] s = in.readString();
        advanceTo(in);
        return s;
    }

    private long readLittleEndian(int bytes) throws RdbFormatException {
        RdbInput in = input();
        long v = in.readLittleEndian(bytes);
        advanceTo(in);
        return v;
    }

    private Result run(Limits limits, long now, int databases, Sink sink) throws RdbFormatException, RdbLoadException {
        if (buf.length < 9) {
            throw new RdbFormatException("unexpected end of payload");
        }
        for (int i = 0; i < RdbFile.MAGIC.length; i++) {
            if (buf[i] != RdbFile.MAGIC[i]) {
                throw new RdbLoadException("Wrong signature trying to load DB from file");
            }
        }
        int version = 0;
        for (int i = 5; i < 9; i++) {
            int d = buf[i] - '0';
            // atoi: the digits up to the first non-digit
            if (d < 0 || d > 9) {
                break;
            }
            version = version * 10 + d;
        }
        if (version < 1 || version > RdbFile.VERSION) {
            throw new RdbLoadException("Can't handle RDB format version " + version);
        }
        pos = 9;
        int db = 0;
        long expireAt = -1;
        long loaded = 0;
        long expired = 0;
        while (true) {
            int type = readByte();
            switch (type) {
                case RdbFile.OPCODE_EXPIRETIME -> {
                    expireAt = readLittleEndian(4) * 1000;
                    continue;
                }
                case RdbFile.OPCODE_EXPIRETIME_MS -> {
                    expireAt = readLittleEndian(8);
                    continue;
                }
                case RdbFile.OPCODE_FREQ -> {
                    // LFU counters are not kept: the byte is read and dropped
                    readByte();
                    continue;
                }
                case RdbFile.OPCODE_IDLE -> {
                    readLen();
                    continue;
                }
                case RdbFile.OPCODE_EOF -> {
                    checkCrc(version);
                    return new Result(loaded, expired, pos);
                }
                case RdbFile.OPCODE_SELECTDB -> {
                    long id = readLen();
                    if (id >= databases) {
                        throw new RdbLoadException("FATAL: Data file was created with a Redis server configured to handle"
                            + " more than " + databases + " databases. Exiting");
                    }
                    db = (int) id;
                    continue;
                }
                case RdbFile.OPCODE_RESIZEDB -> {
                    readLen();
                    readLen();
                    continue;
                }
                case RdbFile.OPCODE_AUX -> {
                    aux(readString(), readString(), now);
                    continue;
                }
                case RdbFile.OPCODE_MODULE_AUX ->
                    throw new RdbLoadException("The RDB file contains AUX module data I can't load: no matching module");
                case RdbFile.OPCODE_FUNCTION, RdbFile.OPCODE_FUNCTION_PRE_GA ->
                    throw new RdbLoadException("The RDB file contains functions, which Ferrite cannot load yet");
                default -> {
                }
            }
            byte[] key = readString();
            LoadedValue value = readValue(type, limits);
            if (expireAt != -1 && expireAt < now) {
                expired++;
            } else {
                sink.key(db, key, value, expireAt);
                loaded++;
            }
            expireAt = -1;
        }
    }

    /**
     * ValueReader reads a type byte then the value, as DUMP payloads hold them; in a file the key
     * sits between the two. The byte just before the value (the key's last, already read) briefly
     * holds the type, so the value is read where it lies without copying it.
     */
    private LoadedValue readValue(int type, Limits limits) throws RdbFormatException {
        int at = pos - 1;
        byte saved = buf[at];
        buf[at] = (byte) type;
        try {
            RdbInput in = new RdbInput(buf, at, buf.length - at);
            LoadedValue v = ValueReader.read(in, limits);
            advanceTo(in);
            return v;
        } finally {
            buf[at] = saved;
        }
    }

    private void aux(byte[] key, byte[] value, long now) {
        if (quiet) {
            return;
        }
        String k = new String(key, StandardCharsets.ISO_8859_1);
        String v = new String(value, StandardCharsets.ISO_8859_1);
        try {
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
        int end = pos;
        long expected = readLittleEndian(8);
        if (expected == 0) {
            Log.warning("RDB file was saved with checksum disabled: no check performed.");
            return;
        }
        long got = Crc64.of(buf, 0, end);
        if (got != expected) {
            Log.warning(String.format("Wrong RDB checksum expected: (%016x) got (%016x). Aborting now.", expected, got));
            throw new RdbLoadException("Internal error in RDB reading offset 0 -> RDB CRC error");
        }
    }
}
