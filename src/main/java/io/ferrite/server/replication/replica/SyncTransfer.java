package io.ferrite.server.replication.replica;

import io.netty.buffer.ByteBuf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * A full sync's RDB on its way to disk (Redis's readSyncBulkPayload with repl-diskless-load
 * disabled): "$<length>" and that many bytes, or "$EOF:<40 characters>" and the bytes up to that
 * same mark (a master streaming its snapshot does not know the length ahead), written to a temp
 * file in dir, which then becomes the RDB file and is loaded.
 */
final class SyncTransfer implements Payload {
    /** Redis's CONFIG_RUN_ID_SIZE: the EOF mark's length. */
    static final int MARK_LENGTH = 40;

    private final Path temp;
    private final FileChannel out;
    /** The EOF mark, or null when the length is known. */
    private final byte[] mark;
    private final long size;
    private final byte[] lastBytes = new byte[MARK_LENGTH];
    private volatile long read;

    private SyncTransfer(Path temp, FileChannel out, byte[] mark, long size) {
        this.temp = temp;
        this.out = out;
        this.mark = mark;
        this.size = size;
    }

    /**
     * A transfer for the bulk header line (without its line end): "EOF:<mark>" or a length. Throws
     * IllegalArgumentException for a header that is neither.
     */
    static SyncTransfer open(Path dir, String header) throws IOException {
        byte[] mark = null;
        long size = 0;
        if (header.startsWith("$EOF:") && header.length() >= 5 + MARK_LENGTH) {
            mark = header.substring(5, 5 + MARK_LENGTH).getBytes(StandardCharsets.ISO_8859_1);
        } else {
            try {
                size = Long.parseLong(header.substring(1).trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad bulk length '" + header + "'");
            }
        }
        // Redis's temp-<unixtime>.<pid>.rdb, in dir
        Path temp = dir.resolve("temp-" + System.currentTimeMillis() / 1000 + "." + ProcessHandle.current().pid() + ".rdb");
        Files.deleteIfExists(temp);
        FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        return new SyncTransfer(temp, out, mark, size);
    }

    @Override
    public boolean withMark() {
        return mark != null;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public long read() {
        return read;
    }

    /** Writes what {@code in} holds of the payload; true once it ended. */
    @Override
    public boolean consume(ByteBuf in) throws IOException {
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
    public void abort() {
        try {
            out.close();
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            // nothing more to do: the file is Redis's leftover temp file then
        }
    }
}
