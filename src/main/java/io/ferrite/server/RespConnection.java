package io.ferrite.server;

import io.ferrite.engine.Client;
import io.ferrite.engine.Dispatcher;
import io.ferrite.engine.Session;
import io.ferrite.engine.Shard;
import io.ferrite.protocol.resp.ProtocolError;
import io.ferrite.protocol.resp.Reply;
import io.ferrite.protocol.resp.RespDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;

/**
 * One RESP client connection: queues decoded requests, hands them to the dispatcher one at a time
 * so replies leave in request order, gathers the replies of a read batch into one buffer and
 * flushes it once. A client that stops reading stops being read (backpressure), so its replies
 * cannot pile up in the server's memory.
 */
public final class RespConnection extends ChannelInboundHandlerAdapter implements Session {
    private final Server server;
    private final ArrayDeque<byte[][]> requests = new ArrayDeque<>();
    private Channel channel;
    private Client client;
    private Reply reply;
    private ByteBuf pending;
    private boolean waiting;
    private boolean inRead;
    private boolean closing;

    RespConnection(Server server) {
        this.server = server;
    }

    public Client client() {
        return client;
    }

    public Channel channel() {
        return channel;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        ServerStats stats = server.stats();
        stats.totalConnections.increment();
        int n = stats.connectedClients.incrementAndGet();
        client = new Client(server.nextClientId(), address(channel.remoteAddress()), address(channel.localAddress()),
            server.engine().shardFor(ctx.channel().eventLoop()), !server.authRequired());
        reply = new Reply(null, 2, server.stats()::error);
        client.session = this;
        if (n > server.config().getLong("maxclients")) {
            stats.rejectedConnections.increment();
            ctx.writeAndFlush(ctx.alloc().buffer().writeBytes("-ERR max number of clients reached\r\n".getBytes()))
                .addListener(ChannelFutureListener.CLOSE);
            closing = true;
            return;
        }
        server.register(this);
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        server.stats().connectedClients.decrementAndGet();
        if (!closing || server.isRegistered(this)) {
            server.unregister(this);
        }
        Dispatcher.disconnected(client);
        io.ferrite.pubsub.PubSub.disconnected(server.engine(), client);
        io.ferrite.engine.Blocking.disconnected(client);
        server.dispatcher().resumed(this);
        server.observer().monitors().remove(client);
        requests.clear();
        if (pending != null) {
            pending.release();
            pending = null;
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (closing) {
            return;
        }
        inRead = true;
        if (msg instanceof byte[][] args) {
            // run at the end of the read, so a pipelined burst is seen whole and can be batched
            requests.add(args);
        } else if (msg instanceof ProtocolError err) {
            drainThenFail(err);
        } else if (msg == RespDecoder.QueryBufferOverflow.INSTANCE) {
            Log.warning("Closing client that reached max query buffer length: id=" + client.id + " addr=" + client.addr);
            closing = true;
            flush();
            channel.close();
        }
    }

    private ProtocolError deferredError;

    private void drainThenFail(ProtocolError err) {
        deferredError = err;
        drain();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        drain();
        inRead = false;
        flush();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        channel.config().setAutoRead(channel.isWritable());
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!(cause instanceof java.io.IOException)) {
            Log.warning("Closing client id=" + client.id + " after an internal error: " + cause);
        }
        ctx.close();
    }

    /** Runs queued requests until one has to wait for another shard. */
    private void drain() {
        Dispatcher dispatcher = server.dispatcher();
        if (!inbox.isEmpty()) {
            takeInbox();
        }
        if (!waiting && !deferred.isEmpty()) {
            writeDeferred();
        }
        while (!waiting && !closing) {
            byte[][] args = requests.poll();
            if (args == null) {
                break;
            }
            ensureBuffer();
            long mark = pending.writerIndex();
            Client.ReplyMode mode = client.replyMode;
            executing = true;
            boolean done = dispatcher.process(this, args);
            executing = false;
            if (!done) {
                waiting = true;
                replyModeAtWait = mode;
                return;
            }
            afterReply(mark, mode);
            if (!deferred.isEmpty()) {
                writeDeferred();
            }
        }
        if (!waiting && deferredError != null && requests.isEmpty()) {
            ensureBuffer();
            reply.error("ERR Protocol error: " + deferredError.message());
            deferredError = null;
            client.closeAfterReply = true;
        }
        if (client.closeAfterReply) {
            closing = true;
            ByteBuf b = pending;
            pending = null;
            if (b != null && b.isReadable()) {
                countOut(b);
                channel.writeAndFlush(b).addListener(ChannelFutureListener.CLOSE);
            } else {
                if (b != null) {
                    b.release();
                }
                channel.close();
            }
        }
    }

