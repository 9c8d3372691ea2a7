package io.ferrite.engine;

import io.ferrite.common.Log;
import io.ferrite.engine.command.Call;
import io.ferrite.reply.Reply;
import io.ferrite.store.BytesKey;
import io.netty.buffer.ByteBuf;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The strategy for a run of pipelined single-shard requests that cannot all run inline
 * ({@link Squasher}; a blocking command never joins one). Each shard executes its own requests,
 * in order, in one task; the replies are stitched back together in request order.
 * <p>
 * A batch over several shards must not let another client see a later request's effect before an
 * earlier one's (Redis runs a connection's commands one after another). So the batch holds its
 * shards in ascending order, running each shard's share as soon as that shard is held, and
 * releases them only when the last share has run: this is two-phase locking, so whatever order
 * the shares ran in, every other client sees the batch as one step. It holds only its own keys
 * on each shard: batches over disjoint keys go through the shards together instead of queueing
 * for them. A batch with a call reaching keys it does not name holds its shards whole. A batch on
 * one shard needs no hold: its requests run in order in one task; nor does the last shard of a
 * batch (see {@link #runLast}).
 */
final class ShardBatch extends Execution {
    private final List<Call> calls;
    private final List<Shard> owners;
    private final int[] ends;
    private final int db;
    /** The batch's distinct shards, in ascending order, and the reply buffer of each. */
    private Shard[] shards;
    private ByteBuf[] buffers;
    /** The keys each shard's share names (the batch's holds), or null when the shards are held whole. */
    private List<Set<BytesKey>> keysByShard;

    ShardBatch(Engine engine, Session session, List<Call> calls, List<Shard> owners) {
        super(engine, session);
        this.calls = calls;
        this.owners = owners;
        this.ends = new int[calls.size()];
        this.db = client.db;
    }

    @Override
    void start() {
        List<Shard> distinct = new ArrayList<>(4);
        for (Shard s : owners) {
            if (!distinct.contains(s)) {
                distinct.add(s);
            }
        }
        distinct.sort(java.util.Comparator.comparingInt(s -> s.id));
        shards = distinct.toArray(new Shard[0]);
        if (shards.length == 1) {
            buffers = new ByteBuf[] {out()};
            Shard s = shards[0];
            s.run(() -> {
                runShare(0);
                s.tracking.broadcastNow(engine.sessions());
                resume();
            });
            return;
        }
        buffers = new ByteBuf[shards.length];
        for (int i = 0; i < shards.length; i++) {
            buffers[i] = session.newBuffer();
        }
        keysByShard = keysByShard();
        Shard[] held = java.util.Arrays.copyOf(shards, shards.length - 1);
        holdInOrder(held, keysByShard, 0, this::runShareGuarded, this::runLast);
    }

    /**
     * The last shard's share needs no hold: it runs in one task, after which every hold ends
     * anyway. It is only admitted as a hold would be, so it waits for batches holding its keys.
     */
    private void runLast() {
        int last = shards.length - 1;
        Runnable share = () -> {
            runShareGuarded(last);
            for (int j = 0; j < last; j++) {
                release(shards, keysByShard, j, NOTHING);
            }
            session.execute(this::stitch);
        };
        if (keysByShard != null) {
            shards[last].runWhenKeysFree(keysByShard.get(last), share);
        } else {
            shards[last].run(share);
        }
    }

    /** The keys of each shard's share; null if a call may reach keys it does not name (SORT ... BY). */
    private List<Set<BytesKey>> keysByShard() {
        List<Set<BytesKey>> keys = new ArrayList<>(shards.length);
        for (int g = 0; g < shards.length; g++) {
            keys.add(new HashSet<>());
        }
        for (int i = 0; i < calls.size(); i++) {
            Call c = calls.get(i);
            if (c.command.touchesUndeclaredKeys(c.args)) {
                return null;
            }
            Set<BytesKey> mine = keys.get(indexOf(owners.get(i)));
            c.command.keyPositions(c.args, c.args.length, p -> mine.add(new BytesKey(db, c.args[p])));
        }
        return keys;
    }

    private int indexOf(Shard s) {
        for (int g = 0; g < shards.length; g++) {
            if (shards[g] == s) {
                return g;
            }
        }
        throw new IllegalStateException("shard " + s.id + " not in the batch");
    }

    private boolean runShareGuarded(int g) {
        try {
            runShare(g);
        } catch (Throwable t) {
            // runShare answers each call itself; this only keeps the holds going
            Log.warning("Internal error in a batch share: " + t);
        }
        return true;
    }

    /** On shard {@code g}'s thread: its requests, in request order. */
    private void runShare(int g) {
        Shard s = shards[g];
        ByteBuf buf = buffers[g];
        Reply reply = shards.length == 1 ? reply() : extraReply(buf);
        long t = System.nanoTime();
        for (int i = 0; i < calls.size(); i++) {
            if (owners.get(i) == s) {
                Call c = calls.get(i);
                c.reply(reply);
                c.ks(s.view(db));
                try {
                    t = call(c, s, t);
                } catch (Throwable e) {
                    // outside the handler (which is guarded): still one reply per request, and the batch goes on
                    failed(c, e);
                    s.writer = null;
                    t = System.nanoTime();
                }
                ends[i] = buf.writerIndex();
            }
        }
    }

    private void stitch() {
        ByteBuf stitched = out();
        int[] from = new int[shards.length];
        for (int i = 0; i < calls.size(); i++) {
            int g = indexOf(owners.get(i));
            stitched.writeBytes(buffers[g], from[g], ends[i] - from[g]);
            from[g] = ends[i];
        }
        for (ByteBuf b : buffers) {
            b.release();
        }
        resumeHere();
    }
}
