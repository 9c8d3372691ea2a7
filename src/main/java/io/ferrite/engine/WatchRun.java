package io.ferrite.engine;

import java.util.List;

/**
 * WATCH over keys of other shards: each key's shard records the watch (and whether the key is
 * already logically expired, which Redis's isWatchedKeyExpired needs), the client notes it on its
 * own thread, and OK follows once every key is watched.
 */
final class WatchRun extends Execution {
    private final List<byte[]> keys;
    private final int db;
    /** Keys still to be acknowledged; counted on the connection's thread only. */
    private int pending;

    WatchRun(Engine engine, Session session, List<byte[]> keys) {
        super(engine, session);
        this.keys = keys;
        this.db = client.db;
        this.pending = keys.size();
    }

    @Override
    void start() {
        for (byte[] key : keys) {
            Shard s = engine.shardOf(key);
            s.run(() -> {
                boolean expired = s.view(db).isLogicallyExpired(key);
                s.watch(db, key, client, expired);
                session.execute(() -> watched(s, key));
            });
        }
    }

    private void watched(Shard s, byte[] key) {
        if (client.gone) {
            // the client left while this WATCH was on its way: nothing will unwatch it later
            s.run(() -> s.unwatch(db, key, client));
            return;
        }
        client.watched.add(new Client.WatchedKey(db, key, s));
        if (--pending == 0) {
            reply().ok();
            resumeHere();
        }
    }
}
