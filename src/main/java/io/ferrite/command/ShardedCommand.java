package io.ferrite.command;

import io.ferrite.engine.Keyspace;

import java.util.List;

/**
 * A command over the whole keyspace (KEYS, DBSIZE, FLUSHDB ...): each shard computes its part on
 * its own thread, then the parts are combined into one reply.
 */
public interface ShardedCommand {
    /** Runs on the client's thread before the shards run their parts (pub/sub changes the client's own state first). */
    default void before(Call call) {
    }

    /** Runs on each shard's thread with that shard's view of the client's database. */
    Object onShard(Call call, Keyspace ks);

    /** Runs on the client's thread with every shard's part, in shard order. */
    void reply(Call call, List<Object> parts);

    /** Whether every shard must be held together, so no client sees the command half done. */
    default boolean atomic() {
        return true;
    }
}
