package io.ferrite.protocol.memcached;

import io.ferrite.command.memcached.McContext;
import io.ferrite.command.memcached.McFailure;
import io.ferrite.command.memcached.McOps;
import io.ferrite.command.memcached.McPeer;
import io.ferrite.command.memcached.McRequest;
import io.ferrite.command.memcached.McStats;
import io.ferrite.engine.CallRunner;
import io.ferrite.engine.Client;
import io.ferrite.engine.Session;
import io.ferrite.engine.acl.AclUser;
import io.ferrite.engine.acl.Denial;
import io.ferrite.engine.command.Call;
import io.ferrite.reply.Reply;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * One memcached client connection: turns decoded requests into calls of memcached's command table
 * and has the engine run them in order ({@link CallRunner}: inline on this loop's shard, a run of
 * pipelined keyed requests for one shard in one hop, whole-keyspace requests on every shard), then
 * writes the replies in request order.
 */
public final class McConnection extends ChannelInboundHandlerAdapter implements Session, McPeer {
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
    private final CallRunner runner;
    private Client client;
    /** Decides logins as requests are decoded; the connection applies them in request order. */
    private McLogin login;
    /** Writes into {@link #pending}; memcached's handlers write their raw replies into its buffer. */
    private final Reply reply = new Reply(null, 2, message -> { });
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
    private final long id;

    public McConnection(McContext ctx, CallRunner runner) {
        this.ctx = ctx;
        this.runner = runner;
        this.id = ctx.nextConnectionId();
    }

    @Override
    public long id() {
        return id;
    }

    /** The connection's login, which its decoder drives. */
    McLogin login() {
        return login;
    }

    @Override
    public AclUser user() {
        return client == null ? null : client.user();
    }

    @Override
    public String address() {
        return McStats.address(channel.remoteAddress());
    }

    @Override
    public String listenAddress() {
        return McStats.address(channel.localAddress());
    }

    @Override
    public void channelActive(ChannelHandlerContext c) {
        channel = c.channel();
        client = runner.client(id, address(), listenAddress(), channel.eventLoop(), ctx.database());
        AclUser anonymous = ctx.anonymousUser();
        client.user(anonymous);
        login = new McLogin(ctx, client, anonymous);
        counted = true;
        if (!ctx.opened(this)) {
            closing = true;
            c.writeAndFlush(c.alloc().buffer().writeBytes(McOps.ascii("ERROR Too many open connections\r\n")))
                .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        c.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext c) {
        if (counted) {
            ctx.closed(this);
        }
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
            ctx.bytesWritten(b.readableBytes());
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

    @Override
    public void resume(ByteBuf out) {
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
        ctx.bytesWritten(b.readableBytes());
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
            case LOGIN -> {
                client.user(r.user);
                pending.writeBytes(r.raw);
                return true;
            }
            case QUIT -> {
                byte[] ok = null;
                if (!r.quiet) {
                    ByteBuf b = Unpooled.buffer(24);
                    McOps.binHeader(b, r.opcode, 0, 0, 0, 0, r.opaque, 0);
                    ok = McBinaryDecoder.toBytes(b);
                }
                closeAfter(ok);
                return true;
            }
            default -> {
            }
        }
        if (!ctx.runs(r)) {
            throw new IllegalStateException("memcached request without a command: " + r.op);
        }
        if (client.user() == null && r.op != McRequest.Op.VERSION) {
            // before a login the decoder lets only VERSION through (memcached's authenticated()); should
            // anything else ever come, it does not run unchecked
            closeAfter(null);
            return true;
        }
        Denial denied = r.denial != null ? r.denial : ctx.refused(r, client);
        if (denied != null) {
            McContext.writeDenied(pending, r);
            // a multiget's later chunks are dropped: this error ends its reply
            r.failed = true;
            return true;
        }
        Call call = ctx.call(r, client);
        List<Call> calls = null;
        if (r.singleKey() && ctx.keyed(r)) {
            // pipelined keyed requests for the same shard join its run: one hop for all of them
            int shard = -1;
            for (int n = 0; n < MAX_BATCH; n++) {
                McRequest next = queue.peek();
                if (next == null || !next.singleKey() || next.continued || !ctx.keyed(next)) {
                    break;
                }
                if (shard < 0) {
                    shard = runner.shardOf(r.key);
                }
                if (runner.shardOf(next.key) != shard) {
                    break;
                }
                next.denial = ctx.refused(next, client);
                if (next.denial != null) {
                    break;
                }
                queue.poll();
                if (calls == null) {
                    calls = new ArrayList<>();
                    calls.add(call);
                }
                calls.add(ctx.call(next, client));
            }
        }
        return runner.run(this, calls != null ? calls : List.of(call));
    }

    // Session: what the engine needs of the connection

    @Override
    public Client client() {
        return client;
    }

    @Override
    public Reply reply() {
        ensureBuffer();
        reply.retarget(pending, 2);
        return reply;
    }

    @Override
    public ByteBuf newBuffer() {
        return channel.alloc().ioBuffer(128);
    }

    @Override
    public void execute(Runnable task) {
        channel.eventLoop().execute(task);
    }

    @Override
    public void close() {
        channel.close();
    }
}
