package io.ferrite.engine.pubsub;

import io.ferrite.engine.Client;
import io.ferrite.reply.Reply;

/**
 * A message a connection receives outside the request/reply flow: a pub/sub message or a
 * client-side-caching invalidation. It is written on the receiving connection's own event loop,
 * between replies, in the connection's current protocol.
 */
public interface OutOfBand {
    /** Writes the message for {@code client}, or returns false (writing nothing) when it no longer wants it. */
    boolean writeTo(Reply reply, Client client);
}
