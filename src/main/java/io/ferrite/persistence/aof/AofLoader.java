package io.ferrite.persistence.aof;

import io.ferrite.common.Log;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Locale;

/**
 * Loads the files a manifest names, in order, as Redis 7.0's loadAppendOnlyFiles and
 * loadSingleAppendOnlyFile do, with their log lines: a file that starts with "REDIS" is an RDB
 * (a base, or an old file's preamble followed by commands), the rest commands. A truncated last
 * file is cut back to its last whole command under aof-load-truncated (an unfinished MULTI to
 * before it), else loading fails; a truncated file that is not the last, a format error or an
 * unknown command always fail. Whatever fails, the caller must not start: nothing is partly
 * accepted. Knows nothing of the engine: commands go to a {@link Sink}.
 */
public final class AofLoader {
    /** Where the loaded data goes. */
    public interface Sink {
        /** Loads the RDB at the start of {@code file}; returns the offset just after it. */
        long rdb(Path file, String name) throws AofLoadException;

        /** Whether the server has a command of this name. */
        boolean knows(byte[] name);

        /** Runs one command, as the AOF's fake client would (its reply ignored). */
        void command(byte[][] argv) throws AofLoadException;

        /** The file ended inside a MULTI: what was queued is dropped. */
        void discardMulti() throws AofLoadException;
    }

    /** What a load found (loadAppendOnlyFiles's return codes that let the server start). */
    public enum Status { OK, EMPTY, NOT_EXIST, TRUNCATED }

    /** The outcome, and the sizes INFO reports after it (aof_current_size, aof_base_size). */
    public record Result(Status status, long totalSize, long baseSize) {
    }

    private static final byte[] RDB_SIGNATURE = "REDIS".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MULTI = "multi".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EXEC = "exec".getBytes(StandardCharsets.US_ASCII);

    private final AofDirectory dir;
    private final boolean loadTruncated;
    private final Sink sink;

    public AofLoader(AofDirectory dir, boolean loadTruncated, Sink sink) {
        this.dir = dir;
        this.loadTruncated = loadTruncated;
        this.sink = sink;
    }

    /** loadAppendOnlyFiles over {@code am} (after the upgrade path ran). */
    public Result loadAll(AofManifest am) throws AofLoadException {
        if (am.isEmpty()) {
            return new Result(Status.NOT_EXIST, 0, 0);
        }
        long total = 0;
        for (AofManifest.Info i : am.loadOrder()) {
            Path f = dir.file(i.name());
            if (!Files.exists(f)) {
                // an AOF the manifest names but the disk does not have is fatal
                Log.warning("The append log file " + i.name() + " doesn't exist: No such file or directory");
                throw new AofLoadException("missing file " + i.name());
            }
            total += dir.size(i.name());
        }
        if (total == 0) {
            return new Result(Status.EMPTY, 0, 0);
        }
        int count = am.loadOrder().size();
        int n = 0;
        Status last = Status.OK;
        long baseSize = 0;
        for (AofManifest.Info i : am.loadOrder()) {
            boolean isBase = i.type() == AofManifest.Info.BASE;
            if (isBase) {
                baseSize = dir.size(i.name());
            }
            boolean lastFile = ++n == count;
            long t0 = System.nanoTime();
            Status s = loadFile(i.name());
            if (s == Status.OK || (s == Status.TRUNCATED && lastFile)) {
                Log.notice(String.format(Locale.ROOT, "DB loaded from %s file %s: %.3f seconds",
                    isBase ? "base" : "incr", i.name(), (System.nanoTime() - t0) / 1e9));
            }
            if (s == Status.TRUNCATED && !lastFile) {
                Log.warning("Fatal error: the truncated file is not the last file");
                throw new AofLoadException("truncated file " + i.name() + " before the last one");
            }
            if (s == Status.TRUNCATED) {
                last = Status.TRUNCATED;
            }
        }
        return new Result(last, dir.totalSize(am), baseSize);
    }

