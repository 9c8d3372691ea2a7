package io.ferrite.engine;

import io.ferrite.common.ShardConfined;
import io.ferrite.store.Bytes;
import io.ferrite.store.Entry;

/**
 * {@code maxmemory-admission tinylfu}: W-TinyLFU's admission on top of the eviction policy, for
 * one shard (Einziger, Eytan, Friedman, Manes: "Adaptive Software Cache Management"; Caffeine).
 *
 * <p>Every key a command looks up, found or not, is counted in a {@link FrequencySketch}. A key the
 * shard did not hold is always written, as Redis writes it: a SET is never refused or dropped.
 * It then joins a window of newcomers (1% of the shard's keys, oldest first). When the eviction
 * policy has picked its victim and the window is full, the oldest newcomer leaves the window by
 * a contest with that victim: the newcomer stays only if the sketch has seen it more often; if
 * not it is evicted in the victim's place (an ordinary eviction: {@code evicted} event, DEL
 * propagated, counted in evicted_keys), and the victim stays in the pool to meet the next
 * newcomer. So a cold key written into a full cache is the first to go, while the keys that keep
 * being asked for, in the cache or not, win their way in; a scan of unrelated keys passes through
 * the window without pushing the hot set out. A newcomer read again while in the window counts
 * those reads in the contest. As Caffeine, a tie keeps the victim.
 *
 * <p>Newcomers that were removed meanwhile (deleted, expired, evicted as victims) are skipped;
 * under a volatile policy a newcomer without a TTL is not the policy's to evict, and leaves the
 * window unchallenged. While nothing is evicted, newcomers pass the window without a contest.
 */
@ShardConfined
final class Admission {
    /** The window's share of the shard's keys: Caffeine's default. */
    private static final int WINDOW_PERCENT = 1;
    /**
     * Adds past the window's size with no eviction here that mean nothing is being evicted. The
     * shards of a run take turns, each evicting up to 16 keys a visit, so a shard may add a few
     * dozen keys between two of its own evictions while the cache is full.
     */
    private static final int QUIET_ADDS = 64;

    private final Shard shard;
    private final FrequencySketch sketch;
    /** The window: a ring of newcomers, oldest at {@code head}, with their databases. */
    private Entry[] entries = new Entry[16];
    private int[] dbs = new int[16];
    private int head;
    private int size;
    /** Keys added since the last eviction here: many means nothing is being evicted. */
    private int addsSinceEviction;
    /** Contests lost by the newcomer (evicted in the victim's place) and won (the victim went). */
    private long rejected;
    private long admitted;

    Admission(Shard shard) {
        this.shard = shard;
        this.sketch = new FrequencySketch(keys());
        shard.admissionMemory = bytes();
    }

    /** One lookup of {@code key} by a command, whether or not the shard holds it. */
    void record(byte[] key) {
        sketch.increment(Bytes.hash(key));
    }

    /** The sketch's estimate for {@code key} (tests, DEBUG). */
    int frequency(byte[] key) {
        return sketch.frequency(Bytes.hash(key));
    }

    /** A key the shard did not hold was just written in {@code db}: it joins the window. */
    void added(int db, Entry e) {
        int keys = keys();
        int target = target(keys);
        boolean quiet = ++addsSinceEviction > target + QUIET_ADDS;
        if (quiet && keys > sketch.capacity()) {
            // grown only while nothing is evicted: a new sketch knows nothing, and under eviction
            // every victim would then tie with every newcomer (the key count barely moves there anyway)
            sketch.ensureCapacity(keys);
            shard.admissionMemory = bytes();
        }
        push(db, e);
        // while nothing is being evicted the window keeps its size and its oldest are in without a
        // contest, as Caffeine's window overflows into a main space not yet full; under eviction it
        // may grow a little between two contests
        while (quiet && size > target || size > 2 * target + QUIET_ADDS) {
            pollOldest();
        }
        shard.newcomersWaiting = Math.max(0, size - target);
    }

    /**
     * The eviction policy picked {@code victim}: the oldest newcomer past the window meets it. True
     * when the newcomer was less frequent and has been evicted instead (the victim stays); false
     * when the victim is to go, as without admission.
     */
    boolean evictedNewcomerInstead(Entry victim, boolean volatileOnly) {
        addsSinceEviction = 0;
        int target = target(keys());
        while (size > target) {
            int db = dbs[head];
            Entry candidate = entries[head];
            pollOldest();
            if (candidate == victim) {
                // the policy itself wants the newcomer gone
                return false;
            }
            if (shard.db(db).find(candidate.key) != candidate || (volatileOnly && !candidate.hasExpiry())) {
                continue;
            }
            if (sketch.frequency(Bytes.hash(candidate.key)) > sketch.frequency(Bytes.hash(victim.key))) {
                admitted++;
                published();
                return false;
            }
            rejected++;
            shard.view(db).evict(candidate);
            published();
            return true;
        }
        published();
        return false;
    }

    long rejected() {
        return rejected;
    }

    long admitted() {
        return admitted;
    }

    int windowSize() {
        return size;
    }

    FrequencySketch sketch() {
        return sketch;
    }

    /** Heap bytes this costs the shard: the sketch and the window's arrays (counted in used_memory). */
    long bytes() {
        return sketch.bytes() + 16L + 12L * entries.length;
    }

    private static int target(int keys) {
        return Math.max(1, keys * WINDOW_PERCENT / 100);
    }

    /** The shard's RESP keys, over its databases (memcached items have no admission). */
    private int keys() {
        int n = 0;
        for (int db = 0; db < shard.databases(); db++) {
            n += shard.keys(db);
        }
        return n;
    }

    /** Publishes how many newcomers wait for a contest here, for {@link Eviction} choosing where a run starts. */
    private void published() {
        shard.newcomersWaiting = Math.max(0, size - target(keys()));
    }

    private void push(int db, Entry e) {
        if (size == entries.length) {
            grow();
        }
        int at = (head + size) & (entries.length - 1);
        entries[at] = e;
        dbs[at] = db;
        size++;
    }

    private void pollOldest() {
        entries[head] = null;
        head = (head + 1) & (entries.length - 1);
        size--;
    }

    private void grow() {
        int n = entries.length;
        Entry[] e = new Entry[n * 2];
        int[] d = new int[n * 2];
        for (int i = 0; i < size; i++) {
            e[i] = entries[(head + i) & (n - 1)];
            d[i] = dbs[(head + i) & (n - 1)];
        }
        entries = e;
        dbs = d;
        head = 0;
        shard.admissionMemory = bytes();
    }
}