    private Client.ReplyMode replyModeAtWait;

    /** CLIENT REPLY OFF and SKIP: drop what the command wrote (SKIP only for the next command). */
    private void afterReply(long mark, Client.ReplyMode modeBefore) {
        if (modeBefore == Client.ReplyMode.OFF && client.replyMode == Client.ReplyMode.OFF
            || modeBefore == Client.ReplyMode.SKIP) {
            pending.writerIndex((int) mark);
            if (modeBefore == Client.ReplyMode.SKIP && client.replyMode == Client.ReplyMode.SKIP) {
                client.replyMode = Client.ReplyMode.ON;
            }
        }
        if (client.replyMode == Client.ReplyMode.ON && modeBefore == Client.ReplyMode.OFF) {
            // CLIENT REPLY ON replies OK even though replies were off when it arrived
            return;
        }
    }

    private void ensureBuffer() {
        if (pending == null) {
            pending = channel.alloc().ioBuffer(256);
            reply.retarget(pending, client.resp);
        } else {
            reply.protocol(client.resp);
        }
    }

    private void flush() {
        if (pending != null && pending.isReadable()) {
            ByteBuf b = pending;
            pending = null;
            countOut(b);
            channel.writeAndFlush(b, channel.voidPromise());
        }
    }

    private void countOut(ByteBuf b) {
        server.stats().netOutputBytes.add(b.readableBytes());
    }

    // Session

    @Override
    public Reply reply() {
        return reply;
    }

    @Override
    public ByteBuf newBuffer() {
        return channel.alloc().ioBuffer(128);
    }

    @Override
    public void resume(ByteBuf out) {
        waiting = false;
        if (closing) {
            out.release();
            return;
        }
        ensureBuffer();
        Client.ReplyMode mode = replyModeAtWait;
        long mark = pending.writerIndex();
        pending.writeBytes(out);
        out.release();
        afterReply(mark, mode);
        drain();
        if (!inRead) {
            flush();
            maybeMigrate();
        }
    }

    @Override
    public void execute(Runnable task) {
        // always queued, never run in place: multi-step commands continue here without growing the stack
        channel.eventLoop().execute(task);
    }

    private io.netty.util.concurrent.ScheduledFuture<?> pauseTimer;

