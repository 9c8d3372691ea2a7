package io.ferrite.protocol.resp;

/**
 * One client's query buffer as Redis accounts for it. Redis keeps a blocked client's pipelined
 * requests unparsed in its query buffer; Ferrite decodes them ahead into a queue, so the bytes
 * that count against {@code client-query-buffer-limit} are the input not yet parsed, the arguments
 * of a half-received multibulk and the decoded requests waiting to run.
 *
 * <p>It also models the buffer's allocation the way Redis 7.0 grows and trims it (networking.c
 * readQueryFromClient, server.c clientsCronResizeQueryBuffer), which is what CLIENT LIST shows as
 * {@code qbuf-free}. Written only on the connection's event loop; {@link #publish} copies the
 * figures other threads read.
 */
public final class QueryBuffer {
    /** Redis's read size, PROTO_IOBUF_LEN. */
    static final int IOBUF_LEN = 16 * 1024;
    /** Below this allocation the cron never trims a busy client's buffer, PROTO_RESIZE_THRESHOLD. */
    static final int RESIZE_THRESHOLD = 32 * 1024;
    /** sds grows by doubling up to this size, then by this much, SDS_MAX_PREALLOC. */
    private static final long MAX_PREALLOC = 1024 * 1024;
    /** From this size a bulk argument gets a buffer of its own size, PROTO_MBULK_BIG_ARG. */
    public static final int BIG_ARG = 32 * 1024;
    /** The cron trims only a buffer wasting more than this. */
    private static final long TRIM_WASTE = 4 * 1024;

    private long unparsed;
    private long partialArgs;
    private long queued;
    private long running;
    private long runningArgs;
    private long alloc;
    private long peak;
    /** The size of a big bulk argument arriving (its bytes and CRLF), 0 when none: the buffer is sized to it and does not grow. */
    private long bigArg;

    private volatile long shownLength;
    private volatile long shownFree;
    private volatile long shownArgs;

    /** The bytes a request takes as a RESP multibulk, the form Redis's query buffer holds it in. */
    public static long sizeOf(byte[][] args) {
        long n = 1 + digits(args.length) + 2;
        for (byte[] a : args) {
            n += 1 + digits(a.length) + 2 + a.length + 2;
        }
        return n;
    }

