package io.ferrite.persistence.aof;

import io.ferrite.common.Log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Where the append-only files live, as Redis 7.0 lays them out: {@code dir/appenddirname/} holding
 * the base, incr and history files and {@code appendfilename.manifest}. The manifest is replaced as
 * writeAofManifestFile does (a temp file, fsync, rename, fsync of the directory), so a crash leaves
 * the old one or the new one. Also Redis's upgrade of an old single {@code dir/appendfilename}
 * (aofUpgradePrepare) and the deletion of history files (aofDelHistoryFiles).
 */
public final class AofDirectory {
    private final Path dir;
    private final Path aofDir;
    private final String fileName;

    /** {@code dir} the server's dir, {@code dirName} appenddirname, {@code fileName} appendfilename. */
    public AofDirectory(Path dir, String dirName, String fileName) {
        this.dir = dir;
        this.aofDir = dir.resolve(dirName);
        this.fileName = fileName;
    }

    public Path path() {
        return aofDir;
    }

    public String fileName() {
        return fileName;
    }

    public Path file(String name) {
        return aofDir.resolve(name);
    }

    public String manifestName() {
        return fileName + ".manifest";
    }

    /** Redis's temp incr file, which collects the writes of a rewrite that turns AOF on. */
    public String tempIncrName() {
        return "temp-" + fileName + ".incr";
    }

    /**
     * The temp file a rewrite's base is complete in before it is renamed into the manifest:
     * temp-rewriteaof-bg-PID.aof after the process writing it, here in the AOF dir so the rename
     * stays on one file system.
     */
    public String tempBaseName(long pid) {
        return "temp-rewriteaof-bg-" + pid + ".aof";
    }

    /** The temp file a rewrite's base is written in until it is complete (Redis's child: temp-rewrite-PID.aof). */
    public String tempRewriteName(long pid) {
        return "temp-rewrite-" + pid + ".aof";
    }

    public void createIfMissing() throws IOException {
        Files.createDirectories(aofDir);
    }

    /** aofLoadManifestFromDisk: an empty manifest when the directory or the file is missing. */
    public AofManifest loadManifest() throws IOException, AofManifestException {
        Path m = aofDir.resolve(manifestName());
        if (!Files.isDirectory(aofDir) || !Files.exists(m)) {
            return AofManifest.empty();
        }
        return AofManifest.parse(Files.readAllBytes(m));
    }

    /**
     * Redis's three cases for an upgrade from an older Redis: {@code dir/appendfilename} exists and
     * the AOF directory does not, or its manifest names nothing, or names only that file as base
     * without it being in the directory. Then the manifest with it as base is written and the file
     * moved in; a crash in between is retried at the next start, as in Redis.
     */
    public AofManifest upgradeIfNeeded(AofManifest am) throws IOException {
        Path old = dir.resolve(fileName);
        if (!Files.isRegularFile(old)) {
            return am;
        }
        boolean upgrade = !Files.isDirectory(aofDir) || am.isEmpty()
            || (am.base() != null && am.incrs().isEmpty() && am.base().name().equals(fileName)
                && !Files.exists(aofDir.resolve(fileName)));
        if (!upgrade) {
            return am;
        }
        createIfMissing();
        AofManifest up = AofManifest.upgraded(fileName);
        writeManifest(up);
        Files.move(old, aofDir.resolve(fileName), StandardCopyOption.ATOMIC_MOVE);
        Log.notice("Successfully migrated an old-style AOF file (" + fileName + ") into the AOF directory ("
            + aofDir.getFileName() + ").");
        return up;
    }

    /** writeAofManifestFile: temp-NAME.manifest, written, fsynced, renamed over the manifest, the directory fsynced. */
    public void writeManifest(AofManifest am) throws IOException {
        String tempName = "temp-" + manifestName();
        Path temp = aofDir.resolve(tempName);
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer b = ByteBuffer.wrap(am.format());
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        } catch (IOException e) {
            Log.warning("Can't open the AOF manifest file " + tempName + ": " + e.getMessage());
            throw e;
        }
        try {
            Files.move(temp, aofDir.resolve(manifestName()), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            Log.warning("Error trying to rename the temporary AOF manifest file " + tempName + " into "
                + manifestName() + ": " + e.getMessage());
            throw e;
        }
        forceDirectory(aofDir);
    }

    /** aofDelHistoryFiles: each history file removed, then the manifest rewritten without them. */
    public AofManifest deleteHistory(AofManifest am) throws IOException {
        if (am.history().isEmpty()) {
            return am;
        }
        for (AofManifest.Info h : am.history()) {
            Log.notice("Removing the history file " + h.name() + " in the background");
            try {
                Files.deleteIfExists(aofDir.resolve(h.name()));
            } catch (IOException e) {
                Log.warning("Failed to remove the history file " + h.name() + ": " + e.getMessage());
            }
        }
        AofManifest after = am.withoutHistory();
        writeManifest(after);
        return after;
    }

    /** A file's size, 0 when it is missing (getAppendOnlyFileSize). */
    public long size(String name) {
        try {
            return Files.size(aofDir.resolve(name));
        } catch (NoSuchFileException e) {
            return 0;
        } catch (IOException e) {
            Log.warning("Unable to obtain the AOF file " + name + " length. stat: " + e.getMessage());
            return 0;
        }
    }

    /** The sizes of the base and every incr file, what INFO's aof_current_size counts. */
    public long totalSize(AofManifest am) {
        long n = 0;
        for (AofManifest.Info i : am.loadOrder()) {
            n += size(i.name());
        }
        return n;
    }

    /** fsync of the directory, so renames and new files survive a crash (where the platform allows it). */
    public static void forceDirectory(Path d) {
        try (FileChannel ch = FileChannel.open(d, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // not every file system lets a directory be opened for this
        }
    }
}
