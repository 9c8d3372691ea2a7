package io.ferrite.engine.command;

/**
 * Work a command waits for outside the engine, between two runs of its handler on its keys
 * (MIGRATE: the round trip to the target server). A handler registered with
 * {@link CommandRegistry#addAwaiting} hands it over with {@link Call#awaitOutside} on its first
 * run, replying nothing; the engine lets the command's keys and shards go, starts the work, and
 * when it is done runs the handler again on the same keys, where {@link Call#awaited} returns it.
 * The client waits meanwhile, as a blocked client does: its later requests run after the reply.
 * No shard thread ever waits for the work, so the work must not assume the keys kept their values.
 */
@FunctionalInterface
public interface OutsideWork {
    /** Starts the work, on the thread that ran the first step; calls {@code done} once, from any thread, when it ended. */
    void start(Runnable done);
}
