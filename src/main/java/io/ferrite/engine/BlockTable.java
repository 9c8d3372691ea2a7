package io.ferrite.engine;

import io.ferrite.common.ShardConfined;
import io.ferrite.store.BytesKey;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One shard's blocked clients: per database and key, the clients waiting on it in arrival order
 * (Redis's db->blocking_keys), and the keys made ready since they were last served (its ready_keys).
 * Touched only by the shard's own thread. Ready keys are served after the command, EXEC or
 * cross-shard command that made them ready: at once when the shard is free, else when its hold ends.
 */
@ShardConfined
final class BlockTable {
    private final Shard shard;
    private final Map<BytesKey, ArrayDeque<BlockedClient>> waiting = new HashMap<>();
    private final LinkedHashSet<BytesKey> ready = new LinkedHashSet<>();
    /** Keys whose first waiter is being served by a cross-shard chain: the rest wait their turn. */
    private final Set<BytesKey> busy = new HashSet<>();
    /** Registrations of waiters that want a key even when it is missing (XREADGROUP): none, usually. */
    private int missingServers;
    /** A global order of "a shard's first key became ready", read by EXEC to release its shards in that order. */
    private static final java.util.concurrent.atomic.AtomicLong READY_CLOCK = new java.util.concurrent.atomic.AtomicLong();
    /** When the first of the ready keys waiting to be served became ready (on {@link #READY_CLOCK}); 0 if none. */
    private volatile long readySince;

    BlockTable(Shard shard) {
        this.shard = shard;
    }

    void add(BlockedClient w, BytesKey key) {
        waiting.computeIfAbsent(key, k -> new ArrayDeque<>(2)).add(w);
        if (w.servesMissingKey()) {
            missingServers++;
        }
    }

    void remove(BlockedClient w) {
        for (BytesKey k : w.keys) {
            ArrayDeque<BlockedClient> q = waiting.get(k);
            if (q != null && q.remove(w)) {
                if (w.servesMissingKey()) {
                    missingServers--;
                }
                if (q.isEmpty()) {
                    waiting.remove(k);
                }
            }
        }
    }

    /** Redis's signalKeyAsReady: remembers the key if a client waits on it. */
    void signal(int db, byte[] key) {
        if (waiting.isEmpty()) {
            return;
        }
        BytesKey k = new BytesKey(db, key);
        if (waiting.containsKey(k)) {
            markReady(k);
        }
    }

    private void markReady(BytesKey k) {
        if (ready.isEmpty()) {
            readySince = READY_CLOCK.incrementAndGet();
        }
        ready.add(k);
    }

    long readySince() {
        return readySince;
    }

    /** SWAPDB: every waited-on key of the two databases that now exists is ready (Redis's scanDatabaseForReadyKeys). */
    void signalExisting(int a, int b) {
        for (BytesKey k : waiting.keySet()) {
            if ((k.db() == a || k.db() == b) && shard.view(k.db()).existsRaw(k.bytes())) {
                markReady(k);
            }
        }
    }

    /** FLUSHDB / FLUSHALL: every waited-on key of the database is ready, so XREADGROUP readers learn their stream is gone. */
    void signalDatabase(int db) {
        for (BytesKey k : waiting.keySet()) {
            if (k.db() == db) {
                markReady(k);
            }
        }
    }

    boolean hasReady() {
        return !ready.isEmpty();
    }

    /** Number of keys with waiting clients (all databases). */
    int size() {
        return waiting.size();
    }

    /**
     * Redis's handleClientsBlockedOnKeys: offers each ready key to its waiters, first come first
     * served, while it exists (a missing key only to waiters that want it, XREADGROUP's). Serving may make more keys ready (BLMOVE pushing to a list
     * others wait on): those are served in the same pass. A waiter whose serve needs another
     * shard's keys is served by a chain started after the pass; its key waits for it.
     */
    void serveReady() {
        shard.beginCommand();
        List<Runnable> chains = null;
        while (!ready.isEmpty()) {
            Iterator<BytesKey> it = ready.iterator();
            BytesKey k = it.next();
            it.remove();
            ArrayDeque<BlockedClient> q = waiting.get(k);
            if (q == null || busy.contains(k)) {
                continue;
            }
            for (BlockedClient w : q.toArray(new BlockedClient[0])) {
                if (shard.view(k.db()).peek(k.bytes()) == null) {
                    if (missingServers == 0) {
                        break;
                    }
                    if (!w.servesMissingKey()) {
                        continue;
                    }
                }
                if (!w.claim()) {
                    continue;
                }
                if (w.servesAcross(shard)) {
                    busy.add(k);
                    if (chains == null) {
                        chains = new ArrayList<>(1);
                    }
                    chains.add(() -> w.serveAcross(k));
                    break;
                }
                w.serveOn(shard, k);
            }
        }
        readySince = 0;
        if (chains != null) {
            // as tasks of their own: the chain's hold on this shard must not begin inside a task
            // that goes on running other requests here (a pipelined batch)
            chains.forEach(shard.loop::execute);
        }
    }

    /** A chain serving {@code key}'s first waiter is done: the others get their turn. */
    void chainDone(BytesKey key) {
        busy.remove(key);
        if (waiting.containsKey(key)) {
            markReady(key);
        }
    }
}
