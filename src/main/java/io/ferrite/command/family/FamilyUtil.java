package io.ferrite.command.family;

import io.ferrite.common.Panic;
import io.ferrite.engine.Notify;
import io.ferrite.engine.command.Call;
import io.ferrite.store.Encoding;
import io.ferrite.store.Entry;
import io.ferrite.store.ValueType;

import java.util.ArrayList;
import java.util.List;

/** Small reply helpers shared by the server-side families. */
public final class FamilyUtil {
    private FamilyUtil() {
    }

    /**
     * Redis's setKey for a computed value (the *STORE commands): adds the key if absent (a "new"
     * key) or overwrites it in place, dropping any TTL either way.
     */
    static void setKey(Call c, byte[] key, ValueType type, Object value, Encoding encoding) {
        Entry e = c.ks().write(key);
        if (e == null) {
            c.ks().add(key, type, value, encoding);
            return;
        }
        c.ks().replace(e, type, value, encoding);
        if (e.hasExpiry()) {
            c.ks().expire(e, Entry.NO_EXPIRY);
        }
    }

    /** A *STORE command's empty result: the destination goes, reported as "del" if it existed. */
    static void deleteTarget(Call c, byte[] key) {
        if (c.ks().delete(key)) {
            c.ks().notify(Notify.GENERIC, "del", key);
        }
    }

    /** A collection the command emptied goes with its key, reported as "del" (Redis never keeps an empty one). */
    static void deleteIfEmpty(Call c, byte[] key, boolean empty) {
        if (empty) {
            c.ks().delete(key);
            c.ks().notify(Notify.GENERIC, "del", key);
        }
    }

    /**
     * The most random picks one SRANDMEMBER / HRANDFIELD / ZRANDMEMBER reply with a negative count
     * may carry. Redis streams such a reply until the count is done or the client is closed for
     * its output buffer, which by default never happens: a count near -2^63 runs for ever. Ferrite
     * builds a reply whole, on the shard's thread, so it refuses more picks than a 512 MB reply
     * holds at 8 bytes a pick (a pair takes two), with the range error Redis gives WITHVALUES.
     */
    static final long MAX_RANDOM_PICKS = 1L << 26;

    /** True, after replying the range error, when {@code count} repeated picks exceed {@link #MAX_RANDOM_PICKS}. */
    static boolean tooManyRandomPicks(Call c, long count, boolean pairs) {
        if (count > (pairs ? MAX_RANDOM_PICKS / 2 : MAX_RANDOM_PICKS)) {
            c.reply().error("ERR value is out of range");
            return true;
        }
        return false;
    }

    /** Redis's addReplyHelp: the lines as status replies in one array. */
    public static void help(Call c, String[] lines) {
        c.reply().array(lines.length);
        for (String l : lines) {
            c.reply().simple(l);
        }
    }

    /** The lists a sharded command's shards returned as their parts, joined in shard order. */
    @SuppressWarnings("unchecked")
    public static <T> List<T> joined(List<Object> parts) {
        List<T> all = new ArrayList<>();
        for (Object p : parts) {
            all.addAll((List<T>) p);
        }
        return all;
    }

    /**
     * Before a command reads a value loaded with sanitize-dump-payload no: one found corrupt
     * ({@code corruption} not null) ends the server with Redis's assertion report.
     */
    static void readable(String corruption, String type) {
        if (corruption != null) {
            Panic.assertionFailed(type + " loaded with sanitize-dump-payload no", corruption);
        }
    }
}
