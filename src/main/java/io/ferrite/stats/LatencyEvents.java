package io.ferrite.stats;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One shard's latency monitor samples (Redis's latency.c): per event class ("command",
 * "fast-command", "expire-cycle"), the worst latency of each of the last 160 seconds in which the
 * threshold was reached, and the all-time worst. Written and read only on the shard's thread;
 * LATENCY merges the shards' series second by second.
 */
public final class LatencyEvents {
    /** Redis's LATENCY_TS_LEN. */
    public static final int HISTORY = 160;

    private final Map<String, Series> events = new LinkedHashMap<>();

    /** One event class: a ring of (second, worst ms) samples and the all-time maximum. */
    public static final class Series {
        final long[] time = new long[HISTORY];
        final long[] latency = new long[HISTORY];
        int idx;
        long max;

        void add(long now, long ms) {
            max = Math.max(max, ms);
            int prev = (idx + HISTORY - 1) % HISTORY;
            if (time[prev] == now) {
                latency[prev] = Math.max(latency[prev], ms);
                return;
            }
            time[idx] = now;
            latency[idx] = ms;
            idx = (idx + 1) % HISTORY;
        }

        /** The samples oldest first, as (second, ms) pairs. */
        public List<long[]> samples() {
            List<long[]> out = new ArrayList<>();
            for (int j = 0; j < HISTORY; j++) {
                int i = (idx + j) % HISTORY;
                if (time[i] != 0) {
                    out.add(new long[] {time[i], latency[i]});
                }
            }
            return out;
        }

        public long max() {
            return max;
        }
    }

    public void add(String event, long nowSeconds, long ms) {
        events.computeIfAbsent(event, e -> new Series()).add(nowSeconds, ms);
    }

    public Map<String, Series> all() {
        return events;
    }

    /** Removes the event (case-insensitive, as Redis), or every event when {@code event} is null; returns the names removed. */
    public List<String> reset(String event) {
        List<String> gone = new ArrayList<>();
        events.keySet().removeIf(e -> {
            boolean hit = event == null || e.equalsIgnoreCase(event);
            if (hit) {
                gone.add(e);
            }
            return hit;
        });
        return gone;
    }
}
