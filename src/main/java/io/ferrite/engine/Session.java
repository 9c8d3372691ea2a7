package io.ferrite.engine;

import io.ferrite.engine.pubsub.OutOfBand;
import io.ferrite.reply.Reply;
import io.netty.buffer.ByteBuf;

/** What the engine needs of a client connection: its state, its reply stream and its thread. */
public interface Session {
    Client client();

    /** The reply writer for commands finished on the connection's own thread, in request order. */
    Reply reply();

    /** A buffer for a reply produced on another shard's thread. */
    ByteBuf newBuffer();

    /** Called on the connection's thread with the reply of a command that ran elsewhere; resumes the request queue. */
    void resume(ByteBuf reply);

    /** Runs on the connection's own thread. */
    void execute(Runnable task);

    void close();

    /*
     * The request queue the dispatcher works on (pauses, eviction waits, squashing). A session whose
     * protocol hands the engine whole runs of calls (memcached, through CallRunner) has none: it is
     * never postponed and nothing waits in it to be squashed.
     */

    /** Puts {@code args} back at the head of the queue and stops processing until {@link #wake} or {@code delayMillis} pass. */
    default void postpone(byte[][] args, long delayMillis) {
        throw new UnsupportedOperationException("this session has no request queue to postpone");
    }

    /** Resumes a postponed connection (CLIENT UNPAUSE, or the pause ran out). */
    default void wake() {
    }

    /** Told which shard a request that could not run inline went to (connection migration). */
    default void hopped(Shard target) {
    }

    /** Writes an out-of-band message (pub/sub, invalidation) on the connection's own loop, between replies; callable from any thread. */
    default void deliver(OutOfBand message) {
    }

    /** The next request waiting behind the current one, without taking it; null if none. */
    default byte[][] peekRequest() {
        return null;
    }

    /** Takes the request {@link #peekRequest} returned. */
    default void takeRequest() {
    }

    /**
     * The most requests one run may squash together (the first and those that join it). A client
     * waits for a run's replies, so runs stay short; a session nobody waits on (a replica's
     * master client, whose replies are dropped) may take more, paying a run's hops once for
     * many requests.
     */
    default int squashLimit() {
        return DEFAULT_SQUASH_LIMIT;
    }

    /** Dragonfly's pipeline squashing depth for a client connection. */
    int DEFAULT_SQUASH_LIMIT = 64;
}
