package io.ferrite.engine.tracking;

import io.ferrite.common.ShardConfined;
import io.ferrite.engine.Client;
import io.ferrite.engine.Session;
import io.ferrite.store.BytesKey;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.Executor;
import java.util.function.LongFunction;

/**
 * One shard's client-side-caching table (Redis's tracking.c), touched only by the shard's thread:
 * the keys of this shard that tracking clients have read, with who read them, and a replica of
 * every BCAST prefix (a prefix matches keys of every shard). A change to a key sends each reader
 * one invalidation and forgets them, as Redis does: the next read registers again.
 * <p>
 * Bounded two ways. {@code tracking-table-max-keys} caps the keys of all shards together
 * ({@link TrackingLimit} evicts random keys here, each eviction an invalidation). A disconnected
 * reader is dropped lazily, as Redis skips the ids of gone clients, but not forever: the table
 * counts the items of readers known to be gone and sweeps them out once they are half of all
 * items, so connections that come and go never make it grow (amortised O(1) per item).
 */
@ShardConfined
public final class TrackingTable {
    private final HashMap<BytesKey, Tracked> keys = new HashMap<>();
    /** The same keys, indexable, so an eviction picks one at random in O(1). */
    private final ArrayList<Tracked> keyList = new ArrayList<>();
    /** Items per reader still connected; a reader missing here is gone (its items are {@link #deadItems}). */
    private final HashMap<Client, int[]> itemsOf = new HashMap<>();
    private final Map<BytesKey, Set<Client>> prefixes = new HashMap<>();
    /** BCAST: per prefix, the keys changed under it since the last broadcast, each with its last writer (NOLOOP). */
    private final TreeMap<byte[], TreeMap<byte[], Client>> pending = new TreeMap<>(Arrays::compareUnsigned);
    private final TrackingLimit limit;
    /** Runs a task after the shard's current work, and after a hold on the shard ends (one broadcast per batch or transaction). */
    private final Executor afterWork;
    private final SplittableRandom random = new SplittableRandom();
    private long items;
    private long deadItems;
    private boolean broadcastQueued;
    /** Read by INFO and by {@link TrackingLimit} from other threads. */
    private volatile int keyCount;
    private volatile long itemCount;
    private volatile int prefixCount;

    public TrackingTable(TrackingLimit limit, Executor afterWork) {
        this.limit = limit;
        this.afterWork = afterWork;
    }

    /** A tracked key and its readers: one client, or a set when several read it. */
    private static final class Tracked {
        final BytesKey key;
        int index;
        Object readers;

        Tracked(BytesKey key, int index) {
            this.key = key;
            this.index = index;
        }

        boolean add(Client c) {
            if (readers == null) {
                readers = c;
                return true;
            }
            if (readers instanceof Client one) {
                if (one == c) {
                    return false;
                }
                Set<Client> set = new LinkedHashSet<>(4);
                set.add(one);
                readers = set;
            }
            @SuppressWarnings("unchecked")
            Set<Client> set = (Set<Client>) readers;
            return set.add(c);
        }

        @SuppressWarnings("unchecked")
        Iterable<Client> all() {
            return readers instanceof Client one ? List.of(one) : (Set<Client>) readers;
        }
    }

    private static BytesKey k(byte[] b) {
        return new BytesKey(0, b);
    }

    /** Redis's trackingRememberKeys for one key: keys are tracked by name across databases, as Redis's table is. */
    public void remember(byte[] key, Client c) {
        if (c.tracking.gone) {
            return;
        }
        BytesKey bk = k(key);
        Tracked t = keys.get(bk);
        boolean grew = false;
        if (t == null) {
            t = new Tracked(bk, keyList.size());
            keys.put(bk, t);
            keyList.add(t);
            keyCount = keys.size();
            grew = true;
        }
        if (t.add(c)) {
            items++;
            itemCount = items;
            int[] n = itemsOf.get(c);
            if (n == null) {
                itemsOf.put(c, new int[] {1});
            } else {
                n[0]++;
            }
        }
        if (grew) {
            limit.check();
        }
    }

