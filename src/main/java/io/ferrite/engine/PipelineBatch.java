package io.ferrite.engine;

import io.ferrite.engine.command.Call;
import io.ferrite.reply.Reply;
import io.netty.buffer.ByteBuf;

import io.ferrite.store.BytesKey;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A run of pipelined single-shard requests from one connection: each shard executes its own
 * requests, in order, in one task; the replies are stitched back together in request order on the
 * connection's thread.
 * <p>
 * A batch over several shards must not let another client see a later request's effect before an
 * earlier one's (Redis runs a connection's commands one after another). So the batch holds its
 * shards in ascending order, running each shard's share as soon as that shard is held, and
 * releases them only when the last share has run: this is two-phase locking, so whatever order
 * the shares ran in, every other client sees the batch as one step. It holds only its own keys
 * on each shard, as a staged chain does ({@link Shard#acquireKeys}): batches over disjoint keys
 * go through the shards together instead of queueing for them, while other work waits. A batch
 * with a call reaching keys it does not name holds its shards whole. A batch on one shard needs
 * no hold: its requests run in order in one task.
 */
final class PipelineBatch {
    private final Session session;
    private final List<Call> calls;
    private final List<Shard> owners;
    private final int[] ends;
    /** The batch's distinct shards, in ascending order, and the reply buffer of each. */
    private final List<Shard> shards = new ArrayList<>(4);
    private final List<ByteBuf> buffers = new ArrayList<>(4);

    private final Engine engine;
    private final int db;
    /** The keys each shard's share names (the batch's holds), or null when the shards are held whole. */
    private List<Set<BytesKey>> keysByShard;

    PipelineBatch(Engine engine, Session session, List<Call> calls, List<Shard> owners) {
        this.engine = engine;
        this.session = session;
        this.calls = calls;
        this.owners = owners;
        this.ends = new int[calls.size()];
        this.db = session.client().db;
    }

    void start() {
        for (Shard s : owners) {
            if (!shards.contains(s)) {
                shards.add(s);
            }
        }
        shards.sort(java.util.Comparator.comparingInt(s -> s.id));
        for (int i = 0; i < shards.size(); i++) {
            buffers.add(session.newBuffer());
        }
        if (shards.size() == 1) {
            Shard s = shards.get(0);
            s.run(() -> {
                runShare(0);
                s.tracking.broadcastNow(engine.sessions());
                // a blocking command runs alone (never batched): if it blocked, its reply comes when it is served
                if (calls.size() == 1 && Blocking.blockedHere(engine, session, calls.get(0), s)) {
                    buffers.get(0).release();
                    return;
                }
                session.execute(this::stitch);
            });
        } else {
            keysByShard = keysByShard();
            holdAndRun(0);
        }
    }

    /** The keys of each shard's share; null if a call may reach keys it does not name (SORT ... BY). */
    private List<Set<BytesKey>> keysByShard() {
        List<Set<BytesKey>> keys = new ArrayList<>(shards.size());
        for (int g = 0; g < shards.size(); g++) {
            keys.add(new HashSet<>());
        }
        for (int i = 0; i < calls.size(); i++) {
            Call c = calls.get(i);
            if (c.command.touchesUndeclaredKeys(c.args)) {
                return null;
            }
            Set<BytesKey> mine = keys.get(shards.indexOf(owners.get(i)));
            c.command.keyPositions(c.args, c.args.length, p -> mine.add(new BytesKey(db, c.args[p])));
        }
        return keys;
    }

    /** Holds shard {@code i} and runs its share there, then goes on to the next; the last one ends every hold. */
    private void holdAndRun(int i) {
        Shard s = shards.get(i);
        if (keysByShard != null) {
            holdKeysAndRun(i);
        } else if (i == shards.size() - 1) {
            s.run(() -> {
                try {
                    runShare(i);
                } finally {
                    for (int j = 0; j < i; j++) {
                        shards.get(j).release(this);
                    }
                    session.execute(this::stitch);
                }
            });
        } else {
            s.acquire(this, () -> {
                try {
                    runShare(i);
                } finally {
                    holdAndRun(i + 1);
                }
            });
        }
    }

    /** {@link #holdAndRun} holding only the batch's keys on each shard. */
    private void holdKeysAndRun(int i) {
        Shard s = shards.get(i);
        s.acquireKeys(keysByShard.get(i), () -> {
            try {
                runShare(i);
            } finally {
                if (i < shards.size() - 1) {
                    holdAndRun(i + 1);
                } else {
                    for (int j = 0; j <= i; j++) {
                        shards.get(j).releaseKeys(keysByShard.get(j), NOTHING);
                    }
                    session.execute(this::stitch);
                }
            }
        });
    }

    private static final Runnable NOTHING = () -> { };

    /** On shard {@code g}'s thread: its requests, in request order. */
    private void runShare(int g) {
        Shard s = shards.get(g);
        ByteBuf buf = buffers.get(g);
        Reply reply = new Reply(buf, session.client().resp, session.reply().listener());
        long t = System.nanoTime();
        for (int i = 0; i < calls.size(); i++) {
            if (owners.get(i) == s) {
                Call c = calls.get(i);
                c.reply = reply;
                c.ks = s.view(db);
                try {
                    t = Invoker.invokeAt(c, s, t);
                } catch (Throwable e) {
                    // outside the handler (which is guarded): still one reply per request, and the batch goes on
                    Invoker.failed(c, e);
                    s.writer = null;
                    t = System.nanoTime();
                }
                ends[i] = buf.writerIndex();
            }
        }
    }

    private void stitch() {
        ByteBuf out;
        if (buffers.size() == 1) {
            out = buffers.get(0);
        } else {
            out = session.newBuffer();
            int[] from = new int[shards.size()];
            for (int i = 0; i < calls.size(); i++) {
                int g = shards.indexOf(owners.get(i));
                out.writeBytes(buffers.get(g), from[g], ends[i] - from[g]);
                from[g] = ends[i];
            }
            buffers.forEach(ByteBuf::release);
        }
        session.resume(out);
    }
}
