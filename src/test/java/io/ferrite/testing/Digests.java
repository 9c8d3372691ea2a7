package io.ferrite.testing;

import redis.clients.jedis.Jedis;

import java.nio.charset.StandardCharsets;

/** DEBUG DIGEST through Jedis, the data-set fingerprint the differential tests compare. */
public final class Digests {
    private Digests() {
    }

    public static String of(Jedis j) {
        byte[] reply = (byte[]) j.sendCommand(() -> "DEBUG".getBytes(StandardCharsets.US_ASCII),
            "DIGEST".getBytes(StandardCharsets.US_ASCII));
        return new String(reply, StandardCharsets.US_ASCII);
    }
}
