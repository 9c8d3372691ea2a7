package io.ferrite.server.replication.replica;

import io.netty.buffer.ByteBuf;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A full sync's RDB handed to the loader as it arrives (Redis's repl-diskless-load): the link's
 * loop puts the bytes into a bounded queue and the loader's thread reads them as an
 * {@link InputStream}. With an EOF mark the last 40 bytes are held back until more come, so the
 * loader never sees the mark, and the stream ends where it is found. When the queue is full the
 * link stops reading until the loader has taken a chunk ({@code wake}).
 */
final class DisklessTransfer extends Payload {
    /** Chunks waiting for the loader: the memory a transfer may hold beyond the loader's window. */
    private static final int QUEUED_CHUNKS = 64;
    private static final byte[] END = new byte[0];

    private final BlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(QUEUED_CHUNKS + 1);
    private final Runnable wake;
    private byte[] held = new byte[0];
    private volatile boolean failed;
    private volatile boolean stalled;
    private boolean ended;

    /** A transfer for the bulk header line; {@code wake} runs (on the loader's thread) when a stalled link may read again. */
    DisklessTransfer(String header, Runnable wake) {
        super(header);
        this.wake = wake;
    }

    /** Whether the link must stop reading until {@code wake} (the loader is behind). */
    boolean stalled() {
        return stalled;
    }

    @Override
    boolean consume(ByteBuf in) {
        if (ended) {
            return true;
        }
        if (queue.size() >= QUEUED_CHUNKS) {
            stalled = true;
            // the loader may have taken a chunk in between: then nothing would wake us
            if (queue.size() >= QUEUED_CHUNKS) {
                return false;
            }
            stalled = false;
        }
        int n = mark != null ? in.readableBytes() : (int) Math.min(in.readableBytes(), size - read);
        byte[] chunk = new byte[n];
        in.readBytes(chunk);
        read += n;
        if (mark == null) {
            if (n > 0) {
                queue.add(chunk);
            }
            if (read == size) {
                end();
            }
            return ended;
        }
        // the mark is the last 40 bytes: hold them back until more bytes show they were not the end
        byte[] all = new byte[held.length + n];
        System.arraycopy(held, 0, all, 0, held.length);
        System.arraycopy(chunk, 0, all, held.length, n);
        int keep = Math.min(all.length, MARK_LENGTH);
        if (all.length > keep) {
            queue.add(Arrays.copyOf(all, all.length - keep));
        }
        held = Arrays.copyOfRange(all, all.length - keep, all.length);
        if (keep == MARK_LENGTH && Arrays.equals(held, mark)) {
            end();
        }
        return ended;
    }

    private void end() {
        ended = true;
        queue.add(END);
    }

    @Override
    void abort() {
        failed = true;
        queue.offer(END);
    }

    /** The payload as the loader reads it; ends where the payload ends, fails if the link closes first. */
    InputStream input() {
        return input;
    }

    private final InputStream input = new InputStream() {
        private byte[] chunk = new byte[0];
        private int at;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            while (at == chunk.length) {
                if (chunk == END) {
                    return -1;
                }
                chunk = take();
                at = 0;
            }
            int n = Math.min(len, chunk.length - at);
            System.arraycopy(chunk, at, b, off, n);
            at += n;
            return n;
        }
    };

    private byte[] take() throws IOException {
        try {
            byte[] c;
            do {
                c = queue.poll(100, TimeUnit.MILLISECONDS);
                if (failed) {
                    throw new IOException("the link with MASTER closed during the transfer");
                }
            } while (c == null);
            if (stalled) {
                stalled = false;
                wake.run();
            }
            return c;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }
}
