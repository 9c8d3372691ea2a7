package io.ferrite.scripting;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** The SHA1 of a script body in lower-case hex: the name EVALSHA, SCRIPT EXISTS and redis.sha1hex use. */
final class Sha1 {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Sha1() {
    }

    static String hex(byte[] data) {
        byte[] d;
        try {
            d = MessageDigest.getInstance("SHA-1").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is part of every Java runtime", e);
        }
        char[] out = new char[d.length * 2];
        for (int i = 0; i < d.length; i++) {
            out[2 * i] = HEX[(d[i] >> 4) & 0xF];
            out[2 * i + 1] = HEX[d[i] & 0xF];
        }
        return new String(out);
    }
}
