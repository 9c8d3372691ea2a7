package io.ferrite.protocol.memcached;

import io.ferrite.engine.Shard;
import io.ferrite.engine.ShardKeyspace;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One memcached client connection: runs decoded requests in order on the shards owning their keys,
 * batching consecutive requests for one shard into one hop, and writes replies in request order.
 */
public final class McConnection extends ChannelInboundHandlerAdapter {
    private static final int MAX_BATCH = 64;
    /**
     * Decoded requests waiting their turn. Past this many the connection stops reading until the queue has
     * drained to QUEUE_RESUME, so a client that pipelines faster than its requests run (or a get line with
     * millions of keys) is held back by TCP instead of growing the queue (memcached likewise parses a
     * connection's next command only after the current one has run).
     */
    static final int QUEUE_PAUSE = 256;
    private static final int QUEUE_RESUME = 64;
    /**
     * Replies are handed to the channel once this much has collected, so a pipeline of gets of large
     * values meets the channel's writability limit (and stops) instead of piling up in one buffer.
     */
    private static final int FLUSH_AT = 64 * 1024;
    private final McContext ctx;
    private final ArrayDeque<McRequest> queue = new ArrayDeque<>();
    private Channel channel;
    private ByteBuf pending;
    private boolean waiting;
    private boolean inRead;
    private boolean closing;
    private boolean counted;
    /** Reading is off because too many requests wait in the queue. */
    private boolean queueFull;
    /** The last chunk of a multiget in progress, so its later chunks can see whether it failed. */
    private McRequest getChunk;
    final long id;
    long created = System.currentTimeMillis();

    public McConnection(McContext ctx) {
        this.ctx = ctx;
        this.id = ctx.connIds.incrementAndGet();
    }

    Channel channel() {
        return channel;
    }

