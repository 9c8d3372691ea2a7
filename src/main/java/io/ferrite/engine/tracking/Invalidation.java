package io.ferrite.engine.tracking;

import io.ferrite.engine.Client;
import io.ferrite.reply.Reply;
import io.ferrite.engine.pubsub.OutOfBand;

/**
 * An invalidation message (Redis's sendTrackingMessage): a RESP3 push ["invalidate", keys] to a
 * RESP3 receiver, whether it is the tracking client or its REDIRECT target; a message on
 * {@code __redis__:invalidate} to a RESP2 REDIRECT target in subscriber mode; nothing to a RESP2
 * client receiving its own. Null keys: everything (FLUSHDB, FLUSHALL).
 */
record Invalidation(byte[][] keys, boolean redirected) implements OutOfBand {
    private static final byte[] INVALIDATE = "invalidate".getBytes();
    private static final byte[] MESSAGE = "message".getBytes();
    static final byte[] CHANNEL = "__redis__:invalidate".getBytes();

    @Override
    public boolean writeTo(Reply reply, Client client) {
        if (client.resp() == 3) {
            reply.push(2);
            reply.bulk(INVALIDATE);
        } else if (redirected && client.subscriptions.active()) {
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
