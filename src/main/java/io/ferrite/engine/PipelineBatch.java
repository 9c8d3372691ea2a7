package io.ferrite.engine;

import io.ferrite.command.Call;
import io.ferrite.protocol.resp.Reply;
import io.netty.buffer.ByteBuf;

import java.util.ArrayList;
import java.util.List;

/**
 * A run of pipelined single-shard requests from one connection: each shard executes its own
 * requests, in order, in one task; the shards work in parallel; the replies are stitched back
 * together in request order on the connection's thread.
 */
final class PipelineBatch {
    private final Session session;
    private final List<Call> calls;
    private final List<Shard> owners;
    private final int[] ends;
    private final List<Shard> shards = new ArrayList<>(4);
    private final List<ByteBuf> buffers = new ArrayList<>(4);
    private int pending;

    private final Engine engine;

    PipelineBatch(Engine engine, Session session, List<Call> calls, List<Shard> owners) {
        this.engine = engine;
        this.session = session;
        this.calls = calls;
        this.owners = owners;
        this.ends = new int[calls.size()];
    }

    void start() {
        for (Shard s : owners) {
            if (!shards.contains(s)) {
                shards.add(s);
            }
        }
        Client client = session.client();
        int db = client.db;
        pending = shards.size();
        for (Shard s : shards) {
            ByteBuf buf = session.newBuffer();
            buffers.add(buf);
            Reply reply = new Reply(buf, client.resp, session.reply().listener());
            s.run(() -> {
                for (int i = 0; i < calls.size(); i++) {
                    if (owners.get(i) == s) {
                        Call c = calls.get(i);
                        c.reply = reply;
                        c.ks = s.view(db);
                        Invoker.invoke(c, s);
                        ends[i] = buf.writerIndex();
                    }
                }
                // a blocking command runs alone (never batched): if it blocked, its reply comes when it is served
                if (calls.size() == 1 && Blocking.blockedHere(engine, session, calls.get(0), s)) {
                    buf.release();
                    return;
                }
                session.execute(this::shardDone);
            });
        }
    }

    private void shardDone() {
        if (--pending > 0) {
            return;
        }
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
