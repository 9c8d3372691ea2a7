package io.ferrite.server.replication.replica;

import io.ferrite.common.Log;
import io.ferrite.engine.Client;
import io.ferrite.engine.Dispatcher;
import io.ferrite.engine.Session;
import io.ferrite.engine.Shard;
import io.ferrite.reply.Reply;
import io.ferrite.store.Bytes;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Redis's master client: runs the master's commands, in stream order, through the dispatcher
 * every client uses (so they reach the AOF through the effects feed, and go to whichever shard
 * owns their keys), on the link's loop, with their replies dropped. Redis's commandProcessed
 * accounting: the processed offset moves by a command's bytes once it ran, except inside
 * MULTI, whose commands count (and are proxied to this server's replicas) with their EXEC.
 * REPLCONF GETACK is answered here, with the offset before it.
 */
final class MasterClient implements Session {
    /** What the link does with the stream as it is applied. */
    interface Listener {
        /** Bytes applied, in order; the listener owns {@code raw}. */
        void applied(ByteBuf raw);

        /** REPLCONF GETACK: the master wants our processed offset now. */
        void ackRequested(long offset);

        /** Every queued command ran. */
        void drained();

        /** Whether the commands may still run (false once the server stopped following this master). */
        default boolean applying() {
            return true;
        }
    }

    private record Pending(byte[][] args, ByteBuf raw) {
    }

    private final Dispatcher dispatcher;
    private final Shard home;
    private final Client client;
    private final Listener listener;
    private final ByteBuf buf = Unpooled.buffer(256);
    private final Reply reply;
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    /** Bytes run but not counted yet (inside MULTI). */
    private final List<ByteBuf> uncounted = new ArrayList<>();
    /** Bytes counted in {@link #reploff} and not yet handed to the listener. */
    private final List<ByteBuf> counted = new ArrayList<>();
    private Pending current;
    /** The request being applied, for the log line of an error it gets. */
    private byte[][] lastArgs;
    /** Queued commands the dispatcher took to run together with the current one. */
    private final List<Pending> joined = new ArrayList<>();
    private boolean waiting;
    private boolean closed;
    /** Redis's reploff: the stream's offset up to the last command applied. */
    private volatile long reploff;

    MasterClient(ReplicaHost host, Shard home, long id, String addr, int db, long reploff, Listener listener) {
        this.dispatcher = host.dispatcher();
        this.home = home;
        this.listener = listener;
        this.reploff = reploff;
        this.client = new Client(id, addr, "", home, true);
        // Redis logs what it would have answered its master with: the data sets may now differ
        this.reply = new Reply(buf, 2, message -> {
            // named only now: the stream's commands are not looked up twice
            Log.errorToPeer("replica", "master", message, dispatcher.commandName(lastArgs));
            host.unexpectedError(message);
        });
        client.session(this);
        client.markMaster();
        client.db(Math.max(0, db));
    }

    long reploff() {
        return reploff;
    }

    int db() {
        return client.db();
    }

    /** Commands queued and not run yet. */
    int backlog() {
        return queue.size();
    }

    /** On the home loop: queues a command and the bytes it took in the stream (owned from here); {@link #run} runs it. */
    void submit(byte[][] args, ByteBuf raw) {
        queue.add(new Pending(args, raw));
    }

    /**
     * On the home loop: runs the queued commands unless one is in flight. Queuing a whole read's
     * commands first lets the dispatcher squash runs of them into one hop per shard, as it does
     * for a client's pipeline.
     */
    void run() {
        if (!waiting) {
            drain();
        }
    }

    /**
     * On the home loop: the link is gone; nothing more runs. A command already handed to the
     * dispatcher (on another shard) still runs, so it is counted and passed on now: the offset a
     * PSYNC continues from must include it, or the master would send it again and it would run
     * twice (Redis, single-threaded, never frees its master client mid-command).
     */
    void stop() {
        if (closed) {
            return;
        }
        if (waiting && current != null) {
            appliedWithJoined();
        }
        flush();
        closed = true;
        for (Pending p : queue) {
            p.raw.release();
        }
        queue.clear();
        uncounted.forEach(ByteBuf::release);
        uncounted.clear();
    }

    private void drain() {
        try {
            runQueue();
        } finally {
            flush();
        }
    }

    private void runQueue() {
        while (!waiting && !closed) {
            if (!listener.applying()) {
                stop();
                return;
            }
            Pending p = queue.poll();
            if (p == null) {
                listener.drained();
                return;
            }
            current = p;
            if (isGetAck(p.args)) {
                listener.ackRequested(reploff);
                applied(p);
                continue;
            }
            buf.clear();
            reply.retarget(buf, 2);
            lastArgs = p.args;
            if (!dispatcher.process(this, p.args)) {
                waiting = true;
                return;
            }
            appliedWithJoined();
        }
    }

    /** The current command ran, and the commands that joined its run (pipeline squashing) with it. */
    private void appliedWithJoined() {
        Pending p = current;
        applied(p);
        for (Pending j : joined) {
            applied(j);
        }
        joined.clear();
    }

    /** The master's commands wait for no reply: a run takes as many as are queued, up to this. */
    private static final int SQUASH_LIMIT = 1024;

    @Override
    public int squashLimit() {
        return SQUASH_LIMIT;
    }

    @Override
    public byte[][] peekRequest() {
        Pending p = queue.peek();
        return p == null ? null : p.args;
    }

    @Override
    public void takeRequest() {
        joined.add(queue.poll());
    }

    private static boolean isGetAck(byte[][] args) {
        return args.length >= 2 && Bytes.is(args[0], "replconf") && Bytes.is(args[1], "getack");
    }

    /**
     * Redis's commandProcessed: the offset moves and the bytes go on, unless inside MULTI. The
     * bytes are handed to the listener once per run of the queue ({@link #flush}), not per command:
     * passing them on (to this server's backlog and sub-replicas) is a task for another thread.
     */
    private void applied(Pending p) {
        if (p == current) {
            current = null;
        }
        if (closed) {
            p.raw.release();
            return;
        }
        uncounted.add(p.raw);
        if (client.inMulti()) {
            return;
        }
        for (ByteBuf b : uncounted) {
            reploff += b.readableBytes();
        }
        counted.addAll(uncounted);
        uncounted.clear();
    }

    /** The bytes counted since the last flush go to the listener, in stream order, as one buffer. */
    private void flush() {
        if (counted.isEmpty()) {
            return;
        }
        ByteBuf all = counted.size() == 1 ? counted.get(0) : Unpooled.wrappedBuffer(counted.toArray(new ByteBuf[0]));
        counted.clear();
        listener.applied(all);
    }

    @Override
    public Client client() {
        return client;
    }

    @Override
    public Reply reply() {
        return reply;
    }

    @Override
    public ByteBuf newBuffer() {
        return Unpooled.buffer(64);
    }

    @Override
    public void resume(ByteBuf out) {
        out.release();
        waiting = false;
        if (current != null) {
            appliedWithJoined();
        }
        drain();
    }

    @Override
    public void execute(Runnable task) {
        home.loop.execute(task);
    }

    @Override
    public void postpone(byte[][] args, long delayMillis) {
        // the command runs again later (CLIENT PAUSE): it is not applied yet
        if (current != null) {
            queue.addFirst(current);
            current = null;
        }
        home.loop.schedule(this::wake, delayMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void wake() {
        execute(() -> {
            if (waiting && current == null) {
                waiting = false;
                drain();
            }
        });
    }

    @Override
    public void close() {
    }
}