    @Override
    public void postpone(byte[][] args, long delayMillis) {
        requests.addFirst(args);
        pauseTimer = channel.eventLoop().schedule(() -> {
            server.dispatcher().resumed(this);
            wakeHere();
        }, delayMillis, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    @Override
    public void wake() {
        execute(this::wakeHere);
    }

    private void wakeHere() {
        if (!waiting) {
            return;
        }
        if (pauseTimer != null) {
            pauseTimer.cancel(false);
            pauseTimer = null;
        }
        waiting = false;
        drain();
        if (!inRead) {
            flush();
        }
    }

    private static final int MIGRATE_AFTER = 64;
    private Shard streakShard;
    private int streak;
    private boolean migrating;

    /**
     * A connection whose requests keep going to one other shard moves to that shard's event loop
     * (Dragonfly's connection migration), so its commands then run inline instead of paying a
     * hand-off between threads each time. It moves only while idle: nothing queued, nothing in
     * flight, nothing unflushed.
     */
    @Override
    public void hopped(Shard target) {
        if (target == streakShard) {
            streak++;
        } else {
            streakShard = target;
            streak = 1;
        }
    }

    private void maybeMigrate() {
        Shard to = streakShard;
        if (client.subscriptions.active() || client.tracking.on || streak < MIGRATE_AFTER || to == null || to == client.home || migrating || waiting || closing
            || !requests.isEmpty() || (pending != null && pending.isReadable()) || client.inMulti
            || !client.watched.isEmpty() || !channel.isActive() || !outboundEmpty()) {
            return;
        }
        migrating = true;
        streak = 0;
        streakShard = null;
        channel.deregister().addListener(f -> {
            if (!f.isSuccess()) {
                migrating = false;
                return;
            }
            to.loop.register(channel).addListener(r -> {
                if (r.isSuccess()) {
                    Log.verbose("Client id=" + client.id + " moved to shard " + to.id);
                    client.home = to;
                } else {
                    channel.close();
                }
                migrating = false;
            });
        });
    }

    private boolean outboundEmpty() {
        io.netty.channel.ChannelOutboundBuffer out = channel.unsafe().outboundBuffer();
        return out == null || out.isEmpty();
    }

    // Out-of-band messages: pub/sub messages and invalidations, written between replies

    private final ArrayDeque<io.ferrite.pubsub.OutOfBand> deferred = new ArrayDeque<>();
    private long deferredBytes;
    /** A command of this connection is running on this thread: a message for it waits until its reply is written. */
    private boolean executing;
    private final OutputLimitState outputLimit = new OutputLimitState();

    /** Messages from other threads, taken before the next request runs so none is answered ahead of them. */
    private final java.util.concurrent.ConcurrentLinkedQueue<io.ferrite.pubsub.OutOfBand> inbox =
        new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final java.util.concurrent.atomic.AtomicBoolean inboxScheduled = new java.util.concurrent.atomic.AtomicBoolean();

    @Override
    public void deliver(io.ferrite.pubsub.OutOfBand m) {
        io.netty.channel.EventLoop loop = channel.eventLoop();
        if (loop.inEventLoop()) {
            takeInbox();
            deliverHere(m);
        } else {
            inbox.add(m);
            if (!inboxScheduled.getAndSet(true)) {
                loop.execute(this::takeInbox);
            }
        }
    }

    private void takeInbox() {
        inboxScheduled.set(false);
        io.ferrite.pubsub.OutOfBand m;
        while ((m = inbox.poll()) != null) {
            deliverHere(m);
        }
    }

    /** On this loop: written now, or after the reply of a command in flight so it never overtakes that reply. */
    private void deliverHere(io.ferrite.pubsub.OutOfBand m) {
        if (closing || !channel.isActive()) {
            return;
        }
        if (waiting || executing) {
            deferred.add(m);
            deferredBytes += OutputLimitState.sizeOf(m);
        } else {
            ensureBuffer();
            m.writeTo(reply, client);
            if (!inRead) {
                flush();
            }
        }
        long used = deferredBytes + (pending == null ? 0 : pending.readableBytes()) + outboundBytes();
        if (outputLimit.exceeded(server.config(), client, used)) {
            Log.warning("Client " + io.ferrite.command.family.ClientFamily.describe(this)
                + " scheduled to be closed ASAP for overcoming of output buffer limits.");
            closing = true;
            deferred.clear();
            channel.close();
        }
    }

    private void writeDeferred() {
        ensureBuffer();
        io.ferrite.pubsub.OutOfBand m;
        while ((m = deferred.poll()) != null) {
            m.writeTo(reply, client);
        }
        deferredBytes = 0;
    }

    private long outboundBytes() {
        io.netty.channel.ChannelOutboundBuffer out = channel.unsafe().outboundBuffer();
        return out == null ? 0 : out.totalPendingWriteBytes();
    }

    @Override
    public byte[][] peekRequest() {
        return requests.peek();
    }

    @Override
    public void takeRequest() {
        requests.poll();
    }

    @Override
    public void close() {
        channel.close();
    }

    static String address(java.net.SocketAddress a) {
        if (a instanceof InetSocketAddress i) {
            String host = i.getAddress().getHostAddress();
            int pct = host.indexOf('%');
            if (pct >= 0) {
                host = host.substring(0, pct);
            }
            return host + ":" + i.getPort();
        }
        return String.valueOf(a);
    }
}
