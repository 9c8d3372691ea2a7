package io.ferrite.engine;

import io.ferrite.engine.command.Blockable;
import io.ferrite.engine.command.Call;
import io.ferrite.reply.Reply;
import io.ferrite.store.BytesKey;
import io.netty.buffer.ByteBuf;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One client blocked on keys (Redis's client->bpop), registered in the {@link BlockTable} of every
 * shard owning one of its keys. Several shards may offer it data at once, and its timeout,
 * CLIENT UNBLOCK or a disconnect may race with them: a compare-and-set on its state lets exactly
 * one of them end it. A shard <em>claims</em> it before serving; a serve that finds nothing to
 * take lets it go again, and an end that arrived meanwhile takes effect then.
 */
final class BlockedClient {
    /** How a wait ends: data, its timeout, CLIENT UNBLOCK ... TIMEOUT or ERROR, or a disconnect. */
    enum End { SERVED, TIMEOUT, UNBLOCK_TIMEOUT, UNBLOCK_ERROR, ROLE_CHANGE, GONE }

    private static final int WAITING = 0;
    private static final int SERVING = 1;
    private static final int DONE = 2;
    static final String UNBLOCKED = "UNBLOCKED client unblocked via CLIENT UNBLOCK";
    static final String ROLE_CHANGED = "UNBLOCKED force unblock from blocking operation, instance state changed (master -> replica?)";

    private final Engine engine;
    private final Session session;
    final Client client;
    private final Call call;
    private final Blockable how;
    private final long deadline;
    /** The keys, without repeats, in the order the command named them. */
    final List<BytesKey> keys = new ArrayList<>(2);
    /** The distinct shards owning {@link #keys}. */
    final Set<Shard> shards = new LinkedHashSet<>(2);
    private final AtomicInteger state = new AtomicInteger(WAITING);
    private volatile End pendingEnd;
    private volatile io.netty.util.concurrent.ScheduledFuture<?> timer;

    /** Takes over a call whose handler asked to block; the caller registers it on its shards, then {@link #arm}s it. */
    BlockedClient(Engine engine, Session session, Call call) {
        this.engine = engine;
        this.session = session;
        this.client = session.client();
        this.call = call;
        Blockable.Request r = call.takeBlockRequest();
        this.how = r.how();
        this.deadline = r.deadline();
        int db = client.db;
        for (byte[] k : r.keys()) {
            BytesKey bk = new BytesKey(db, k);
            if (!keys.contains(bk)) {
                keys.add(bk);
                shards.add(engine.shardOf(k));
            }
        }
        client.blocked = this;
        engine.blockedClients.incrementAndGet();
    }

    /** On {@code s}'s thread: enters the waiting lists of the keys {@code s} owns (unless already ended). */
    void registerOn(Shard s) {
        if (state.get() == DONE) {
            return;
        }
        for (BytesKey k : keys) {
            if (engine.shardOf(k.bytes()) == s) {
                s.blocks.add(this, k);
            }
        }
    }

    /** Registers on the shards outside {@code done} (keys a chain did not gather: none in practice). */
    void registerElsewhere(java.util.Collection<Shard> done) {
        for (Shard s : shards) {
            if (!done.contains(s)) {
                s.run(() -> registerOn(s));
            }
        }
    }

    /**
     * Starts the timeout, if any (a deadline at the end of time never comes). A client that
     * disconnected before its command reached here is let go at once: the disconnect sets
     * {@code gone} then reads {@code blocked}, this set {@code blocked} then reads {@code gone}
     * (both volatile), so at least one of them ends the wait.
     */
    void arm() {
        if (client.gone) {
            end(End.GONE);
            return;
        }
        if (deadline == 0 || deadline == Long.MAX_VALUE) {
            return;
        }
        long delay = Math.max(0, deadline - System.currentTimeMillis());
        timer = client.home.loop.schedule(() -> end(End.TIMEOUT), delay, TimeUnit.MILLISECONDS);
    }

    // ---------------------------------------------------------------- serving, on a shard's thread

    boolean servesMissingKey() {
        return how.servesMissingKey();
    }

    boolean claim() {
        return state.compareAndSet(WAITING, SERVING);
    }

    /** True when serving needs keys of shards other than {@code s} (BLMOVE into another shard's list). */
    boolean servesAcross(Shard s) {
        for (byte[] k : how.alsoTouches()) {
            if (engine.shardOf(k) != s) {
                return true;
            }
        }
        return false;
    }

    /** Claimed, on {@code s}'s thread: offers {@code key} to the command against {@code s}'s own data. */
    void serveOn(Shard s, BytesKey key) {
        ByteBuf out = session.newBuffer();
        call.reply(new Reply(out, client.resp, session.reply().listener()));
        call.ks(s.view(key.db()));
        offer(key.bytes(), out);
    }

    /** Claimed: serves {@code key} by a chain that gathers it and {@link Blockable#alsoTouches} from their shards. */
    void serveAcross(BytesKey key) {
        KeyRouting route = new KeyRouting();
        route.addKey(engine, key.db(), key.bytes());
        for (byte[] k : how.alsoTouches()) {
            route.addKey(engine, key.db(), k);
        }
        new StagedChain(engine, session, call, route, this, key).start();
    }

    /** Runs the serve step with {@code call.ks()} and {@code call.reply()} (writing to {@code out}) set; ends or lets go. */
    void offer(byte[] key, ByteBuf out) {
        if (client.gone) {
            // never pop an element for a client that is gone
            out.release();
            state.set(DONE);
            finish(End.GONE, null);
            return;
        }
        if (Execution.serve(call, how, key)) {
            state.set(DONE);
            finish(End.SERVED, out);
        } else {
            out.release();
            state.set(WAITING);
            End p = pendingEnd;
            if (p != null) {
                end(p);
            }
        }
    }

    // ---------------------------------------------------------------- ending without data, from any thread

    /**
     * Ends the wait for a reason other than data: the timeout, CLIENT UNBLOCK (TIMEOUT or ERROR)
     * or a disconnect. Returns false if it had already ended, or (CLIENT UNBLOCK only) is being
     * served right now; a timeout or disconnect during a serve takes effect if the serve finds
     * nothing.
     */
    boolean end(End why) {
        while (true) {
            int s = state.get();
            if (s == DONE) {
                return false;
            }
            if (s == SERVING) {
                if (why != End.TIMEOUT && why != End.GONE) {
                    return false;
                }
                pendingEnd = why;
                if (state.get() != WAITING) {
                    return false;
                }
            } else if (state.compareAndSet(WAITING, DONE)) {
                finish(why, null);
                return true;
            }
        }
    }

    private void finish(End why, ByteBuf served) {
        client.blocked = null;
        engine.blockedClients.decrementAndGet();
        io.netty.util.concurrent.ScheduledFuture<?> t = timer;
        if (t != null) {
            t.cancel(false);
        }
        for (Shard s : shards) {
            s.run(() -> s.blocks.remove(this));
        }
        if (why == End.GONE) {
            if (served != null) {
                served.release();
            }
            return;
        }
        ByteBuf out = served;
        if (out == null) {
            out = session.newBuffer();
            call.reply(new Reply(out, client.resp, session.reply().listener()));
            if (why == End.UNBLOCK_ERROR) {
                call.reply().error(UNBLOCKED);
            } else if (why == End.ROLE_CHANGE) {
                call.reply().error(ROLE_CHANGED);
                client.closeAfterReply(true);
            } else {
                how.timedOut(call);
            }
        }
        boolean failed = why == End.UNBLOCK_TIMEOUT || why == End.UNBLOCK_ERROR || why == End.ROLE_CHANGE
            || call.reply().errorCount() > 0;
        Shard home = client.home;
        home.loop.execute(() -> Execution.unblocked(call, home, failed));
        ByteBuf reply = out;
        session.execute(() -> session.resume(reply));
    }
}
