package io.ferrite.engine;

import io.ferrite.engine.command.Call;

/**
 * The strategy for a whole-keyspace command that needs no atomicity (SCAN, RANDOMKEY, DBSIZE ...):
 * each shard runs its part when it gets to it, without holds, and the parts are combined into the
 * reply on the connection's thread.
 */
final class FanOut extends Execution {
    private final Call call;
    private final Object[] parts;
    /** Parts still to come; counted on the connection's thread only, so no sharing between shards. */
    private int pending;

    FanOut(Engine engine, Session session, Call call) {
        super(engine, session);
        this.call = call;
        this.parts = new Object[engine.shardCount()];
        this.pending = parts.length;
    }

    @Override
    void start() {
        call.reply(reply());
        int db = client.db;
        Shard[] all = engine.shards();
        for (int i = 0; i < all.length; i++) {
            int idx = i;
            Shard s = all[i];
            s.run(() -> {
                Object part = part(call, s, db);
                session.execute(() -> arrived(idx, part));
            });
        }
    }

    private void arrived(int idx, Object part) {
        parts[idx] = part;
        if (--pending == 0) {
            combined(call, client.home, parts);
            resumeHere();
        }
    }
}
