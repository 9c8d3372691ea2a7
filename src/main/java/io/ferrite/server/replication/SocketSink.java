package io.ferrite.server.replication;

import io.ferrite.common.Log;
import io.ferrite.replication.ReplicationLog;
import io.ferrite.server.snapshot.SnapshotFile;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A diskless full sync's output (Redis's rdbSaveToSlavesSockets): the snapshot's bytes go straight
 * to every replica of the sync, after {@code $EOF:<40 random chars>\r\n} and followed by the same
 * 40 characters, since the length is not known in advance. One copy of each chunk is shared by
 * all the replicas; the snapshot's writer waits while the slowest has more than {@link #HIGH}
 * bytes on its way (Redis's rdb pipe goes at the pace of its slowest reader too), and fails once
 * every replica is gone, which stops the snapshot.
 */
final class SocketSink implements SnapshotFile.Sink, WritableByteChannel {
    /** Bytes on their way to one replica past which the writer waits. */
    private static final long HIGH = 4L << 20;
    /** How long the writer waits for the pump to have sent +FULLRESYNC. */
    private static final long RESOLVE_SECONDS = 60;

    /** A replica of the transfer: bytes on their way to it, and when some last reached its socket. */
    private record Target(ReplicaLink link, AtomicLong inFlight, AtomicLong progressMillis) {
    }

    private final FullSyncs.Sync sync;
    /** repl-timeout, read as it is now (CONFIG SET applies to a transfer under way, as Redis's cron reads it): a replica that takes nothing for this long is dropped, so the others go on. */
    private final java.util.function.LongSupplier timeoutMillis;
    private final String mark = ReplicationLog.randomId();
    private final List<Target> targets = new ArrayList<>();
    /** The snapshot was stopped (its stand-in child killed, or given up): the writer must not wait for a slow replica. */
    private volatile boolean stopped;

    SocketSink(FullSyncs.Sync sync, java.util.function.LongSupplier timeoutMillis) {
        this.sync = sync;
        this.timeoutMillis = timeoutMillis;
    }

    @Override
    public WritableByteChannel open() throws IOException {
        try {
            // +FULLRESYNC goes first: the pump sends it when the stream reaches the cut
            sync.resolvedSignal.get(RESOLVE_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IOException("the replication stream did not reach the snapshot's cut", e);
        }
        for (ReplicaLink l : sync.links) {
            if (l.state == ReplicaLink.State.WAIT_BGSAVE_END) {
                targets.add(new Target(l, new AtomicLong(), new AtomicLong(System.currentTimeMillis())));
            }
        }
        send(Unpooled.copiedBuffer("$EOF:" + mark + "\r\n", StandardCharsets.US_ASCII));
        return this;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        int n = src.remaining();
        ByteBuf chunk = Unpooled.buffer(n, n);
        chunk.writeBytes(src);
        send(chunk);
        awaitRoom();
        return n;
    }

    @Override
    public void complete(WritableByteChannel out) throws IOException {
        send(Unpooled.copiedBuffer(mark, StandardCharsets.US_ASCII));
        // rdbPipeReadHandler at the child's EOF: the whole snapshot is handed to the replicas left
        long up = targets.stream().filter(t -> t.link().channel.isActive()).count();
        Log.notice("Diskless rdb transfer, done reading from pipe, " + up + " replicas still up.");
    }

    @Override
    public void close(boolean ok) {
        // nothing to keep or discard: the bytes are on the wire
    }

    @Override
    public void stopped() {
        stopped = true;
    }

    @Override
    public boolean isOpen() {
        return true;
    }

    @Override
    public void close() {
    }

    /** Hands {@code buf} (released here) to every replica still connected; fails when none is. */
    private void send(ByteBuf buf) throws IOException {
        boolean any = false;
        for (Target t : targets) {
            Channel ch = t.link().channel;
            if (!ch.isActive()) {
                continue;
            }
            any = true;
            ByteBuf copy = buf.retainedDuplicate();
            int n = copy.readableBytes();
            t.inFlight().addAndGet(n);
            ch.eventLoop().execute(() -> ch.writeAndFlush(copy).addListener(f -> {
                t.inFlight().addAndGet(-n);
                t.progressMillis().set(System.currentTimeMillis());
            }));
        }
        buf.release();
        if (!any) {
            Log.warning("Diskless rdb transfer, last replica dropped, killing fork child.");
            throw new IOException("every replica of the diskless sync is gone");
        }
    }

    private void awaitRoom() throws IOException {
        while (true) {
            if (stopped) {
                throw new IOException("the snapshot was stopped");
            }
            boolean full = false;
            long now = System.currentTimeMillis();
            for (Target t : targets) {
                if (!t.link().channel.isActive() || t.inFlight().get() <= HIGH) {
                    continue;
                }
                if (now - t.progressMillis().get() > timeoutMillis.getAsLong()) {
                    Log.warning("Disconnecting timedout replica (full sync): " + t.link().name());
                    t.link().channel.close();
                    continue;
                }
                full = true;
            }
            if (!full) {
                return;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }
}
