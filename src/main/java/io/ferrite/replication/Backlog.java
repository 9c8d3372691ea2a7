package io.ferrite.replication;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The replication backlog as Redis 7.0 keeps it (its shared replication buffer): the stream is a
 * list of blocks, each a Netty buffer; the backlog and every replica's pending output reference
 * the same blocks (a replica gets {@link ByteBuf#retainedSlice retained slices}), so the stream is
 * in memory once however many replicas it goes to. Bytes are numbered as Redis numbers them: the
 * first byte ever is 1 and {@link #offset} is the number of the last one (master_repl_offset).
 * <p>
 * Trimming follows incrementalTrimReplicationBacklog: whole blocks from the head, only while the
 * history stays at least {@link #size} without that block, and never a block holding bytes a
 * replica still needs and has not been given yet ({@code keepFrom}); so the history can exceed the
 * size while a replica waits for its RDB, as Redis's does. Not thread-safe: one owner.
 */
public final class Backlog implements AutoCloseable {
    /** Redis's PROTO_REPLY_CHUNK_BYTES: the smallest block. */
    static final int MIN_BLOCK = 16 * 1024;
    /** Redis's CONFIG_REPL_BACKLOG_MIN_SIZE: a smaller repl-backlog-size is raised to this. */
    public static final long MIN_SIZE = 16 * 1024;

    /** A block and the number of its first byte. */
    private record Block(ByteBuf buf, long first) {
        long end() {
            return first + buf.writerIndex();
        }
    }

    private final ArrayDeque<Block> blocks = new ArrayDeque<>();
    private long size;
    private long offset;
    private long histlen;

    /** An empty backlog whose next byte is numbered {@code offset + 1} (createReplicationBacklog). */
    public Backlog(long size, long offset) {
        if (offset < 0) {
            throw new IllegalArgumentException("offset must be >= 0, was " + offset);
        }
        this.size = Math.max(size, MIN_SIZE);
        this.offset = offset;
    }

    /** The number of the last byte appended: master_repl_offset. */
    public long offset() {
        return offset;
    }

    /** repl_backlog_first_byte_offset. */
    public long firstByteOffset() {
        return offset - histlen + 1;
    }

    /** repl_backlog_histlen: the bytes held. */
    public long histlen() {
        return histlen;
    }

    /** repl_backlog_size. */
    public long size() {
        return size;
    }

    /** CONFIG SET repl-backlog-size (resizeReplicationBacklog): the next trim honours it. */
    public void resize(long newSize, long keepFrom) {
        size = Math.max(newSize, MIN_SIZE);
        trim(keepFrom);
    }

    /** Bytes allocated for blocks (Redis's repl_buffer_mem, less its list nodes). */
    public long memory() {
        long n = 0;
        for (Block b : blocks) {
            n += b.buf.capacity();
        }
        return n;
    }

    /** Appends {@code src}'s readable bytes (not consumed) to the stream. */
    public void append(ByteBuf src) {
        int from = src.readerIndex();
        int len = src.readableBytes();
        while (len > 0) {
            Block tail = blocks.peekLast();
            if (tail == null || !tail.buf.isWritable()) {
                // a block is at least MIN_BLOCK and at most a sixteenth of the backlog, so a trim frees little at a time
                int limit = (int) Math.min(Integer.MAX_VALUE, Math.max(size / 16, MIN_BLOCK));
                int cap = Math.min(Math.max(len, MIN_BLOCK), limit);
                tail = new Block(Unpooled.buffer(cap, cap), offset + 1);
                blocks.addLast(tail);
            }
            int n = Math.min(len, tail.buf.writableBytes());
            tail.buf.writeBytes(src, from, n);
            from += n;
            len -= n;
            offset += n;
            histlen += n;
        }
    }

    /** Appends bytes. */
    public void append(byte[] bytes) {
        append(Unpooled.wrappedBuffer(bytes));
    }

    /** Whether a replica asking for the bytes from number {@code from} on can be given them (PSYNC). */
    public boolean covers(long from) {
        return from >= firstByteOffset() && from <= firstByteOffset() + histlen;
    }

    /**
     * The bytes numbered {@code from} to {@link #offset}, as retained slices of the blocks (the
     * caller releases them, usually by writing them to a channel); empty when {@code from} is past
     * the end.
     */
    public List<ByteBuf> read(long from) {
        if (from < firstByteOffset() || from > offset + 1) {
            throw new IllegalArgumentException("bytes from " + from + " are not in the backlog ["
                + firstByteOffset() + ", " + offset + "]");
        }
        List<ByteBuf> out = new ArrayList<>();
        for (Block b : blocks) {
            if (b.end() <= from) {
                continue;
            }
            int start = (int) Math.max(0, from - b.first);
            int len = b.buf.writerIndex() - start;
            if (len > 0) {
                out.add(b.buf.retainedSlice(start, len));
            }
        }
        return out;
    }

    /**
     * Drops whole blocks from the head while the history would still hold at least {@link #size}
     * bytes without them and none of their bytes is numbered {@code keepFrom} or later (bytes a
     * waiting replica has not been given yet; {@code Long.MAX_VALUE} when none waits). The last
     * block always stays.
     */
    public void trim(long keepFrom) {
        Iterator<Block> it = blocks.iterator();
        while (histlen > size && blocks.size() > 1 && it.hasNext()) {
            Block first = it.next();
            int n = first.buf.writerIndex();
            if (first.end() > keepFrom || histlen - n <= size) {
                break;
            }
            it.remove();
            histlen -= n;
            first.buf.release();
        }
    }

    /** Releases every block (replicas still holding slices keep theirs alive). */
    @Override
    public void close() {
        for (Block b : blocks) {
            b.buf.release();
        }
        blocks.clear();
        histlen = 0;
    }
}
