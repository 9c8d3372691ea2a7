package io.ferrite.tracking;

import io.ferrite.engine.Client;
import io.ferrite.protocol.resp.Reply;
import io.ferrite.pubsub.OutOfBand;

/**
 * An invalidation message (Redis's sendTrackingMessage): a RESP3 push ["invalidate", keys], or for
 * a RESP2 client that receives another client's invalidations through REDIRECT and is in
 * subscriber mode, a message on {@code __redis__:invalidate}. Null keys: everything (FLUSHDB,
 * FLUSHALL).
 */
record Invalidation(byte[][] keys) implements OutOfBand {
    private static final byte[] INVALIDATE = "invalidate".getBytes();
    private static final byte[] MESSAGE = "message".getBytes();
    static final byte[] CHANNEL = "__redis__:invalidate".getBytes();

    @Override
    public boolean writeTo(Reply reply, Client client) {
        if (client.resp == 3) {
            reply.push(2);
            reply.bulk(INVALIDATE);
        } else if (client.subscriptions.active()) {
            reply.push(3);
            reply.bulk(MESSAGE);
            reply.bulk(CHANNEL);
        } else {
            return false;
        }
        if (keys == null) {
            reply.nil();
        } else {
            reply.array(keys.length);
            for (byte[] k : keys) {
                reply.bulk(k);
            }
        }
        return true;
    }
}
