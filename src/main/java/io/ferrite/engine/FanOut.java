package io.ferrite.engine;

import io.ferrite.engine.command.Call;
import io.ferrite.reply.Reply;
import io.netty.buffer.ByteBuf;

import java.util.Arrays;

/**
 * A whole-keyspace command that needs no atomicity (SCAN, RANDOMKEY, DBSIZE ...): each shard runs
 * its part when it gets to it, without holds, and the parts are combined into the reply on the
 * connection's thread.
 */
final class FanOut {
    private FanOut() {
    }

    static void start(Engine engine, Session session, Call call) {
        Client client = session.client();
        Shard[] all = engine.shards();
        Object[] parts = new Object[all.length];
        int[] pending = {all.length};
        ByteBuf buf = session.newBuffer();
        call.reply = new Reply(buf, client.resp, session.reply().listener());
        for (int i = 0; i < all.length; i++) {
            int idx = i;
            Shard s = all[i];
            s.run(() -> {
                s.beginCommand();
                Object part = Invoker.onShard(call, s.view(client.db));
                // the parts are gathered on the connection's thread only: no sharing between shards
                session.execute(() -> {
                    parts[idx] = part;
                    if (--pending[0] == 0) {
                        long t0 = System.nanoTime();
                        int errors = call.reply.errorCount();
                        Invoker.combine(call, Arrays.asList(parts));
                        Invoker.record(call, client.home, t0, errors);
                        session.resume(buf);
                    }
                });
            });
        }
    }
}
