package io.ferrite.engine.pubsub;

import io.ferrite.engine.Notify;

/**
 * The {@code notify-keyspace-events} letters (notify.c's keyspaceEventsStringToFlags and
 * keyspaceEventsFlagsToString): parsing, and the canonical order CONFIG GET prints.
 */
public final class NotifyFlags {
    /** 'A': every class but key-miss and new (Redis's NOTIFY_ALL). */
    static final int ALL = Notify.GENERIC | Notify.STRING | Notify.LIST | Notify.SET | Notify.HASH | Notify.ZSET
        | Notify.EXPIRED | Notify.EVICTED | Notify.STREAM | Notify.MODULE;

    private static final String CLASS_LETTERS = "g$lshzxetdn";
    private static final int[] CLASS_BITS = {Notify.GENERIC, Notify.STRING, Notify.LIST, Notify.SET, Notify.HASH,
        Notify.ZSET, Notify.EXPIRED, Notify.EVICTED, Notify.STREAM, Notify.MODULE, Notify.NEW};

    private NotifyFlags() {
    }

    /** The flag bits, or -1 for a letter Redis does not know. */
    public static int parse(String s) {
        int flags = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            int at = CLASS_LETTERS.indexOf(c);
            if (at >= 0) {
                flags |= CLASS_BITS[at];
            } else if (c == 'A') {
                flags |= ALL;
            } else if (c == 'K') {
                flags |= Notify.KEYSPACE;
            } else if (c == 'E') {
                flags |= Notify.KEYEVENT;
            } else if (c == 'm') {
                flags |= Notify.KEY_MISS;
            } else {
                return -1;
            }
        }
        return flags;
    }

    public static String check(String s) {
        return parse(s) < 0 ? "Invalid event class character. Use 'Ag$lshzxeKEtmdn'." : null;
    }

    /** As Redis prints it: "A" for every class (even when 'n' is also set), else the class letters; then K, E, m. */
    public static String canonical(String s) {
        int flags = parse(s);
        StringBuilder sb = new StringBuilder();
        if ((flags & ALL) == ALL) {
            sb.append('A');
        } else {
            for (int i = 0; i < CLASS_BITS.length; i++) {
                if ((flags & CLASS_BITS[i]) != 0) {
                    sb.append(CLASS_LETTERS.charAt(i));
                }
            }
        }
        if ((flags & Notify.KEYSPACE) != 0) {
            sb.append('K');
        }
        if ((flags & Notify.KEYEVENT) != 0) {
            sb.append('E');
        }
        if ((flags & Notify.KEY_MISS) != 0) {
            sb.append('m');
        }
        return sb.toString();
    }
}
