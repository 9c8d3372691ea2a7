package io.ferrite.engine;

import io.ferrite.common.Log;
import io.ferrite.engine.command.Call;
import io.ferrite.reply.Reply;
import io.ferrite.store.BytesKey;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The strategy for one multi-key command over several shards (MSET, RENAME, SUNIONSTORE ...), as a chain of hops:
 * each shard, in ascending order, is held and hands over the entries of its keys; the last shard
 * in the chain runs the command against them at once, then every shard takes its entries back and
 * is released. Shards are held for as few hops as possible, and the ascending order means two
 * chains can never wait on each other. Chains over disjoint keys share their holds
 * ({@link Shard#acquireKeys}), so they pipeline through the shards instead of queueing for them.
 * <p>
 * Pipelined multi-key commands queued behind the first may ride the same chain (Dispatcher's
 * squashing): they run one after another, in request order, against the same gathered entries,
 * which is a valid order because the client has seen none of their replies yet. A pipeline of
 * sixteen cross-shard MSETs then pays the hops and holds once instead of sixteen times.
 */
final class StagedChain extends Execution {
    private final List<Call> calls;
    private final Shard[] shards;
    private final List<Set<BytesKey>> keysByShard = new ArrayList<>();
    private final Map<BytesKey, StagedKeyspace.Slot> slots = StagedKeyspace.newSlots();
    private final int db;
    /** Set when the chain serves a blocked client from {@link #readyKey} instead of running commands. */
    private final BlockedClient serving;
    private final BytesKey readyKey;

    StagedChain(Engine engine, Session session, List<Call> calls, KeyRouting route) {
        this(engine, session, calls, route, null, null);
    }

    StagedChain(Engine engine, Session session, Call call, KeyRouting route, BlockedClient serving, BytesKey readyKey) {
        this(engine, session, List.of(call), route, serving, readyKey);
    }

    private StagedChain(Engine engine, Session session, List<Call> calls, KeyRouting route, BlockedClient serving,
                        BytesKey readyKey) {
        super(engine, session);
        this.serving = serving;
        this.readyKey = readyKey;
        this.calls = calls;
        this.db = client.db;
        this.shards = new Shard[route.shardIds.size()];
        int[] position = new int[engine.shardCount()];
        int n = 0;
        for (int id : route.shardIds) {
            shards[n] = engine.shard(id);
            position[id] = n++;
            keysByShard.add(new LinkedHashSet<>());
        }
        int databases = engine.shard(0).databases();
        for (BytesKey k : route.keys) {
            if (k.db() < databases) {
                keysByShard.get(position[engine.shardOf(k.bytes()).id]).add(k);
            }
        }
        Reply reply = reply();
        for (Call c : calls) {
            c.reply(reply);
        }
    }

    @Override
    void start() {
        holdInOrder(shards, keysByShard, 0, this::gather, () -> runHere(shards[shards.length - 1]));
    }

    /** On shard {@code i}'s thread, held: its entries move into the chain. */
    private boolean gather(int i) {
        Shard s = shards[i];
        try {
            s.beginCommand();
            for (BytesKey k : keysByShard.get(i)) {
                slots.put(k, new StagedKeyspace.Slot(s, s.view(k.db()).detach(k.bytes(), client)));
            }
            return true;
        } catch (Throwable t) {
            abortAt(i, t);
            return false;
        }
    }

    /**
     * Gathering entries on shard {@code i} threw (an Error such as out of memory): every call
     * answers an error, the entries gathered go back, and the holds taken so far end.
     */
    private void abortAt(int i, Throwable t) {
        Log.warning("Internal error gathering keys for a cross-shard command: " + t);
        for (Call call : calls) {
            call.reply().error(internalError(call));
        }
        for (int j = 0; j <= i; j++) {
            giveBack(j, null);
        }
        if (serving == null) {
            resume();
        } else {
            dropReply();
        }
    }

    /** On the last shard's thread, with every shard held and every entry gathered. */
    private void runHere(Shard last) {
        int answered = 0;
        BlockedClient blocked = null;
        try {
            StagedKeyspace ks = new StagedKeyspace(slots, db, last.now, last.stats, engine.feed());
            for (Call call : calls) {
                last.stats.crossShardOps++;
                call.ks(ks);
                if (serving != null) {
                    serving.offer(readyKey.bytes(), out());
                    answered++;
                    continue;
                }
                callGathered(call, last);
                answered++;
            }
            ks.publishEvents(last);
            // a command that blocks (never squashed with others) enters the waiting lists while its
            // keys are still held, so no push slips between
            Call first = calls.get(0);
            blocked = first.blocked() ? new BlockedClient(engine, session, first) : null;
        } catch (Throwable t) {
            // outside the handlers (which are guarded): the holds must still end and every call be answered
            Log.warning("Internal error in a cross-shard command: " + t);
            for (int k = answered; k < calls.size() && serving == null; k++) {
                calls.get(k).reply().error(internalError(calls.get(k)));
            }
        }
        for (int i = 0; i < shards.length; i++) {
            giveBack(i, blocked);
        }
        if (blocked != null) {
            dropReply();
            blocked.registerElsewhere(java.util.Arrays.asList(shards));
            blocked.arm();
        } else if (serving == null) {
            resume();
        }
    }

    /** Entries back and the hold ended in one task on shard {@code i}. */
    private void giveBack(int i, BlockedClient blocked) {
        Shard s = shards[i];
        s.releaseKeys(keysByShard.get(i), () -> {
            s.writer = client;
            for (Map.Entry<BytesKey, StagedKeyspace.Slot> e : slots.entrySet()) {
                StagedKeyspace.Slot slot = e.getValue();
                if (slot.owner == s) {
                    s.view(e.getKey().db()).attach(e.getKey().bytes(), slot.entry, slot.changed);
                }
            }
            s.writer = null;
            afterAttach(s, blocked);
            for (Call call : calls) {
                if (call.tracked()) {
                    remember(call, s, engine);
                }
            }
        });
    }

    /** On a held shard, its entries back: a blocked command's keys enter its waiting lists; a served key's next waiters get their turn. */
    private void afterAttach(Shard s, BlockedClient blocked) {
        if (blocked != null) {
            blocked.registerOn(s);
        }
        if (serving != null && s == engine.shardOf(readyKey.bytes())) {
            s.blocks.chainDone(readyKey);
        }
    }
}
