package io.ferrite.server;

import io.ferrite.common.Log;
import io.ferrite.engine.Blocking;
import io.ferrite.engine.Client;
import io.ferrite.engine.Dispatcher;
import io.ferrite.engine.Session;
import io.ferrite.engine.Shard;
import io.ferrite.engine.feed.EffectFeed;
import io.ferrite.engine.pubsub.OutOfBand;
import io.ferrite.engine.pubsub.PubSub;
import io.ferrite.engine.tracking.TrackingCommands;
import io.ferrite.protocol.resp.ProtocolError;
import io.ferrite.protocol.resp.QueryBuffer;
import io.ferrite.protocol.resp.RespDecoder;
import io.ferrite.reply.Reply;
import io.ferrite.server.metrics.CommandArgs;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.WriteBufferWaterMark;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One RESP client connection: queues decoded requests, hands them to the dispatcher one at a time
 * so replies leave in request order, gathers the replies of a read batch into one buffer and
 * flushes it once. A client that stops reading stops being read (backpressure), so its replies
 * cannot pile up in the server's memory.
 */
public final class RespConnection extends ChannelInboundHandlerAdapter implements Session {
    /**
     * Requests queued beyond this many bytes run before more input is read; if they cannot (the
     * connection waits for another shard), reading stops until half of them ran. A blocked client
     * keeps reading, as Redis keeps filling its query buffer, until client-query-buffer-limit.
     */
    private static final long QUEUE_HIGH = 256 * 1024;
    /** How often a connection that stopped reading checks whether its command has since blocked. */
    private static final long INPUT_RECHECK_MILLIS = 50;
    /**
     * Replies a client leaves unread before it stops being read. Redis reads on, bounded only by
     * client-output-buffer-limit and maxmemory-clients (which weigh these replies); this is a last
     * guard for the JVM's direct memory, far above what those limits usually allow.
     */
    private static final WriteBufferWaterMark UNREAD_REPLIES = new WriteBufferWaterMark(32 << 20, 64 << 20);
    /** Replies gathered in one pipeline that go to the socket before the next request runs. */
    private static final int REPLIES_FLUSHED_AT = 1 << 20;
    /** Writes at least this large recount the client's memory once written, so a drained buffer stops counting soon. */
    private static final int LARGE_WRITE = 16 * 1024;