    @Override
    public void channelActive(ChannelHandlerContext c) {
        channel = c.channel();
        ctx.totalConnections.increment();
        counted = true;
        int n = ctx.currConnections.incrementAndGet();
        if (n > ctx.maxConnections()) {
            ctx.rejectedConnections.increment();
            closing = true;
            c.writeAndFlush(c.alloc().buffer().writeBytes(McOps.ascii("ERROR Too many open connections\r\n")))
                .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        ctx.connections.put(id, this);
        c.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext c) {
        if (counted) {
            ctx.currConnections.decrementAndGet();
        }
        ctx.connections.remove(id);
        queue.clear();
        closing = true;
        if (pending != null) {
            pending.release();
            pending = null;
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext c, Object msg) {
        if (closing) {
            return;
        }
        if (msg instanceof ByteBuf b) {
            b.release();
            return;
        }
        inRead = true;
        queue.add((McRequest) msg);
        if (queue.size() >= QUEUE_PAUSE && !queueFull) {
            queueFull = true;
            updateAutoRead();
        }
        drain();
    }

    /** Reads while the client's replies can be written and the request queue has room. */
    private void updateAutoRead() {
        channel.config().setAutoRead(channel.isWritable() && !queueFull);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext c) {
        inRead = false;
        flush();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext c) {
        updateAutoRead();
        if (channel.isWritable()) {
            drain();
            if (!inRead) {
                flush();
            }
        }
        c.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext c, Throwable cause) {
        c.close();
    }

    private void ensureBuffer() {
        if (pending == null) {
            pending = channel.alloc().ioBuffer(256);
        }
    }

    private void flush() {
        if (pending != null && pending.isReadable()) {
            ByteBuf b = pending;
            pending = null;
            ctx.bytesWritten.add(b.readableBytes());
            channel.writeAndFlush(b, channel.voidPromise());
        }
    }

    private void drain() {
        while (!waiting && !closing) {
            if (pending != null && pending.readableBytes() >= FLUSH_AT) {
                flush();
            }
            if (!channel.isWritable()) {
                // the client is not reading its replies: run nothing more until it does
                flush();
                return;
            }
            McRequest r = queue.poll();
            if (r == null) {
                break;
            }
            if (queueFull && queue.size() <= QUEUE_RESUME) {
                queueFull = false;
                updateAutoRead();
            }
            ensureBuffer();
            int mark = pending.writerIndex();
            boolean done;
            try {
                done = process(r);
            } catch (Throwable t) {
                done = true;
                if (pending != null) {
                    pending.writerIndex(mark);
                    McFailure.write(ctx, pending, r, t);
                }
            }
            if (!done) {
                waiting = true;
                return;
            }
        }
    }

    private void resume(ByteBuf out) {
        waiting = false;
        if (closing) {
            out.release();
            return;
        }
        ensureBuffer();
        pending.writeBytes(out);
        out.release();
        drain();
        if (!inRead) {
            flush();
        }
    }

    private void closeAfter(byte[] last) {
        closing = true;
        ensureBuffer();
        if (last != null) {
            pending.writeBytes(last);
        }
        ByteBuf b = pending;
        pending = null;
        ctx.bytesWritten.add(b.readableBytes());
        channel.writeAndFlush(b).addListener(ChannelFutureListener.CLOSE);
    }

    /** Runs one request; false when its reply comes later through {@link #resume}. */
    private boolean process(McRequest r) {
        if (r.continued) {
            // a multiget's later chunk: once a chunk failed, its SERVER_ERROR ended the reply
            boolean drop = getChunk != null && getChunk.failed;
            if (drop) {
                if (!r.more) {
                    getChunk = null;
                }
                return true;
            }
        }
        getChunk = r.more ? r : null;
        switch (r.op) {
            case RAW -> {
                pending.writeBytes(r.raw);
                return true;
            }
            case CLOSE -> {
                closeAfter(r.raw);
                return true;
            }
            case QUIT -> {
                byte[] ok = null;
                if (!r.quiet) {
                    ByteBuf b = io.netty.buffer.Unpooled.buffer(24);
                    McOps.binHeader(b, r.opcode, 0, 0, 0, 0, r.opaque, 0);
                    ok = McBinaryDecoder.toBytes(b);
                }
                closeAfter(ok);
                return true;
            }
            case VERSION -> {
                if (r.proto == McRequest.Proto.BINARY) {
                    McOps.binHeader(pending, r.opcode, 0, 0, 0, McContext.VERSION.length(), r.opaque, 0);
                    McOps.writeAscii(pending, McContext.VERSION);
                } else {
                    McOps.writeAscii(pending, "VERSION " + McContext.VERSION + "\r\n");
                }
                return true;
            }
            case NOOP -> {
                McOps.binHeader(pending, r.opcode, 0, 0, 0, 0, r.opaque, 0);
                return true;
            }
            case VERBOSITY -> {
                ctx.verbosity = (int) r.delta;
                McOps.text(pending, r, "OK\r\n");
                return true;
            }
            case MN -> {
                McOps.writeAscii(pending, "MN\r\n");
                return true;
            }
            case FLUSH -> {
                return flushAll(r);
            }
            case STATS -> {
                return McStats.run(ctx, this, r);
            }
            default -> {
            }
        }
        if (r.keys != null) {
            return multiGet(r);
        }
        return single(r);
    }

    /** Runs r on its shard; a handler that throws still leaves exactly one reply for r. */
    private static void execute(McContext ctx, Shard s, McRequest r, ByteBuf out) {
        s.beginCommand();
        ShardKeyspace ks = s.memcached();
        int mark = out.writerIndex();
        try {
            ctx.beforeRequest(r.key);
            switch (r.proto) {
                case TEXT -> McOps.runText(ctx, ks, r, out);
                case BINARY -> McOps.runBinary(ctx, ks, r, out);
                case META -> McMeta.run(ctx, ks, r, out);
            }
        } catch (Throwable t) {
            out.writerIndex(mark);
            McFailure.write(ctx, out, r, t);
        }
    }

    private static final class Hop {
        boolean returned;
        boolean done;
    }

    private boolean single(McRequest r) {
        Shard s = ctx.server.engine().shardOf(r.key);
        List<McRequest> batch = null;
        if (!s.loop.inEventLoop()) {
            for (int n = 0; n < MAX_BATCH; n++) {
                McRequest next = queue.peek();
                if (next == null || next.key == null || next.keys != null || next.continued || !keyed(next)
                    || ctx.server.engine().shardOf(next.key) != s) {
                    break;
                }
                queue.poll();
                if (batch == null) {
                    batch = new ArrayList<>();
                }
                batch.add(next);
            }
        }
        List<McRequest> more = batch;
        Hop h = new Hop();
        Channel ch = channel;
        s.run(() -> {
            boolean sync = !h.returned && ch.eventLoop().inEventLoop();
            ByteBuf out = sync ? pending : ch.alloc().ioBuffer(128);
            execute(ctx, s, r, out);
            if (more != null) {
                for (McRequest m : more) {
                    execute(ctx, s, m, out);
                }
            }
            if (sync) {
                h.done = true;
            } else {
                ch.eventLoop().execute(() -> resume(out));
            }
        });
        h.returned = true;
        return h.done;
    }

    private static boolean keyed(McRequest r) {
        return switch (r.op) {
            case RAW, CLOSE, QUIT, VERSION, NOOP, VERBOSITY, MN, FLUSH, STATS -> false;
            default -> true;
        };
    }

    private boolean multiGet(McRequest r) {
        byte[][] keys = r.keys;
        Shard first = ctx.server.engine().shardOf(keys[0]);
        boolean one = true;
        for (byte[] k : keys) {
            if (ctx.server.engine().shardOf(k) != first) {
                one = false;
                break;
            }
        }
        if (one) {
            McRequest copy = r;
            copy.key = keys[0];
            return singleKeys(copy, first);
        }
        byte[][] parts = new byte[keys.length][];
        Throwable[] failure = new Throwable[all()];
        fanOut(r, s -> {
            ByteBuf tmp = io.netty.buffer.Unpooled.buffer();
            try {
                for (int i = 0; i < keys.length; i++) {
                    if (ctx.server.engine().shardOf(keys[i]) == s) {
                        tmp.clear();
                        ctx.beforeRequest(keys[i]);
                        McOps.getOne(ctx, s.memcached(), r, keys[i], tmp);
                        parts[i] = McBinaryDecoder.toBytes(tmp.retain());
                    }
                }
            } catch (Throwable t) {
                failure[s.id] = t;
            } finally {
                tmp.release();
            }
            return null;
        }, results -> {
            ByteBuf out = channel.alloc().ioBuffer();
            for (Throwable t : failure) {
                if (t != null) {
                    // memcached answers a get that failed part-way with the error alone
                    McFailure.write(ctx, out, r, t);
                    return out;
                }
            }
            for (byte[] p : parts) {
                out.writeBytes(p);
            }
            if (!r.more) {
                out.writeBytes(McOps.END);
            }
            return out;
        });
        return false;
    }

    private boolean singleKeys(McRequest r, Shard s) {
        return single(r);
    }

    /**
     * Runs work on every shard (any order), then finish on this connection's thread; the reply follows.
     * When work throws on a shard (or finish throws), r is answered with {@link McFailure}'s error instead.
     */
    void fanOut(McRequest r, Function<Shard, Object> work, Function<Object[], ByteBuf> finish) {
        Shard[] all = ctx.server.engine().shards();
        Object[] results = new Object[all.length];
        AtomicInteger left = new AtomicInteger(all.length);
        Channel ch = channel;
        for (int i = 0; i < all.length; i++) {
            Shard s = all[i];
            int idx = i;
            s.run(() -> {
                s.beginCommand();
                try {
                    results[idx] = work.apply(s);
                } catch (Throwable t) {
                    results[idx] = t;
                }
                if (left.decrementAndGet() == 0) {
                    ch.eventLoop().execute(() -> resume(finish(r, finish, results)));
                }
            });
        }
    }

    private ByteBuf finish(McRequest r, Function<Object[], ByteBuf> finish, Object[] results) {
        Throwable failed = null;
        for (Object o : results) {
            if (o instanceof Throwable t) {
                failed = t;
            }
        }
        if (failed == null) {
            try {
                return finish.apply(results);
            } catch (Throwable t) {
                failed = t;
            }
        }
        ByteBuf out = channel.alloc().ioBuffer(64);
        McFailure.write(ctx, out, r, failed);
        return out;
    }

    private int all() {
        return ctx.server.engine().shardCount();
    }

    ByteBuf alloc() {
        return channel.alloc().ioBuffer();
    }

    private boolean flushAll(McRequest r) {
        ctx.cmdFlush.increment();
        long nowSec = System.currentTimeMillis() / 1000;
        long delay = r.hasArg ? r.exptime : 0;
        if (delay > 0) {
            long realtime = delay > McOps.REALTIME_MAXDELTA ? delay : nowSec + delay;
            if (realtime - 1 > nowSec) {
                ctx.oldestLive = realtime - 1;
                writeFlushReply(pending, r);
                return true;
            }
        }
        ctx.oldestLive = 0;
        ctx.nextCas(); // memcached takes a CAS id for oldest_cas
        fanOut(r, s -> s.memcached().flush(), results -> {
            ByteBuf out = channel.alloc().ioBuffer(32);
            writeFlushReply(out, r);
            return out;
        });
        return false;
    }

    private static void writeFlushReply(ByteBuf out, McRequest r) {
        if (r.proto == McRequest.Proto.BINARY) {
            if (!r.quiet) {
                McOps.binHeader(out, r.opcode, 0, 0, 0, 0, r.opaque, 0);
            }
        } else {
            McOps.text(out, r, "OK\r\n");
        }
    }

    /** For stats conns. */
    String describe() {
        return McStats.address(channel.remoteAddress());
    }

    boolean appendTo(Consumer<ByteBuf> w) {
        w.accept(pending);
        return true;
    }

    ByteBuf pending() {
        ensureBuffer();
        return pending;
    }
}