    void addPrefix(byte[] prefix, Client c) {
        prefixes.computeIfAbsent(k(prefix), x -> new LinkedHashSet<>(2)).add(c);
        prefixCount = prefixes.size();
    }

    void dropPrefix(byte[] prefix, Client c) {
        BytesKey p = k(prefix);
        Set<Client> s = prefixes.get(p);
        if (s != null && s.remove(c) && s.isEmpty()) {
            prefixes.remove(p);
            prefixCount = prefixes.size();
        }
    }

    public boolean idle() {
        return keys.isEmpty() && prefixes.isEmpty();
    }

    /**
     * Redis's trackingInvalidateKey for a changed key: {@code writer} is the client making the
     * change (for NOLOOP), or null (expiry, eviction). The readers hear at once; BCAST clients
     * hear once the shard's current work is done, every key changed under a prefix in one message.
     */
    public void invalidate(byte[] key, Client writer, LongFunction<Session> sessions) {
        if (!prefixes.isEmpty()) {
            rememberToBroadcast(key, writer, sessions);
        }
        if (!keys.isEmpty()) {
            Tracked t = keys.get(k(key));
            if (t != null) {
                forget(t, writer, sessions);
            }
        }
    }

    /** Drops a tracked key and tells its readers (those still tracking, not in BCAST mode, and not the writer under NOLOOP). */
    private void forget(Tracked t, Client writer, LongFunction<Session> sessions) {
        keys.remove(t.key);
        Tracked last = keyList.remove(keyList.size() - 1);
        if (last != t) {
            keyList.set(t.index, last);
            last.index = t.index;
        }
        keyCount = keys.size();
        for (Client c : t.all()) {
            items--;
            int[] n = itemsOf.get(c);
            if (n == null) {
                deadItems--;
                continue;
            }
            if (--n[0] == 0) {
                itemsOf.remove(c);
            }
            ClientTracking tr = c.tracking;
            if (tr.on && !tr.bcast && !(tr.noloop && c == writer)) {
                send(c, new byte[][] {t.key.bytes()}, sessions);
            }
        }
        itemCount = items;
    }

    private void rememberToBroadcast(byte[] key, Client writer, LongFunction<Session> sessions) {
        for (BytesKey p : prefixes.keySet()) {
            if (startsWith(key, p.bytes())) {
                // the last writer wins, as in Redis's radix tree of pending keys
                pending.computeIfAbsent(p.bytes(), x -> new TreeMap<>(Arrays::compareUnsigned)).put(key, writer);
                if (!broadcastQueued) {
                    broadcastQueued = true;
                    afterWork.execute(() -> broadcast(sessions));
                }
            }
        }
    }

    /**
     * Redis's trackingBroadcastInvalidationMessages: the keys changed under each prefix since the
     * last broadcast go to each of the prefix's clients in one message, in key order (without the
     * keys whose last change was the client's own, under NOLOOP). Runs once the work that changed
     * them is done (a pipeline batch, a transaction's hold), as Redis runs it before the event
     * loop sleeps.
     */
    private void broadcast(LongFunction<Session> sessions) {
        if (!broadcastQueued) {
            return;
        }
        broadcastQueued = false;
        for (Map.Entry<byte[], TreeMap<byte[], Client>> e : pending.entrySet()) {
            Set<Client> clients = prefixes.get(k(e.getKey()));
            if (clients == null) {
                continue;
            }
            byte[][] all = e.getValue().keySet().toArray(new byte[0][]);
            for (Client c : clients) {
                if (!c.tracking.noloop) {
                    send(c, all, sessions);
                    continue;
                }
                List<byte[]> mine = new ArrayList<>(all.length);
                for (Map.Entry<byte[], Client> ch : e.getValue().entrySet()) {
                    if (ch.getValue() != c) {
                        mine.add(ch.getKey());
                    }
                }
                if (!mine.isEmpty()) {
                    send(c, mine.toArray(new byte[0][]), sessions);
                }
            }
        }
        pending.clear();
    }

