package io.ferrite.persistence.snapshot;

import io.ferrite.common.Log;
import io.ferrite.persistence.rdb.Crc64;
import io.ferrite.persistence.rdb.FunctionRecord;
import io.ferrite.persistence.rdb.RdbOutput;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * A whole RDB file as Redis 7.0's rdbSaveRio lays it out: "REDIS0010", the AUX fields of
 * rdbSaveInfoAuxFields, the function libraries (rdbSaveFunctions), then for each non-empty database SELECTDB and RESIZEDB followed by every
 * shard's keys of that database, EOF and the CRC-64 of all that (zero with {@code rdbchecksum no}).
 * Written as rdbSave does: to a temp file, flushed to disk, renamed over the target.
 */
public final class RdbFile {
    static final int OPCODE_MODULE_AUX = 247;
    public static final int OPCODE_IDLE = 248;
    public static final int OPCODE_FREQ = 249;
    static final int OPCODE_AUX = 250;
    static final int OPCODE_RESIZEDB = 251;
    public static final int OPCODE_EXPIRETIME_MS = 252;
    static final int OPCODE_EXPIRETIME = 253;
    static final int OPCODE_SELECTDB = 254;
    public static final int OPCODE_EOF = 255;

    static final byte[] MAGIC = "REDIS".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 10;

    /**
     * What the AUX fields say about the server that wrote the file; {@code aofBase} for an
     * append-only file's base; {@code replication} the history the data set is at (null for none:
     * a master without a backlog, as rdbPopulateSaveInfo gives none).
     */
    public record Aux(String redisVersion, long ctimeSeconds, long usedMemory, boolean aofBase,
                      RdbLoader.ReplicationAux replication) {
        public Aux(String redisVersion, long ctimeSeconds, long usedMemory) {
            this(redisVersion, ctimeSeconds, usedMemory, false);
        }

        public Aux(String redisVersion, long ctimeSeconds, long usedMemory, boolean aofBase) {
            this(redisVersion, ctimeSeconds, usedMemory, aofBase, null);
        }

        public Aux withReplication(RdbLoader.ReplicationAux r) {
            return new Aux(redisVersion, ctimeSeconds, usedMemory, aofBase, r);
        }
    }

    private RdbFile() {
    }

    /** The file's bytes: every shard's part, in shard order, under one SELECTDB per database. */
    public static byte[] assemble(Aux aux, List<ShardPart> parts, boolean checksum) {
        return assemble(aux, List.of(), parts, checksum);
    }

    /** As above, with the function libraries' code before the databases. */
    public static byte[] assemble(Aux aux, List<byte[]> libraries, List<ShardPart> parts, boolean checksum) {
        RdbOutput out = new RdbOutput(4096);
        header(out, aux);
        libraries(out, libraries);
        int databases = parts.isEmpty() ? 0 : parts.get(0).records().length;
        for (int db = 0; db < databases; db++) {
            long keys = 0;
            long expires = 0;
            for (ShardPart p : parts) {
                keys += p.keys()[db];
                expires += p.expires()[db];
            }
            if (keys == 0) {
                continue;
            }
            selectDb(out, db);
            resizeDb(out, keys, expires);
            for (ShardPart p : parts) {
                if (p.records()[db] != null) {
                    out.writeRaw(p.records()[db]);
                }
            }
        }
        out.writeByte(OPCODE_EOF);
        byte[] body = out.toByteArray();
        long crc = checksum ? Crc64.of(body, 0, body.length) : 0;
        out.writeLittleEndian(crc, 8);
        return out.toByteArray();
    }

