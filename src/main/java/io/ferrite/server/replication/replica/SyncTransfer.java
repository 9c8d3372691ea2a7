package io.ferrite.server.replication.replica;

import io.netty.buffer.ByteBuf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * A full sync's RDB on its way to disk (Redis's readSyncBulkPayload with repl-diskless-load
 * disabled): written to a temp file in dir, which then becomes the RDB file and is loaded.
 */
final class SyncTransfer extends Payload {
    private final Path temp;
    private final FileChannel out;
    private final byte[] lastBytes = new byte[MARK_LENGTH];

    private SyncTransfer(String header, Path temp) throws IOException {
        super(header);
        this.temp = temp;
        Files.deleteIfExists(temp);
        this.out = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    }

    /** A transfer for the bulk header line, into a temp file in {@code dir}. */
    static SyncTransfer open(Path dir, String header) throws IOException {
        // Redis's temp-<unixtime>.<pid>.rdb, in dir
        return new SyncTransfer(header,
            dir.resolve("temp-" + System.currentTimeMillis() / 1000 + "." + ProcessHandle.current().pid() + ".rdb"));
    }

    /** Writes what {@code in} holds of the payload; true once it ended. */
    @Override
    boolean consume(ByteBuf in) throws IOException {
        int n = mark != null ? in.readableBytes() : (int) Math.min(in.readableBytes(), size - read);
        if (n > 0) {
            ByteBuffer b = in.nioBuffer(in.readerIndex(), n);
            while (b.hasRemaining()) {
                out.write(b);
            }
            if (mark != null) {
                remember(in, n);
            }
            in.skipBytes(n);
            read += n;
        }
        return mark != null ? read >= MARK_LENGTH && Arrays.equals(lastBytes, mark) : read == size;
    }

    /** Keeps the last 40 bytes of the payload so far, to find the mark. */
    private void remember(ByteBuf in, int n) {
        if (n >= MARK_LENGTH) {
            in.getBytes(in.readerIndex() + n - MARK_LENGTH, lastBytes);
        } else {
            System.arraycopy(lastBytes, n, lastBytes, 0, MARK_LENGTH - n);
            in.getBytes(in.readerIndex(), lastBytes, MARK_LENGTH - n, n);
        }
    }

    /** The payload ended: the mark cut off, the file synced and closed; its path. */
    Path finish() throws IOException {
        if (mark != null) {
            out.truncate(read - MARK_LENGTH);
        }
        out.force(true);
        out.close();
        return temp;
    }

    /** The transfer was given up: the temp file goes. */
    @Override
    void abort() {
        try {
            out.close();
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            // nothing more to do: the file is Redis's leftover temp file then
        }
    }
}
