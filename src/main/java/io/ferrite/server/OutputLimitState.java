package io.ferrite.server;

import io.ferrite.engine.Client;
import io.ferrite.engine.pubsub.Message;
import io.ferrite.engine.pubsub.OutOfBand;

/**
 * One connection's standing against its class's {@code client-output-buffer-limit}, checked as
 * out-of-band messages are queued for it (Redis's checkClientOutputBufferLimits): over the hard
 * limit, or over the soft limit continuously for the soft seconds, the client is to be closed, so
 * a subscriber that stops reading cannot make the server buffer messages without bound.
 */
final class OutputLimitState {
    private long softSince = -1;

    /** Whether a client with {@code used} bytes waiting to be sent must be closed now. */
    boolean exceeded(ServerConfig config, Client client, long used) {
        OutputBufferLimits.Limit l = OutputBufferLimits.of(config, client.subscriptions.active() ? "pubsub" : "normal");
        if (l.hard() > 0 && used >= l.hard()) {
            return true;
        }
        if (l.soft() > 0 && used >= l.soft()) {
            long now = System.currentTimeMillis();
            if (softSince < 0) {
                softSince = now;
                return false;
            }
            return now - softSince >= l.softSeconds() * 1000;
        }
        softSince = -1;
        return false;
    }

    static long sizeOf(OutOfBand m) {
        return m instanceof Message msg ? msg.size() : 64;
    }
}
