package io.ferrite.engine;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * used_memory_startup: the heap the server itself keeps live once started and before any data,
 * as Redis's initial_memory_usage is taken in InitServerLast, after the listeners are bound and
 * before loadDataFromDisk. used_memory counts it under the data's estimate and the clients'
 * buffers, so that maxmemory weighs the server's own structures too.
 *
 * <p>Measured once per process, when the first server has started: a full collection first, so
 * the figure is the live heap, not the garbage start-up leaves behind (class loading, parsed
 * configuration and command specs), which depends on when the collector last ran. Zero until then.
 *
 * <p>What the Java runtime itself held before any of the server's code ran ({@link #runtimeBaseline},
 * taken first thing in main: the module graph, the launcher's class loaders, the opened jar) is
 * left out, as Redis's figure leaves out what the C runtime and the dynamic loader allocate for
 * themselves: only its own allocations count. A server started without main (embedded, tests)
 * has no baseline and counts its whole live heap.
 */
public final class StartupMemory {
    private static final AtomicBoolean MEASURED = new AtomicBoolean();
    private static volatile long baseline;
    private static volatile long bytes;

    private StartupMemory() {
    }

    /** The runtime's own live heap, taken by main before it does anything else. */
    public static void runtimeBaseline() {
        if (!MEASURED.get()) {
            baseline = liveHeap();
        }
    }

    /** Takes the figure, the first time only: the caller has finished starting the server. */
    public static void measure() {
        if (MEASURED.compareAndSet(false, true)) {
            bytes = Math.max(0, liveHeap() - baseline);
        }
    }

    public static long bytes() {
        return bytes;
    }

    /**
     * The heap in use just after a full collection, as the collector reports it for the end of
     * that collection: what is reachable, nothing left for the collector. Read from the
     * collector rather than as the heap's usage afterwards, which would also count whatever the
     * server's other threads (event loops, the replication pump) allocate meanwhile.
     */
    static long liveHeap() {
        System.gc();
        long live = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            MemoryUsage after = pool.getType() == MemoryType.HEAP ? pool.getCollectionUsage() : null;
            if (after != null) {
                live += after.getUsed();
            }
        }
        if (live == 0) {
            // no collection to read (explicit collections disabled, or a collector without the
            // figure): the heap's usage now is the nearest there is
            Runtime rt = Runtime.getRuntime();
            live = rt.totalMemory() - rt.freeMemory();
        }
        return live;
    }
}
