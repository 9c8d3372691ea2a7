package io.ferrite.engine.command;

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

    /** For a keyless command with a whole-keyspace form: whether these arguments are that form. */
    default boolean handles(byte[][] args) {
        return true;
    }

    /** Whether every shard must be held together, so no client sees the command half done. */
    default boolean atomic() {
        return true;
    }

    /**
     * A command that does {@code part} on every shard's own thread, without holding them, and
     * replies OK once all have (SLOWLOG RESET, CONFIG RESETSTAT): a command sent after the OK sees
     * every shard done.
     */
    static ShardedCommand okAfterEveryShard(java.util.function.Consumer<Call> before,
                                            java.util.function.Consumer<Keyspace> part) {
        return new ShardedCommand() {
            @Override
            public void before(Call call) {
                before.accept(call);
            }

            @Override
            public Object onShard(Call call, Keyspace ks) {
                part.accept(ks);
                return Boolean.TRUE;
            }

            @Override
            public void reply(Call call, List<Object> parts) {
                call.reply().ok();
            }

            @Override
            public boolean atomic() {
                return false;
            }
        };
    }
}
