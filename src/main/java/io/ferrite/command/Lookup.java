package io.ferrite.command;

import io.ferrite.engine.command.Call;
import io.ferrite.engine.command.Errors;
import io.ferrite.reply.Reply;
import io.ferrite.store.Bytes;
import io.ferrite.store.Entry;
import io.ferrite.store.ValueType;

import java.util.Set;

/**
 * The one way a command fetches a key's value of the type it expects, as Redis's
 * lookupKeyReadOrReply / lookupKeyWriteOrReply with checkType: a key of another type answers
 * WRONGTYPE, a missing key either the command's empty reply ({@code *OrReply}) or nothing, for the
 * command to handle ({@link #wrongType} after a plain {@code ks.read} / {@code ks.write}).
 */
public final class Lookup {
    private static final byte[] ZERO_CURSOR = {'0'};

    /** Redis's shared.null: a nil bulk string (RESP3 null). */
    public static final Missing NIL = Reply::nil;
    /** Redis's shared.nullarray: a nil array (RESP3 null). */
    public static final Missing NIL_ARRAY = Reply::nilArray;
    /** Redis's shared.czero. */
    public static final Missing ZERO = r -> r.integer(0);
    /** Redis's shared.emptyarray. */
    public static final Missing EMPTY_ARRAY = r -> r.array(0);
    /** Redis's shared.emptybulk. */
    public static final Missing EMPTY_BULK = r -> r.bulk(Bytes.EMPTY);
    /** An empty set: an empty array in RESP2, a set in RESP3. */
    public static final Missing EMPTY_SET = r -> r.set(0);
    /** An empty map: an empty array in RESP2, a map in RESP3. */
    public static final Missing EMPTY_MAP = r -> r.map(0);
    /** Redis's shared.emptyscan: cursor 0 and no elements. */
    public static final Missing EMPTY_SCAN = r -> {
        r.array(2);
        r.bulk(ZERO_CURSOR);
        r.array(0);
    };
    /** Redis's shared.ok. */
    public static final Missing OK = Reply::ok;
    /** Redis's shared.nokeyerr. */
    public static final Missing NO_SUCH_KEY = r -> r.error(Errors.NO_SUCH_KEY);

    private Lookup() {
    }

    /** What a command answers for a missing key; the constants above are Redis's shared replies. */
    @FunctionalInterface
    public interface Missing {
        void reply(Reply r);
    }

    /**
     * Redis's checkType: true after replying WRONGTYPE when {@code e} holds a value of another type
     * than {@code type}; a missing key ({@code e == null}) passes.
     */
    public static boolean wrongType(Call c, Entry e, ValueType type) {
        if (e != null && e.type() != type) {
            c.reply().error(Errors.WRONGTYPE);
            return true;
        }
        return false;
    }

    /** checkType for a command that takes several types (SORT; ZUNION's sets and sorted sets). */
    public static boolean wrongType(Call c, Entry e, Set<ValueType> accepted) {
        if (e != null && !accepted.contains(e.type())) {
            c.reply().error(Errors.WRONGTYPE);
            return true;
        }
        return false;
    }

    /**
     * lookupKeyReadOrReply + checkType: the entry at {@code key} holding a {@code type}, or null
     * after replying {@code missing} (no such key) or WRONGTYPE.
     */
    public static Entry readOrReply(Call c, byte[] key, ValueType type, Missing missing) {
        return orReply(c, c.ks().read(key), type, missing);
    }

    /** lookupKeyWriteOrReply + checkType, for a command about to change the key; as {@link #readOrReply}. */
    public static Entry writeOrReply(Call c, byte[] key, ValueType type, Missing missing) {
        return orReply(c, c.ks().write(key), type, missing);
    }

    private static Entry orReply(Call c, Entry e, ValueType type, Missing missing) {
        if (e == null) {
            missing.reply(c.reply());
            return null;
        }
        return wrongType(c, e, type) ? null : e;
    }

    /** The value of a type-checked entry as the type the caller expects, or null for a missing key. */
    @SuppressWarnings("unchecked")
    public static <T> T value(Entry e) {
        return e == null ? null : (T) e.value();
    }
}