    private final Server server;
    private final ArrayDeque<byte[][]> requests = new ArrayDeque<>();
    private final QueryBuffer query = new QueryBuffer();
    private boolean inputPaused;
    /** Requests wait until the client reads: its unread replies passed the write watermark mid-pipeline. */
    private boolean outputPaused;
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
        channel.config().setWriteBufferWaterMark(UNREAD_REPLIES);
        ServerStats stats = server.stats();
        stats.totalConnections.increment();
        int n = stats.connectedClients.incrementAndGet();
        boolean unix = UnixSocketListener.accepted(channel);
        // Redis shows a unix socket client as "PATH:0" at both ends (genClientAddrString)
        String unixAddr = unix ? server.config().get("unixsocket") + ":0" : null;
        client = new Client(server.nextClientId(), unix ? unixAddr : address(channel.remoteAddress()),
            unix ? unixAddr : address(channel.localAddress()), server.engine().shardFor(ctx.channel().eventLoop()),
            !server.authRequired());
        if (unix) {
            client.viaUnixSocket();
        }
        client.user(server.acl().defaultUser());
        reply = new Reply(null, 2, server.stats()::error);
        client.session(this);
        if (n > server.config().getLong("maxclients")) {
            stats.rejectedConnections.increment();
            ctx.writeAndFlush(ctx.alloc().buffer().writeBytes("-ERR max number of clients reached\r\n".getBytes()))
                .addListener(ChannelFutureListener.CLOSE);
            closing = true;
            return;
        }
        if (!unix && ProtectedMode.denies(server.config(), server.authRequired(), channel.remoteAddress())) {
            stats.rejectedConnections.increment();
            ctx.writeAndFlush(ctx.alloc().buffer().writeBytes(ProtectedMode.DENIED)).addListener(f -> ProtectedMode.hangUp(channel));
            closing = true;
            return;
        }
        server.register(this);
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        server.stats().connectedClients.decrementAndGet();
        releaseMemory();
        if (!closing || server.isRegistered(this)) {
            server.unregister(this);
        }
        Dispatcher.disconnected(client);
        TrackingCommands.closed(server.engine(), client);
        PubSub.disconnected(server.engine(), client);
        Blocking.disconnected(client);
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
            if (query.queuedBytes() > QUEUE_HIGH) {
                drain();
                pauseInputIfBacklogged();
            }
        } else if (msg instanceof ProtocolError err) {
            drainThenFail(err);
        } else if (msg instanceof RespDecoder.QueryBufferOverflow overflow) {
            closeForQueryBuffer(overflow.head());
        }
    }

    /** Redis's words when client-query-buffer-limit is reached: the client, then the start of its buffer. */
    private void closeForQueryBuffer(byte[] unparsedHead) {
        byte[][] first = requests.peek();
        byte[] head = first != null ? QueryBuffer.head(first, RespDecoder.QueryBufferOverflow.HEAD) : unparsedHead;
        StringBuilder bytes = new StringBuilder();
        CommandArgs.repr(bytes, head);
        query.publish();
        Log.warning("Closing client that reached max query buffer length: "
            + ClientLine.of(null, null, client, query, channel) + " (qbuf initial bytes: " + bytes + ")");
        closing = true;
        requests.clear();
        flush();
        channel.close();
    }

    /**
     * Stops reading while requests pile up behind one that waits for another shard; a client
     * blocked in BLPOP and the like keeps being read, so its query buffer limit can close it.
     */
    private void pauseInputIfBacklogged() {
        if (!inputPaused && waiting && !client.isBlocked() && query.queuedBytes() > QUEUE_HIGH) {
            inputPaused = true;
            updateAutoRead();
            channel.eventLoop().schedule(this::recheckInput, INPUT_RECHECK_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS);
        }
    }

    private void recheckInput() {
        if (!inputPaused || closing) {
            return;
        }
        if (!waiting || client.isBlocked() || query.queuedBytes() <= QUEUE_HIGH / 2) {
            resumeInput();
        } else {
            channel.eventLoop().schedule(this::recheckInput, INPUT_RECHECK_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS);
        }
    }

    private void resumeInput() {
        inputPaused = false;
        updateAutoRead();
    }

    private void updateAutoRead() {
        channel.config().setAutoRead(channel.isWritable() && !inputPaused);
    }

    private ProtocolError deferredError;

    private void drainThenFail(ProtocolError err) {
        deferredError = err;
        drain();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        // any input counts as interaction, also the pieces of a request still arriving (Redis's readQueryFromClient)
        touch();
        drain();
        inRead = false;
        flush();
        pauseInputIfBacklogged();
        query.publish();
        recountMemory();
    }

    private void touch() {
        long now = System.currentTimeMillis();
        if (client.lastInteraction() != now) {
            client.lastInteraction(now);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (outputPaused && channel.isWritable()) {
            outputPaused = false;
            drain();
            flush();
        }
        updateAutoRead();
        recountMemory();
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
        // QUIT (and CLIENT KILL of itself) end the connection: nothing pipelined after them runs
        while (!waiting && !closing && !client.closeAfterReply()) {
            if (pending != null && pending.readableBytes() >= REPLIES_FLUSHED_AT && !awaitingDisk) {
                // a pipeline with large replies: they go to the socket as they are made, and the
                // rest of it runs only while the client reads them (see channelWritabilityChanged),
                // so one read of small requests never turns into unbounded replies held here
                flush();
                if (closing) {
                    break;
                }
                if (!channel.isWritable()) {
                    outputPaused = true;
                    break;
                }
            }
            byte[][] args = requests.poll();
            if (args == null) {
                break;
            }
            query.started(args);
            ensureBuffer();
            long mark = pending.writerIndex();
            executing = true;
            boolean done = dispatcher.process(this, args);
            executing = false;
            if (!done) {
                waiting = true;
                query.waiting();
                return;
            }
            query.finished();
            afterReply(mark);
            // served here: the requests are not all going to one other shard (see hopped)
            streak = 0;
            if (!deferred.isEmpty()) {
                writeDeferred();
            }
        }
        if (inputPaused && query.queuedBytes() <= QUEUE_HIGH / 2) {
            resumeInput();
        }
        if (!waiting && deferredError != null && requests.isEmpty() && !client.closeAfterReply()) {
            ensureBuffer();
            reply.error("ERR Protocol error: " + deferredError.message());
            deferredError = null;
            client.closeAfterReply(true);
        }
        if (client.closeAfterReply() && holdForDisk(this::drain)) {
            return;
        }
        if (client.closeAfterReply()) {
            closing = true;
            // gone for other clients from now, as Redis frees it once the reply is out (a REDIRECT to it is broken)
            server.unregister(this);
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

    /**
     * CLIENT REPLY OFF and SKIP, as Redis 7.0 applies them: a reply is dropped when the mode, as the
     * command leaves it, is OFF or SKIP (so CLIENT REPLY ON is answered, and RESET under SKIP is
     * not); pub/sub confirmations are pushes and always delivered. Then SKIP ends and a SKIP
     * requested by this command starts (Redis's resetClient).
     */
    private void afterReply(long mark) {
        if (client.replica() && pending.writerIndex() > mark && !client.repliedWithPushes()) {
            replicaReplied(mark);
            return;
        }
        Client.ReplyMode mode = client.replyMode();
        if ((mode == Client.ReplyMode.OFF || mode == Client.ReplyMode.SKIP) && !client.repliedWithPushes()) {
            pending.writerIndex((int) mark);
        }
        client.repliedWithPushes(false);
        if (mode == Client.ReplyMode.SKIP) {
            client.replyMode(Client.ReplyMode.ON);
        } else if (mode == Client.ReplyMode.SKIP_NEXT) {
            client.replyMode(Client.ReplyMode.SKIP);
        }
    }

    /**
     * A command on a replication link produced a reply, which would corrupt the replica's stream
     * (Redis's _addReplyToBufferOrList and afterErrorReply): it is dropped, logged as Redis logs
     * it, and the replica disconnected.
     */
    private void replicaReplied(long mark) {
        String command = client.lastCommand();
        if (pending.getByte((int) mark) == '-') {
            String error = pending.toString((int) mark + 1, pending.writerIndex() - (int) mark - 1,
                java.nio.charset.StandardCharsets.UTF_8).stripTrailing();
            Log.errorToPeer("master", "replica", error, command);
        }
        pending.writerIndex((int) mark);
        Log.warning("Replica generated a reply to command '" + command + "', disconnecting it: "
            + server.clientInfo(client.id));
        client.closeAfterReply(true);
    }

    private void ensureBuffer() {
        if (pending == null) {
            pending = channel.alloc().ioBuffer(256);
            reply.retarget(pending, client.resp());
        } else {
            reply.protocol(client.resp());
        }
    }

    /** Replies wait for the AOF (appendfsync always): they go once it has fsynced what they follow. */
    private boolean awaitingDisk;

    /**
     * Whether the replies gathered must wait for the disk: with the AOF on, a reply leaves only once
     * every change it could reflect (this client's, or another's it read) is written, and under
     * appendfsync always fsynced, as Redis writes replies after flushAppendOnlyFile in beforeSleep.
     * So no client sees data a crash could still lose. The AOF's group commit wakes it.
     */
    private boolean holdForDisk(Runnable then) {
        if (awaitingDisk) {
            return true;
        }
        EffectFeed feed = server.engine().feed();
        if (!feed.repliesWait()) {
            return false;
        }
        // every change this reply could reflect, the client's own or one it read, is in the feed by now
        long seq = Math.max(client.effectsSeq(), feed.lastSeq());
        if (!feed.mustWaitFor(seq)) {
            return false;
        }
        awaitingDisk = true;
        HeldReplies.hold(channel.eventLoop(), feed, seq, () -> {
            awaitingDisk = false;
            then.run();
        });
        return true;
    }

    private void flush() {
        if (pending != null && pending.isReadable()) {
            if (holdForDisk(this::flush)) {
                return;
            }
            if (overOutputLimit()) {
                return;
            }
            ByteBuf b = pending;
            pending = null;
            countOut(b);
            // writing to a client is interaction too (Redis's writeToClient): a client just served
            // after a long BLPOP is not idle
            touch();
            if (b.readableBytes() >= LARGE_WRITE) {
                channel.writeAndFlush(b).addListener(f -> recountMemory());
            } else {
                channel.writeAndFlush(b, channel.voidPromise());
            }
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
        long mark;
        if (pending == null) {
            // nothing waits to be written (pipeline depth 1): the reply's own buffer goes out, uncopied
            pending = out;
            reply.retarget(pending, client.resp());
            mark = 0;
        } else {
            ensureBuffer();
            mark = pending.writerIndex();
            pending.writeBytes(out);
            out.release();
        }
        query.finished();
        afterReply(mark);
        drain();
        if (!inRead) {
            flush();
            maybeMigrate();
            recountMemory();
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
        query.enqueued(args);
        query.finished();
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
     * A connection whose requests keep going to one other shard (64 in a row, none served on its own
     * shard in between: with random keys over two shards half the requests hop, and moving would
     * only swap which half) moves to that shard's event loop
     * (Dragonfly's connection migration), so its commands then run inline instead of paying a
     * hand-off between threads each time. It moves only while idle: nothing queued, nothing in
     * flight, nothing unflushed. Not with fewer io-threads than shards: the connection would leave
     * the loops that keep arrival order.
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
        if (!server.connectionsMayMove() || client.subscriptions.active() || client.tracking.on() || streak < MIGRATE_AFTER || to == null || to == client.home() || migrating || waiting || closing
            || !requests.isEmpty() || (pending != null && pending.isReadable()) || client.inMulti()
            || client.watching() || !channel.isActive() || !outboundEmpty()) {
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
                    client.home(to);
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

    private final ArrayDeque<OutOfBand> deferred = new ArrayDeque<>();
    private long deferredBytes;
    /** A command of this connection is running on this thread: a message for it waits until its reply is written. */
    private boolean executing;
    private final OutputLimitState outputLimit = new OutputLimitState();

    /** Messages from other threads, taken before the next request runs so none is answered ahead of them. */
    private final java.util.concurrent.ConcurrentLinkedQueue<OutOfBand> inbox =
        new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final java.util.concurrent.atomic.AtomicBoolean inboxScheduled = new java.util.concurrent.atomic.AtomicBoolean();

    @Override
    public void deliver(OutOfBand m) {
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
        OutOfBand m;
        while ((m = inbox.poll()) != null) {
            deliverHere(m);
        }
    }

    /** On this loop: written now, or after the reply of a command in flight so it never overtakes that reply. */
    private void deliverHere(OutOfBand m) {
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
        recountMemory();
    }

    /**
     * Checked before replies go to the socket, as Redis checks as it adds them: a reply over the
     * client's hard limit closes it even if the kernel would have taken it (replicas and the
     * master are not limited here).
     */
    private boolean overOutputLimit() {
        return !(client.replica() && !client.monitor()) && !client.master() && closeIfOverOutputLimit();
    }

    /** Replies not yet written to the socket: messages held back, the reply being gathered, Netty's outbound buffer. */
    private long outputBytes() {
        return deferredBytes + (pending == null ? 0 : pending.readableBytes()) + outboundBytes();
    }

    /** Closes the client when its unread replies pass its class's client-output-buffer-limit; true if it did. */
    private boolean closeIfOverOutputLimit() {
        if (!outputLimit.exceeded(server.config(), client, outputBytes())) {
            return false;
        }
        Log.warning("Client " + ClientLine.of(null, null, client, query, channel)
            + " scheduled to be closed ASAP for overcoming of output buffer limits.");
        closeForMemory();
        return true;
    }

    // Memory: what this client adds to used_memory and weighs against maxmemory-clients

    /** The memory last counted for this client in the server's totals; -1 once it no longer counts (closed). */
    private final AtomicLong counted = new AtomicLong();
    /** Whether {@link #counted} went to the replicas' total. */
    private volatile boolean countedAsReplica;

    /** This client's memory now (Redis's getClientMemoryUsage), on its own thread. */
    private long memoryUsage() {
        return ClientMemory.usage(query.allocated(), query.argvBytes(), client.multiFigures().memory(), outputBytes(),
            client.watchedCount(), client.subscriptions.channelCount() + client.subscriptions.patternCount()
                + client.subscriptions.shardChannelCount(), client.tracking.prefixes.size());
    }

    /**
     * Measures the client again (after a read, a reply, a message, a large write), adds the change
     * to the server's totals, and lets client eviction act if they are now over maxmemory-clients.
     * A client over its output buffer limit is closed first, as Redis closes it before evicting.
     */
    private void recountMemory() {
        if (closing || counted.get() < 0) {
            return;
        }
        boolean replica = client.replica() && !client.monitor();
        if (overOutputLimit()) {
            return;
        }
        long now = memoryUsage();
        long old;
        do {
            old = counted.get();
            if (old < 0) {
                return;
            }
        } while (!counted.compareAndSet(old, now));
        ClientMemory memory = server.clientMemory();
        if (replica != countedAsReplica) {
            memory.add(countedAsReplica, -old);
            memory.add(replica, now);
            countedAsReplica = replica;
        } else if (now != old) {
            memory.add(replica, now - old);
        }
        if (!replica) {
            memory.evictIfOver(server.clients());
        }
    }

    /** Takes this client out of the totals, once; returns what it counted (-1 if already out). */
    private long releaseMemory() {
        long old = counted.getAndSet(-1);
        if (old > 0) {
            server.clientMemory().add(countedAsReplica, -old);
        }
        return old;
    }

    /** The memory this client counts for in the totals (what client eviction sorts by). */
    long countedMemory() {
        return counted.get();
    }

    /** Whether client eviction may close it: a normal or pub/sub client without CLIENT NO-EVICT, still open. */
    boolean evictable() {
        return !client.noEvict() && !(client.replica() && !client.monitor()) && !client.master() && counted.get() >= 0;
    }

    /** This client's CLIENT LIST line, for a log message. */
    String describe() {
        return ClientLine.of(null, null, client, query, channel);
    }

    /**
     * Client eviction closes it (from any thread): it leaves the totals and CLIENT LIST at once,
     * and is closed on its own loop. False if it was already gone.
     */
    boolean evictForMemory() {
        if (releaseMemory() < 0) {
            return false;
        }
        server.unregister(this);
        channel.eventLoop().execute(this::closeForMemory);
        return true;
    }

    /** On this loop: closes without writing anything more (output limit, client eviction). */
    private void closeForMemory() {
        releaseMemory();
        closing = true;
        requests.clear();
        deferred.clear();
        deferredBytes = 0;
        channel.close();
    }

    private void writeDeferred() {
        ensureBuffer();
        OutOfBand m;
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
        byte[][] args = requests.poll();
        if (args != null) {
            query.dequeued(args);
        }
    }

    /** The query buffer figures CLIENT LIST shows (qbuf, qbuf-free, argv-mem). */
    public QueryBuffer queryBuffer() {
        return query;
    }

    /** From the server's clients cron: trims the query buffer (Redis's clientsCronResizeQueryBuffer) and samples its peak for INFO. */
    void cron(long nowMillis) {
        channel.eventLoop().execute(() -> {
            query.cron((nowMillis - client.lastInteraction()) / 1000);
            // Redis samples the query buffer's allocation plus the arguments held
            server.bufferPeaks().sample(nowMillis, query.allocated() + query.argvBytes(), outboundBytes());
            recountMemory();
        });
    }

    @Override
    public void close() {
        // out of the memory totals at once (CLIENT KILL from another loop), as Redis frees the client then
        releaseMemory();
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
