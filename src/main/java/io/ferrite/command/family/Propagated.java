package io.ferrite.command.family;

import io.ferrite.command.Call;

import java.nio.charset.StandardCharsets;

/**
 * The rewrites Redis 7.0 applies to what a command propagates (rewriteClientCommandVector and
 * alsoPropagate in t_string.c, expire.c, t_set.c, t_list.c, t_zset.c, t_stream.c): relative times
 * become absolute, random choices become the elements chosen, blocking forms their plain forms.
 * Each helper does nothing when nobody listens to the effects feed.
 */
final class Propagated {
    static final byte[] PEXPIREAT = ascii("PEXPIREAT");
    static final byte[] PERSIST = ascii("PERSIST");
    static final byte[] SET = ascii("SET");
    static final byte[] PXAT = ascii("PXAT");
    static final byte[] KEEPTTL = ascii("KEEPTTL");
    static final byte[] DEL = ascii("DEL");
    static final byte[] HSET = ascii("HSET");
    static final byte[] SREM = ascii("SREM");
    static final byte[] LPOP = ascii("LPOP");
    static final byte[] RPOP = ascii("RPOP");
    static final byte[] LMOVE = ascii("LMOVE");
    static final byte[] RPOPLPUSH = ascii("RPOPLPUSH");
    static final byte[] ZPOPMIN = ascii("ZPOPMIN");
    static final byte[] ZPOPMAX = ascii("ZPOPMAX");

    private Propagated() {
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] number(long n) {
        return ascii(Long.toString(n));
    }

    /** A TTL set by a relative or second-based form propagates as PEXPIREAT key ms (expireGenericCommand, getexCommand). */
    static void asPexpireat(Call c, byte[] key, long at) {
        if (c.propagating()) {
            c.propagateAs(PEXPIREAT, key, number(at));
        }
    }

    /** A TTL already in the past deletes the key: DEL, or UNLINK under lazyfree-lazy-expire. */
    static void asExpiredDelete(Call c, byte[] key) {
        if (c.propagating()) {
            c.propagateAs(c.effects.feed().expiredDeleteVerb(), key);
        }
    }

    /** SET with EX/PX/EXAT, SETEX, PSETEX: SET key value PXAT ms. */
    static void asSetPxat(Call c, byte[] key, byte[] value, long at) {
        if (c.propagating()) {
            c.propagateAs(SET, key, value, PXAT, number(at));
        }
    }

    static void as(Call c, byte[]... argv) {
        if (c.propagating()) {
            c.propagateAs(argv);
        }
    }
}
