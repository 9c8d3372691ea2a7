package io.ferrite.server;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorChooserFactory;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Places new connections, round robin, on the first {@code io-threads} shard loops only. With one,
 * every connection is read by the same thread, which hands each command to its shard's FIFO queue
 * in the order the requests arrived: commands from different connections then take effect in
 * arrival order, as in Redis's single thread.
 */
final class ConnectionLoops implements EventExecutorChooserFactory {
    private final int ioThreads;

    ConnectionLoops(int ioThreads) {
        this.ioThreads = ioThreads;
    }

    /** The loops that serve connections: {@code io-threads}, 0 meaning every shard's loop. */
    static int count(int configured, int shards) {
        return configured <= 0 ? shards : Math.min(configured, shards);
    }

    @Override
    public EventExecutorChooser newChooser(EventExecutor[] executors) {
        int n = Math.min(ioThreads, executors.length);
        AtomicInteger next = new AtomicInteger();
        return () -> executors[Math.floorMod(next.getAndIncrement(), n)];
    }
}