    /** loadSingleAppendOnlyFile: OK, EMPTY or TRUNCATED, or an exception after logging why. */
    public Status loadFile(String name) throws AofLoadException {
        Path path = dir.file(name);
        long size;
        try {
            size = Files.size(path);
        } catch (IOException e) {
            Log.warning("Fatal error: can't open the append log file " + name + " for reading: " + e.getMessage());
            throw new AofLoadException("cannot open " + name);
        }
        if (size == 0) {
            return Status.EMPTY;
        }
        boolean oldStyle = name.equals(dir.fileName());
        try (InputStream raw = Files.newInputStream(path)) {
            long start = 0;
            byte[] sig = raw.readNBytes(RDB_SIGNATURE.length);
            InputStream in;
            if (Arrays.equals(sig, RDB_SIGNATURE)) {
                Log.notice(oldStyle ? "Reading RDB preamble from AOF file..." : "Reading RDB base file on AOF loading...");
                try {
                    start = sink.rdb(path, name);
                } catch (AofLoadException e) {
                    Log.warning(oldStyle ? "Error reading the RDB preamble of the AOF file " + name + ", AOF loading aborted"
                        : "Error reading the RDB base file " + name + ", AOF loading aborted");
                    throw e;
                }
                if (oldStyle) {
                    Log.notice("Reading the remaining AOF tail...");
                }
                // the RDB part was streamed from a reader of its own: the tail is read from where it ended
                raw.skipNBytes(start - RDB_SIGNATURE.length);
                in = raw;
            } else {
                in = new java.io.SequenceInputStream(new java.io.ByteArrayInputStream(sig), raw);
            }
            return commands(name, path, new BufferedInputStream(in, 1 << 16), size - start, start);
        } catch (IOException e) {
            Log.warning("Unrecoverable error reading the append only file " + name + ": " + e.getMessage());
            throw new AofLoadException("read error in " + name);
        }
    }

    private Status commands(String name, Path path, InputStream in, long length, long start)
            throws IOException, AofLoadException {
        AofCommandReader r = new AofCommandReader(in, length, start);
        boolean inMulti = false;
        long validBeforeMulti = 0;
        long validUpTo = start;
        try {
            byte[][] argv;
            while ((argv = r.next()) != null) {
                if (!sink.knows(argv[0])) {
                    Log.warning("Unknown command '" + new String(argv[0], StandardCharsets.ISO_8859_1)
                        + "' reading the append only file " + name);
                    throw new AofLoadException("unknown command in " + name);
                }
                if (is(argv[0], MULTI)) {
                    validBeforeMulti = validUpTo;
                    inMulti = true;
                } else if (is(argv[0], EXEC)) {
                    inMulti = false;
                }
                sink.command(argv);
                validUpTo = r.validUpTo();
            }
            if (inMulti) {
                Log.warning("Revert incomplete MULTI/EXEC transaction in AOF file " + name);
                sink.discardMulti();
                return truncated(name, path, validBeforeMulti);
            }
            return Status.OK;
        } catch (AofCommandReader.Truncated t) {
            if (inMulti) {
                sink.discardMulti();
            }
            return truncated(name, path, validUpTo);
        } catch (AofCommandReader.FormatError f) {
            Log.warning("Bad file format reading the append only file " + name
                + ": make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>");
            throw new AofLoadException("bad format in " + name);
        }
    }

    /** Redis's uxeof: the file cut back to {@code validUpTo} under aof-load-truncated, else a failure. */
    private Status truncated(String name, Path path, long validUpTo) throws AofLoadException {
        if (loadTruncated) {
            Log.warning("!!! Warning: short read while loading the AOF file " + name + "!!!");
            Log.warning("!!! Truncating the AOF " + name + " at offset " + validUpTo + " !!!");
            try (FileChannel ch = FileChannel.open(path, StandardOpenOption.WRITE)) {
                ch.truncate(validUpTo);
                ch.force(true);
                Log.warning("AOF " + name + " loaded anyway because aof-load-truncated is enabled");
                return Status.TRUNCATED;
            } catch (IOException e) {
                Log.warning("Error truncating the AOF file " + name + ": " + e.getMessage());
            }
        }
        Log.warning("Unexpected end of file reading the append only file " + name + ". You can: "
            + "1) Make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>. "
            + "2) Alternatively you can set the 'aof-load-truncated' configuration option to yes and restart the server.");
        throw new AofLoadException("truncated " + name);
    }

    private static boolean is(byte[] a, byte[] lower) {
        if (a.length != lower.length) {
            return false;
        }
        for (int i = 0; i < a.length; i++) {
            if ((a[i] | 0x20) != lower[i]) {
                return false;
            }
        }
        return true;
    }
}
