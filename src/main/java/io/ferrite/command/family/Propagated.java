package io.ferrite.command.family;

import io.ferrite.store.Bytes;
import io.ferrite.engine.command.Call;
import io.ferrite.store.stream.ConsumerGroup;
import io.ferrite.store.stream.PendingEntry;
import io.ferrite.store.stream.StreamId;

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

    static final byte[] XCLAIM = ascii("XCLAIM");
    static final byte[] XGROUP = ascii("XGROUP");
    static final byte[] SETID = ascii("SETID");
    static final byte[] CREATECONSUMER = ascii("CREATECONSUMER");
    static final byte[] ENTRIESREAD = ascii("ENTRIESREAD");
    private static final byte[] ZERO = ascii("0");
    private static final byte[] TIME = ascii("TIME");
    private static final byte[] RETRYCOUNT = ascii("RETRYCOUNT");
    private static final byte[] FORCE = ascii("FORCE");
    private static final byte[] JUSTID = ascii("JUSTID");
    private static final byte[] LASTID = ascii("LASTID");

    private Propagated() {
    }

    /**
     * Redis's streamPropagateXCLAIM: a pending entry's state (owner, delivery time and count) and
     * the group's last ID, as an XCLAIM a replica applies as is. For an entry gone from the
     * stream, the same XCLAIM makes the replica drop it from the PEL.
     */
    static void xclaim(Call c, byte[] key, byte[] group, StreamId id,
                       PendingEntry p, ConsumerGroup g) {
        if (c.propagating()) {
            c.alsoPropagate(XCLAIM, key, group, p.consumer().name, ZERO, id.bytes(), TIME, number(p.deliveryTime()),
                RETRYCOUNT, number(p.deliveryCount()), FORCE, JUSTID, LASTID, g.lastId().bytes());
        }
    }

    /** Redis's streamPropagateGroupID: the group's last ID and entries-read counter. */
    static void groupId(Call c, byte[] key, ConsumerGroup g) {
        if (c.propagating()) {
            c.alsoPropagate(XGROUP, SETID, key, g.name, g.lastId().bytes(), ENTRIESREAD, number(g.entriesRead()));
        }
    }

    /** Redis's streamPropagateConsumerCreation (XREADGROUP creating its consumer). */
    static void consumerCreated(Call c, byte[] key, byte[] group, byte[] consumer) {
        if (c.propagating()) {
            c.alsoPropagate(XGROUP, CREATECONSUMER, key, group, consumer);
        }
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
            c.propagateAs(c.effects().feed().expiredDeleteVerb(), key);
        }
    }

    /** SET with EX/PX/EXAT, SETEX, PSETEX: SET key value PXAT ms. */
    static void asSetPxat(Call c, byte[] key, byte[] value, long at) {
        if (c.propagating()) {
            c.propagateAs(SET, key, value, PXAT, number(at));
        }
    }

    /** SET ... GET: the command as given, less every GET from its fourth argument on (setCommand). */
    static void withoutGet(Call c) {
        if (!c.propagating()) {
            return;
        }
        java.util.List<byte[]> argv = new java.util.ArrayList<>(c.argc());
        for (int i = 0; i < c.argc(); i++) {
            if (i < 3 || !Bytes.is(c.arg(i), "get")) {
                argv.add(c.arg(i));
            }
        }
        c.propagateAs(argv.toArray(new byte[0][]));
    }

    static void as(Call c, byte[]... argv) {
        if (c.propagating()) {
            c.propagateAs(argv);
        }
    }
}
