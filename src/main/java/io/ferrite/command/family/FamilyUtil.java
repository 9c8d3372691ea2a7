package io.ferrite.command.family;

import io.ferrite.command.Call;

import java.util.ArrayList;
import java.util.List;

/** Small reply helpers shared by the server-side families. */
final class FamilyUtil {
    private FamilyUtil() {
    }

    /**
     * Redis's setKey for a computed value (the *STORE commands): adds the key if absent (a "new"
     * key) or overwrites it in place, dropping any TTL either way.
     */
    static void setKey(Call c, byte[] key, io.ferrite.store.ValueType type, Object value, io.ferrite.store.Encoding encoding) {
        io.ferrite.store.Entry e = c.ks.write(key);
        if (e == null) {
            c.ks.add(key, type, value, encoding);
            return;
        }
        c.ks.replace(e, type, value, encoding);
        if (e.hasExpiry()) {
            c.ks.expire(e, io.ferrite.store.Entry.NO_EXPIRY);
        }
    }

    /** Redis's addReplyHelp: the lines as status replies in one array. */
    static void help(Call c, String[] lines) {
        c.reply.array(lines.length);
        for (String l : lines) {
            c.reply.simple(l);
        }
    }

    /** The lists a sharded command's shards returned as their parts, joined in shard order. */
    @SuppressWarnings("unchecked")
    static <T> List<T> joined(List<Object> parts) {
        List<T> all = new ArrayList<>();
        for (Object p : parts) {
            all.addAll((List<T>) p);
        }
        return all;
    }
}
