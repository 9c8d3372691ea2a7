package io.ferrite.engine;

import io.ferrite.command.Call;
import io.ferrite.protocol.resp.Reply;
import io.ferrite.store.BytesKey;
import io.netty.buffer.ByteBuf;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One multi-key command over several shards (MSET, RENAME, SUNIONSTORE ...), as a chain of hops:
 * each shard, in ascending order, is held and hands over the entries of its keys; the last shard
 * in the chain runs the command against them at once, then every shard takes its entries back and
 * is released. Shards are held for as few hops as possible, and the ascending order means two
 * chains can never wait on each other.
 */
final class StagedChain {
    private final Engine engine;
    private final Session session;
    private final Call call;
    private final Shard[] shards;
    private final List<List<BytesKey>> keysByShard = new ArrayList<>();
    private final Map<BytesKey, StagedKeyspace.Slot> slots = StagedKeyspace.newSlots();
    private final int db;
    private final ByteBuf out;
    /** Set when the chain serves a blocked client from {@link #readyKey} instead of running a command. */
    private final BlockedClient serving;
    private final BytesKey readyKey;

    StagedChain(Engine engine, Session session, Call call, KeyRouting route) {
        this(engine, session, call, route, null, null);
    }

    StagedChain(Engine engine, Session session, Call call, KeyRouting route, BlockedClient serving, BytesKey readyKey) {
        this.serving = serving;
        this.readyKey = readyKey;
        this.engine = engine;
        this.session = session;
        this.call = call;
        this.db = session.client().db;
        this.shards = route.shardIds.stream().map(engine::shard).toArray(Shard[]::new);
        int databases = engine.shard(0).databases();
        for (Shard s : shards) {
            List<BytesKey> mine = new ArrayList<>();
            for (BytesKey k : route.keys) {
                if (k.db() < databases && engine.shardOf(k.bytes()) == s && !mine.contains(k)) {
                    mine.add(k);
                }
            }
            keysByShard.add(mine);
        }
        this.out = session.newBuffer();
        call.reply = new Reply(out, session.client().resp, session.reply().listener());
    }

    void start() {
        hold(0);
    }

    private void hold(int i) {
        Shard s = shards[i];
        s.acquire(this, () -> {
            s.beginCommand();
            for (BytesKey k : keysByShard.get(i)) {
                slots.put(k, new StagedKeyspace.Slot(s, s.view(k.db()).detach(k.bytes())));
            }
            if (i + 1 < shards.length) {
                hold(i + 1);
            } else {
                runHere(s);
            }
        });
    }

    /** On the last shard's thread, with every shard held and every entry gathered. */
    private void runHere(Shard last) {
        last.stats.crossShardOps++;
        call.ks = new StagedKeyspace(slots, db, last.now, last.stats);
        if (serving != null) {
            serving.offer(readyKey.bytes(), out);
        } else {
            long t0 = System.nanoTime();
            int errors = call.reply.errorCount();
            Invoker.guarded(call);
            Invoker.record(call, last, t0, errors);
        }
        // a command that blocks enters the waiting lists while its shards are still held, so no push slips between
        BlockedClient blocked = call.blockRequest != null ? new BlockedClient(engine, session, call) : null;
        for (Shard s : shards) {
            s.runHeld(this, () -> {
                for (Map.Entry<BytesKey, StagedKeyspace.Slot> e : slots.entrySet()) {
                    StagedKeyspace.Slot slot = e.getValue();
                    if (slot.owner == s) {
                        s.view(e.getKey().db()).attach(e.getKey().bytes(), slot.entry, slot.changed);
                    }
                }
                afterAttach(s, blocked);
            });
            s.release(this);
        }
        if (blocked != null) {
            out.release();
            blocked.registerElsewhere(java.util.Arrays.asList(shards));
            blocked.arm();
        } else if (serving == null) {
            session.execute(() -> session.resume(out));
        }
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
