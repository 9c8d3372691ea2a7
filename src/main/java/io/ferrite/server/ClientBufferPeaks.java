package io.ferrite.server;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * INFO's client_recent_max_input_buffer and client_recent_max_output_buffer: the largest query
 * buffer and pending output any client had in the last few seconds, sampled by the clients cron
 * into one slot per second, as Redis's clientsCronTrackExpansiveClients does.
 */
final class ClientBufferPeaks {
    /** Seconds remembered, Redis's CLIENTS_PEAK_MEM_USAGE_SLOTS. */
    private static final int SLOTS = 8;

    private final AtomicLongArray input = new AtomicLongArray(SLOTS);
    private final AtomicLongArray output = new AtomicLongArray(SLOTS);

    private static int slot(long nowMillis) {
        return (int) (nowMillis / 1000 % SLOTS);
    }

    /** Before a cron pass: clears the next second's slot so it holds only what that second sees. */
    void tick(long nowMillis) {
        int next = (slot(nowMillis) + 1) % SLOTS;
        input.set(next, 0);
        output.set(next, 0);
    }

    /** One client's sample; callable from any connection's thread. */
    void sample(long nowMillis, long inputBytes, long outputBytes) {
        int s = slot(nowMillis);
        input.accumulateAndGet(s, inputBytes, Math::max);
        output.accumulateAndGet(s, outputBytes, Math::max);
    }

    long recentMaxInput() {
        return max(input);
    }

    long recentMaxOutput() {
        return max(output);
    }

    private static long max(AtomicLongArray a) {
        long m = 0;
        for (int i = 0; i < SLOTS; i++) {
            m = Math.max(m, a.get(i));
        }
        return m;
    }
}
