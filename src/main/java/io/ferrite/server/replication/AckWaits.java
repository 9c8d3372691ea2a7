package io.ferrite.server.replication;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * The clients blocked in WAIT (Redis's clients_waiting_acks), on the pump's thread: each waits for
 * a number of replicas to acknowledge the stream offset just after its last write, or for its
 * deadline; the pump looks again after every batch and every ACK.
 */
final class AckWaits {
    private static final class Wait {
        final long seq;
        final long replicas;
        final long deadlineMillis;
        final LongConsumer done;
        /** The offset to be acknowledged; -1 until the pump has put the write in the stream. */
        long offset = -1;

        Wait(long seq, long replicas, long deadlineMillis, LongConsumer done) {
            this.seq = seq;
            this.replicas = replicas;
            this.deadlineMillis = deadlineMillis;
            this.done = done;
        }
    }

    private final List<Wait> waits = new ArrayList<>();

    /**
     * A WAIT for {@code replicas} acknowledgements of the write numbered {@code seq} in the feed,
     * until {@code deadlineMillis} (0: forever); true if it must wait (the caller asks the replicas
     * for an ACK), false if {@code done} already had its answer.
     */
    boolean add(long seq, long replicas, long deadlineMillis, LongConsumer done, Resolver resolver) {
        Wait w = new Wait(seq, replicas, deadlineMillis, done);
        w.offset = resolver.offsetAfter(seq);
        if (w.offset >= 0) {
            int n = resolver.acks(w.offset);
            if (n >= replicas) {
                done.accept(n);
                return false;
            }
        }
        waits.add(w);
        return true;
    }

    /** Answers every WAIT that has its replicas or reached its deadline (processClientsWaitingReplicas). */
    void check(Resolver resolver, long nowMillis) {
        for (Iterator<Wait> it = waits.iterator(); it.hasNext(); ) {
            Wait w = it.next();
            if (w.offset < 0) {
                w.offset = resolver.offsetAfter(w.seq);
            }
            int n = w.offset < 0 ? 0 : resolver.acks(w.offset);
            if (n >= w.replicas || (w.deadlineMillis > 0 && nowMillis >= w.deadlineMillis)) {
                it.remove();
                w.done.accept(n);
            }
        }
    }

    boolean isEmpty() {
        return waits.isEmpty();
    }

    /** What a wait is measured against: the stream offset of a feed entry (-1: not there yet), the replicas past an offset. */
    interface Resolver {
        long offsetAfter(long seq);

        int acks(long offset);
    }
}