    /** The magic, the version and rdbSaveInfoAuxFields' AUX fields. */
    public static void header(RdbOutput out, Aux aux) {
        out.writeRaw(String.format("REDIS%04d", VERSION).getBytes(StandardCharsets.US_ASCII));
        auxField(out, "redis-ver", aux.redisVersion());
        auxField(out, "redis-bits", "64");
        auxField(out, "ctime", Long.toString(aux.ctimeSeconds()));
        auxField(out, "used-mem", Long.toString(aux.usedMemory()));
        RdbLoader.ReplicationAux r = aux.replication();
        if (r != null) {
            auxField(out, "repl-stream-db", Integer.toString(r.streamDb()));
            auxField(out, "repl-id", r.replId());
            auxField(out, "repl-offset", Long.toString(r.replOffset()));
        }
        auxField(out, "aof-base", aux.aofBase() ? "1" : "0");
    }

    /** rdbSaveFunctions: a record per library, in the order they were loaded. */
    public static void libraries(RdbOutput out, List<byte[]> libraries) {
        for (byte[] code : libraries) {
            FunctionRecord.write(out, code);
        }
    }

    /** SELECTDB: the keys that follow are of database {@code db} (it may come more than once per database). */
    public static void selectDb(RdbOutput out, int db) {
        out.writeByte(OPCODE_SELECTDB);
        out.writeLen(db);
    }

    /** RESIZEDB: how many keys, and of them with a TTL, the database holds (a sizing hint to the loader). */
    public static void resizeDb(RdbOutput out, long keys, long expires) {
        out.writeByte(OPCODE_RESIZEDB);
        out.writeLen(keys);
        out.writeLen(expires);
    }

    /** rdbSaveAuxFieldStrStr / StrInt: both are strings, numbers taking the integer encodings. */
    private static void auxField(RdbOutput out, String key, String value) {
        out.writeByte(OPCODE_AUX);
        out.writeString(key.getBytes(StandardCharsets.US_ASCII));
        out.writeString(value.getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * rdbSave: the bytes go to temp-PID.rdb in {@code target}'s directory, are forced to disk, and
     * the temp file is renamed over {@code target}, so a crash leaves the old file or the new one,
     * never half of one. Failures are logged with Redis's words and rethrown.
     */
    public static void write(Path target, byte[] bytes) throws IOException {
        Path temp = tempFor(target);
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        } catch (IOException e) {
            Log.warning("Failed opening the temp RDB file " + temp.getFileName() + " (in server root dir "
                + temp.getParent() + ") for saving: " + e.getMessage());
            removeTemp(temp);
            throw e;
        }
        commit(temp, target);
    }

    /** Where a save of {@code target} is written before it replaces it: temp-PID.rdb beside it. */
    public static Path tempFor(Path target) {
        return tempFor(target, "");
    }

    /**
     * As {@link #tempFor(Path)} with a tag after the PID, for a save that may overlap another (a
     * background save given up by FLUSHALL still removing its file while FLUSHALL saves).
     */
    public static Path tempFor(Path target, String tag) {
        return target.toAbsolutePath().getParent().resolve("temp-" + ProcessHandle.current().pid() + tag + ".rdb");
    }

    /** Where a background save of {@code target} is written: temp-PID.rdb, after the process saving it. */
    public static Path tempFor(Path target, long pid) {
        return target.toAbsolutePath().getParent().resolve("temp-" + pid + ".rdb");
    }

    /** Removes a failed save's temp file, as Redis unlinks it (only a file: a directory in its way stays). */
    public static void removeTemp(Path temp) throws IOException {
        if (Files.isRegularFile(temp, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            Files.deleteIfExists(temp);
        }
    }

    /** Renames a complete temp file (already forced to disk) over {@code target} and syncs the directory. */
    public static void commit(Path temp, Path target) throws IOException {
        Path dir = temp.getParent();
        try {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            Log.warning("Error moving temp DB file " + temp.getFileName() + " on the final destination "
                + target.getFileName() + " (in server root dir " + dir + "): " + e.getMessage());
            removeTemp(temp);
            throw e;
        }
        forceDirectory(dir);
        Log.notice("DB saved on disk");
    }

    /** fsync of the directory, so the rename itself survives a crash (where the platform allows it). */
    private static void forceDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // not every file system lets a directory be opened for this; the rename is still done
        }
    }
}
