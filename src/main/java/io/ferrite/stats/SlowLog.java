package io.ferrite.stats;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * One shard's part of the slow log (Redis's slowlog.c), touched only by the shard's own thread:
 * commands are logged where they ran, and SLOWLOG GET / LEN / RESET visit every shard on its
 * thread and merge the parts newest first. Entry ids are unique across shards: shard {@code s} of
 * {@code n} numbers its entries {@code s, s + n, s + 2n ...}, so with one shard they are 0, 1, 2 as
 * in Redis. Like Redis, RESET keeps the numbering going.
 */
public final class SlowLog {
    /** Redis's SLOWLOG_ENTRY_MAX_ARGC and SLOWLOG_ENTRY_MAX_STRING. */
    static final int MAX_ARGC = 32;
    static final int MAX_STRING = 128;

    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    private int shard;
    private int shards = 1;
    private long next;
    /** Mirrors entries.size() for readers on other threads (the metrics scrape). */
    private volatile int length;

    /** One logged command: when it finished (µs since the epoch), how long it took, what it was, who sent it. */
    public record Entry(long id, long finishedMicros, long durationMicros, byte[][] args, String addr, String name) {
        public long timestamp() {
            return finishedMicros / 1_000_000;
        }
    }

    /** Sets how this shard numbers its entries; called once when the engine is built. */
    public void numbering(int shardId, int shardCount) {
        this.shard = shardId;
        this.shards = shardCount;
    }

    public void push(byte[][] args, long finishedMicros, long durationMicros, String addr, String name, long maxLen) {
        entries.addFirst(new Entry(next * shards + shard, finishedMicros, durationMicros, trim(args), addr, name));
        next++;
        while (entries.size() > maxLen) {
            entries.removeLast();
        }
        length = entries.size();
    }

    /** Redis's slowlogCreateEntry: at most 32 arguments (the last saying how many more), each at most 128 bytes. */
    static byte[][] trim(byte[][] args) {
        int n = Math.min(args.length, MAX_ARGC);
        byte[][] out = new byte[n][];
        for (int j = 0; j < n; j++) {
            if (n != args.length && j == n - 1) {
                out[j] = ("... (" + (args.length - n + 1) + " more arguments)").getBytes(StandardCharsets.US_ASCII);
            } else if (args[j].length > MAX_STRING) {
                byte[] head = ("... (" + (args[j].length - MAX_STRING) + " more bytes)").getBytes(StandardCharsets.US_ASCII);
                byte[] b = new byte[MAX_STRING + head.length];
                System.arraycopy(args[j], 0, b, 0, MAX_STRING);
                System.arraycopy(head, 0, b, MAX_STRING, head.length);
                out[j] = b;
            } else {
                out[j] = args[j].clone();
            }
        }
        return out;
    }

    /** The newest {@code max} entries, newest first (on the shard's thread). */
    public List<Entry> newest(long max) {
        List<Entry> out = new ArrayList<>();
        Iterator<Entry> it = entries.iterator();
        while (it.hasNext() && out.size() < max) {
            out.add(it.next());
        }
        return out;
    }

    public int length() {
        return length;
    }

    public void reset() {
        entries.clear();
        length = 0;
    }
}
