package io.ferrite.engine.pubsub;

import io.ferrite.engine.Client;
import io.ferrite.reply.Reply;

/**
 * A published message as a subscriber receives it: "message", "pmessage" or "smessage", a RESP3
 * push or, in RESP2, an array (Redis's addReplyPubsubMessage / addReplyPubsubPatMessage).
 * A subscriber that unsubscribed while the message was on its way no longer wants it.
 */
public record Message(Kind kind, byte[] pattern, byte[] channel, byte[] payload) implements OutOfBand {
    public enum Kind { MESSAGE, PMESSAGE, SMESSAGE }

    private static final byte[] MESSAGE = "message".getBytes();
    private static final byte[] PMESSAGE = "pmessage".getBytes();
    private static final byte[] SMESSAGE = "smessage".getBytes();

    @Override
    public boolean writeTo(Reply reply, Client client) {
        Subscriptions s = client.subscriptions;
        switch (kind) {
            case MESSAGE -> {
                if (!s.hasChannel(channel)) {
                    return false;
                }
                reply.push(3);
                reply.bulk(MESSAGE);
            }
            case SMESSAGE -> {
                if (!s.hasShardChannel(channel)) {
                    return false;
                }
                reply.push(3);
                reply.bulk(SMESSAGE);
            }
            case PMESSAGE -> {
                if (!s.hasPattern(pattern)) {
                    return false;
                }
                reply.push(4);
                reply.bulk(PMESSAGE);
                reply.bulk(pattern);
            }
        }
        reply.bulk(channel);
        reply.bulk(payload);
        return true;
    }

    /** Bytes the message takes in a reply buffer, for the output-buffer limit. */
    public int size() {
        return channel.length + payload.length + (pattern == null ? 0 : pattern.length) + 40;
    }
}
