package io.ferrite.tracking;

import io.ferrite.engine.Client;
import io.ferrite.engine.Session;
import io.ferrite.store.BytesKey;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongFunction;

/**
 * One shard's client-side-caching table (Redis's tracking.c), touched only by the shard's thread:
 * the keys of this shard that tracking clients have read, with who read them, and a replica of
 * every BCAST prefix (a prefix matches keys of every shard). A change to a key sends each reader
 * one invalidation and forgets them, as Redis does: the next read registers again.
 */
public final class TrackingTable {
    private final Map<BytesKey, Set<Client>> readers = new HashMap<>();
    private final Map<BytesKey, Set<Client>> prefixes = new HashMap<>();
    private long items;

    private static BytesKey k(byte[] b) {
        return new BytesKey(0, b);
    }

    /** Keys are tracked by name across databases, as Redis's tracking table is. */
    public void remember(byte[] key, Client c) {
        if (readers.computeIfAbsent(k(key), x -> new LinkedHashSet<>(2)).add(c)) {
            items++;
        }
    }

    void addPrefix(byte[] prefix, Client c) {
        prefixes.computeIfAbsent(k(prefix), x -> new LinkedHashSet<>(2)).add(c);
    }

    void dropPrefix(byte[] prefix, Client c) {
        BytesKey p = k(prefix);
        Set<Client> s = prefixes.get(p);
        if (s != null && s.remove(c) && s.isEmpty()) {
            prefixes.remove(p);
        }
    }

    public boolean idle() {
        return readers.isEmpty() && prefixes.isEmpty();
    }

    /**
     * Redis's trackingInvalidateKey: {@code writer} is the client making the change (for NOLOOP),
     * or null; BCAST changes are gathered and broadcast by a task on {@code loop}, this shard's.
     */
    public void invalidate(byte[] key, Client writer, LongFunction<Session> sessions, java.util.concurrent.Executor loop) {
        if (!readers.isEmpty()) {
            Set<Client> who = readers.remove(k(key));
            if (who != null) {
                items -= who.size();
                for (Client c : who) {
                    ClientTracking t = c.tracking;
                    if (t.on && !t.bcast && !(t.noloop && c == writer)) {
                        send(c, new byte[][] {key}, sessions);
                    }
                }
            }
        }
        if (!prefixes.isEmpty()) {
            for (BytesKey p : prefixes.keySet()) {
                if (startsWith(key, p.bytes())) {
                    if (pending.isEmpty()) {
                        loop.execute(() -> broadcast(sessions));
                    }
                    pending.computeIfAbsent(p, x -> new ArrayList<>()).add(new Change(key, writer));
                }
            }
        }
    }

    /** A key changed under a BCAST prefix since the last broadcast, and who changed it (for NOLOOP). */
    private record Change(byte[] key, Client writer) {
    }

    private final Map<BytesKey, List<Change>> pending = new java.util.LinkedHashMap<>();

    /**
     * Redis's trackingBroadcastInvalidationMessages: the keys changed under each prefix since the
     * last broadcast go to each of the prefix's clients in one message (without the client's own
     * changes under NOLOOP). Runs as a task right after the work that changed them, as Redis runs
     * it before the event loop sleeps.
     */
    private void broadcast(LongFunction<Session> sessions) {
        for (Map.Entry<BytesKey, List<Change>> e : pending.entrySet()) {
            Set<Client> clients = prefixes.get(e.getKey());
            if (clients == null) {
                continue;
            }
            for (Client c : clients) {
                List<byte[]> keys = new ArrayList<>(e.getValue().size());
                for (Change ch : e.getValue()) {
                    if (!(c.tracking.noloop && ch.writer() == c)) {
                        keys.add(ch.key());
                    }
                }
                if (!keys.isEmpty()) {
                    send(c, keys.toArray(new byte[0][]), sessions);
                }
            }
        }
        pending.clear();
    }

    /** FLUSHDB / FLUSHALL: every key is gone, so no reader needs remembering (the null invalidation is sent once, elsewhere). */
    public void clearReaders() {
        readers.clear();
        items = 0;
    }

    /** Delivers an invalidation for {@code c}: to it, or to its REDIRECT target; a vanished target breaks the redirect. */
    static void send(Client c, byte[][] keys, LongFunction<Session> sessions) {
        ClientTracking t = c.tracking;
        long to = t.redirect;
        if (to == 0) {
            c.session.deliver(new Invalidation(keys));
            return;
        }
        Session target = sessions.apply(to);
        if (target == null) {
            t.brokenRedirect = true;
            c.session.deliver(new BrokenRedirect(to));
            return;
        }
        target.deliver(new Invalidation(keys));
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
        if (prefix.length > key.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (key[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** INFO's tracking_total_keys, tracking_total_items, tracking_total_prefixes parts. */
    public int keys() {
        return readers.size();
    }

    public long items() {
        return items;
    }

    public int prefixCount() {
        return prefixes.size();
    }
}
