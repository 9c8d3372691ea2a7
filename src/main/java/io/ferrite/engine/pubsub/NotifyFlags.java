package io.ferrite.engine.pubsub;

import io.ferrite.engine.Notify;

/**
 * The {@code notify-keyspace-events} letters (notify.c's keyspaceEventsStringToFlags and
 * keyspaceEventsFlagsToString): parsing, and the canonical order CONFIG GET prints.
 */
public final class NotifyFlags {
    /** 'A': every class but key-miss and new (Redis's NOTIFY_ALL). */
    static final int ALL = bits(Notify.GENERIC, Notify.STRING, Notify.LIST, Notify.SET, Notify.HASH, Notify.ZSET,
        Notify.EXPIRED, Notify.EVICTED, Notify.STREAM, Notify.MODULE);

    /** The classes 'A' stands for and 'n', in the order Redis prints them. */
    private static final Notify[] CLASSES = {Notify.GENERIC, Notify.STRING, Notify.LIST, Notify.SET, Notify.HASH,
        Notify.ZSET, Notify.EXPIRED, Notify.EVICTED, Notify.STREAM, Notify.MODULE, Notify.NEW};

    private NotifyFlags() {
    }

    private static int bits(Notify... classes) {
        int b = 0;
        for (Notify n : classes) {
            b |= n.bit();
        }
        return b;
    }

    private static Notify byLetter(char c) {
        for (Notify n : Notify.values()) {
            if (n.letter() == c && n != Notify.LOADED) {
                return n;
            }
        }
        return null;
    }

    /** The flag bits, or -1 for a letter Redis does not know. */
    public static int parse(String s) {
        int flags = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            Notify n = byLetter(c);
            if (n != null) {
                flags |= n.bit();
            } else if (c == 'A') {
                flags |= ALL;
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
            for (Notify n : CLASSES) {
                if (n.in(flags)) {
                    sb.append(n.letter());
                }
            }
        }
        for (Notify n : new Notify[] {Notify.KEYSPACE, Notify.KEYEVENT, Notify.KEY_MISS}) {
            if (n.in(flags)) {
                sb.append(n.letter());
            }
        }
        return sb.toString();
    }
}