    /** The first {@code max} bytes of a request as a RESP multibulk: how it began in the query buffer. */
    public static byte[] head(byte[][] args, int max) {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        b.writeBytes(("*" + args.length + "\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        for (int i = 0; i < args.length && b.size() < max; i++) {
            b.writeBytes(("$" + args[i].length + "\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            b.write(args[i], 0, Math.min(args[i].length, max));
            b.writeBytes(new byte[] {'\r', '\n'});
        }
        byte[] all = b.toByteArray();
        return all.length <= max ? all : java.util.Arrays.copyOf(all, max);
    }

    private static int digits(long v) {
        int d = 1;
        while (v >= 10) {
            v /= 10;
            d++;
        }
        return d;
    }

    /**
     * The decoder's view after a read: {@code unparsedNow} bytes not yet parsed. Bytes that arrived
     * since the last call grow the modelled allocation as Redis's reads do: to one read size
     * while small, then greedily.
     */
    void received(long unparsedNow) {
        long arrived = unparsedNow - unparsed;
        if (arrived > 0 && bigArg != 0) {
            // reading the rest of a big argument makes room for exactly all of it again
            alloc = Math.max(alloc, bigArg);
        } else if (arrived > 0) {
            long len = length();
            long want = Math.max(arrived, IOBUF_LEN);
            if (alloc - len < want) {
                long needed = len + want;
                if (alloc < IOBUF_LEN) {
                    alloc = needed;
                } else {
                    alloc = needed < MAX_PREALLOC ? needed * 2 : needed + MAX_PREALLOC;
                }
            }
        }
        unparsed = unparsedNow;
        peak = Math.max(peak, length());
    }

    /**
     * A bulk argument of at least {@link #BIG_ARG} bytes starts and is not all here: Redis drops
     * what it parsed and sizes the buffer to exactly the argument (sdsMakeRoomForNonGreedy), then
     * reads only what is missing, so the buffer does not grow past it.
     */
    void bigArgument(long bulkLen) {
        bigArg = bulkLen + 2;
        alloc = bigArg;
    }

    /** The big argument is complete: Redis hands its buffer over as the argument and starts a new one of the same size. */
    void bigArgumentDone() {
        bigArg = 0;
    }

    /** The decoder's state: input not yet parsed, and argument bytes of a multibulk still arriving. */
    void parsing(long unparsedNow, long partialArgBytes) {
        unparsed = unparsedNow;
        partialArgs = partialArgBytes;
    }

    /** A decoded request joins the queue of requests waiting to run. */
    public void enqueued(byte[][] args) {
        queued += sizeOf(args);
    }

    /** A request leaves the queue to run. */
    public void dequeued(byte[][] args) {
        queued = Math.max(0, queued - sizeOf(args));
    }

    /**
     * A request leaves the queue and runs: it stays counted in qbuf (Redis trims the buffer only
     * after the command) and its arguments in argv-mem.
     */
    public void started(byte[][] args) {
        long size = sizeOf(args);
        long argBytes = 0;
        for (byte[] a : args) {
            argBytes += a.length;
        }
        queued = Math.max(0, queued - size);
        running = size;
        runningArgs = argBytes;
    }

    /** The running request waits (blocked, or on another shard): its bytes leave the buffer, its arguments stay. */
    public void waiting() {
        running = 0;
    }

    /** The running request is answered. */
    public void finished() {
        running = 0;
        runningArgs = 0;
    }

    /** What client-query-buffer-limit bounds: unparsed input, a half-received multibulk's arguments, queued requests. */
    public long limited() {
        return unparsed + partialArgs + queued;
    }

    /** Bytes of requests decoded and waiting to run. */
    public long queuedBytes() {
        return queued;
    }

    /** CLIENT LIST's qbuf on the connection's own thread. */
    public long length() {
        return unparsed + queued + running;
    }

    /**
     * qbuf as the client running {@code args} sees itself: its request still in the buffer, as in
     * Redis, even when it had to wait for the other loops first (CLIENT LIST after its read barrier).
     */
    public long lengthRunning(byte[][] args) {
        return running > 0 ? length() : length() + sizeOf(args);
    }

    /** CLIENT LIST's qbuf-free on the connection's own thread. */
    public long free() {
        return Math.max(0, alloc - length());
    }

    /** The modelled allocation, qbuf plus qbuf-free. */
    public long allocated() {
        return Math.max(alloc, length());
    }

    /** CLIENT LIST's argv-mem on the connection's own thread. */
    public long argvBytes() {
        return partialArgs + runningArgs;
    }

    /**
     * Once a second, as Redis's clientsCronResizeQueryBuffer: a buffer wasting more than 4 KB is
     * freed after two idle seconds, or trimmed to its recent peak when that is under half of it;
     * then the peak restarts from the current length.
     */
    public void cron(long idleSeconds) {
        long len = length();
        if (alloc - len > TRIM_WASTE) {
            if (idleSeconds > 2) {
                alloc = len;
            } else if (alloc > RESIZE_THRESHOLD && alloc / 2 > peak) {
                // never below a big argument still arriving, which will soon fill it
                alloc = Math.max(Math.max(len, peak), bigArg);
            }
        }
        peak = len;
        publish();
    }

    /** Makes the current figures visible to other threads (CLIENT LIST run by another client). */
    public void publish() {
        // runs after every read: a volatile write is a full fence, so figures that did not change are not written again
        long length = length();
        long free = free();
        long args = argvBytes();
        if (shownLength != length) {
            shownLength = length;
        }
        if (shownFree != free) {
            shownFree = free;
        }
        if (shownArgs != args) {
            shownArgs = args;
        }
    }

    public long shownLength() {
        return shownLength;
    }

    public long shownFree() {
        return shownFree;
    }

    public long shownArgvBytes() {
        return shownArgs;
    }
}