    /**
     * Sends the pending BCAST invalidations now, before the work that caused them hands its
     * replies back: a client that sees the writer's reply and then sends a command must get the
     * invalidation first, as Redis's beforeSleep guarantees. The queued broadcast then finds nothing.
     */
    public void broadcastNow(LongFunction<Session> sessions) {
        broadcast(sessions);
    }

    /** FLUSHDB / FLUSHALL: every key is gone, so no reader needs remembering (the null invalidation is sent once, elsewhere). */
    public void clearReaders() {
        keys.clear();
        keyList.clear();
        itemsOf.clear();
        items = 0;
        deadItems = 0;
        keyCount = 0;
        itemCount = 0;
    }

    /**
     * Redis's trackingLimitUsedSlots, this shard's share: invalidates up to {@code n} keys picked
     * at random, as if they had changed, and forgets them (BCAST clients hear nothing: nothing changed).
     */
    void evict(long n, LongFunction<Session> sessions) {
        for (long i = 0; i < n && !keyList.isEmpty(); i++) {
            forget(keyList.get(random.nextInt(keyList.size())), null, sessions);
        }
    }

    /**
     * The client has disconnected: its items here are now dead weight, swept out once dead items
     * are half of all items; its BCAST prefixes go at once.
     */
    void gone(Client c, List<byte[]> prefixesOf) {
        prefixesOf.forEach(p -> dropPrefix(p, c));
        int[] n = itemsOf.remove(c);
        if (n == null) {
            return;
        }
        deadItems += n[0];
        if (deadItems * 2 >= items) {
            sweep();
        }
    }

    /** Removes every gone reader, and the keys left with none. */
    private void sweep() {
        List<Tracked> kept = new ArrayList<>(keyList.size());
        for (Tracked t : keyList) {
            List<Client> alive = new ArrayList<>(2);
            for (Client c : t.all()) {
                if (itemsOf.containsKey(c)) {
                    alive.add(c);
                } else {
                    items--;
                }
            }
            if (alive.isEmpty()) {
                keys.remove(t.key);
                continue;
            }
            t.readers = null;
            alive.forEach(t::add);
            t.index = kept.size();
            kept.add(t);
        }
        keyList.clear();
        keyList.addAll(kept);
        keyList.trimToSize();
        deadItems = 0;
        keyCount = keys.size();
        itemCount = items;
    }

    /** Delivers an invalidation for {@code c}: to it, or to its REDIRECT target; a vanished target breaks the redirect. */
    static void send(Client c, byte[][] keys, LongFunction<Session> sessions) {
        ClientTracking t = c.tracking;
        long to = t.redirect;
        if (to == 0) {
            c.session().deliver(new Invalidation(keys, false));
            return;
        }
        Session target = sessions.apply(to);
        if (target == null) {
            t.brokenRedirect = true;
            c.session().deliver(new BrokenRedirect(to));
            return;
        }
        target.deliver(new Invalidation(keys, true));
    }

    /** Sends the null (everything) invalidation FLUSHDB and FLUSHALL cause to every tracking client. */
    public static void flushed(Iterable<Client> clients, LongFunction<Session> sessions) {
        List<Client> tracking = new ArrayList<>();
        for (Client c : clients) {
            if (c.tracking.on) {
                tracking.add(c);
            }
        }
        for (Client c : tracking) {
            send(c, null, sessions);
        }
    }

    private static boolean startsWith(byte[] key, byte[] prefix) {
        return prefix.length <= key.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }

    /** INFO's tracking_total_keys, tracking_total_items, tracking_total_prefixes parts; callable from any thread. */
    public int keys() {
        return keyCount;
    }

    public long items() {
        return itemCount;
    }

    public int prefixCount() {
        return prefixCount;
    }
}
