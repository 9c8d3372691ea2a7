package io.ferrite.command.family;

import io.ferrite.engine.command.Call;
import io.ferrite.store.Bytes;
import io.ferrite.store.stream.StreamId;

import java.util.Arrays;
import java.util.List;

/**
 * Stream ID arguments and entry replies as t_stream.c reads and writes them: an ID is "ms" or
 * "ms-seq" of unsigned 64-bit numbers, "-" and "+" the smallest and largest, "ms-*" an ID whose
 * sequence XADD picks.
 */
final class StreamIds {
    static final String INVALID = "ERR Invalid stream ID specified as stream command argument";

    private StreamIds() {
    }

    /** One entry of a reply: its ID and fields and values, or null fields for a deleted entry. */
    record Item(StreamId id, byte[][] fieldsValues) {
    }

    /**
     * streamGenericParseIDOrReply: null after replying the error. {@code strict} refuses "-" and
     * "+"; {@code seqGiven}, when not null, allows "ms-*" and reports whether a sequence was given.
     */
    static StreamId parse(Call c, byte[] arg, long missingSeq, boolean strict, boolean[] seqGiven) {
        StreamId id = parse(arg, missingSeq, strict, seqGiven);
        if (id == null) {
            c.reply().error(INVALID);
        }
        return id;
    }

    static StreamId parse(byte[] arg, long missingSeq, boolean strict, boolean[] seqGiven) {
        if (arg.length > 127) {
            return null;
        }
        int len = 0;
        while (len < arg.length && arg[len] != 0) {
            len++; // Redis copies the ID into a C string
        }
        boolean single = len == 1 && (arg[0] == '-' || arg[0] == '+');
        if (single && strict) {
            return null;
        }
        if (seqGiven != null) {
            seqGiven[0] = true;
        }
        if (single) {
            return arg[0] == '-' ? StreamId.MIN : StreamId.MAX;
        }
        int dash = -1;
        for (int i = 0; i < len; i++) {
            if (arg[i] == '-') {
                dash = i;
                break;
            }
        }
        Long ms = toUnsigned(arg, 0, dash < 0 ? len : dash);
        if (ms == null) {
            return null;
        }
        long seq = missingSeq;
        if (dash >= 0) {
            if (seqGiven != null && len - dash - 1 == 1 && arg[dash + 1] == '*') {
                seq = 0;
                seqGiven[0] = false;
            } else {
                Long s = toUnsigned(arg, dash + 1, len);
                if (s == null) {
                    return null;
                }
                seq = s;
            }
        }
        return new StreamId(ms, seq);
    }

    /**
     * Redis's string2ull: a strict integer that is not negative, else what strtoull accepts (leading
     * spaces, a sign, up to 2^64-1, a '-' negating modulo 2^64).
     */
    static Long toUnsigned(byte[] b, int from, int to) {
        Long strict = Bytes.parseLongStrict(b, from, to - from);
        if (strict != null) {
            return strict < 0 ? null : strict;
        }
        int i = from;
        while (i < to && (b[i] == ' ' || (b[i] >= '\t' && b[i] <= '\r'))) {
            i++;
        }
        boolean negative = false;
        if (i < to && (b[i] == '+' || b[i] == '-')) {
            negative = b[i] == '-';
            i++;
        }
        if (i >= to) {
            return null;
        }
        long v = 0;
        for (; i < to; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) {
                return null;
            }
            if (Long.compareUnsigned(v, Long.divideUnsigned(-1L, 10)) > 0) {
                return null;
            }
            long next = v * 10 + d;
            if (Long.compareUnsigned(next, v * 10) < 0) {
                return null;
            }
            v = next;
        }
        return negative ? -v : v;
    }

    /**
     * A range bound (streamParseIntervalIdOrReply): a start misses its sequence as 0, an end as the
     * largest; "(" makes the bound exclusive by stepping it one ID inwards. Null after replying.
     */
    static StreamId interval(Call c, byte[] arg, boolean start) {
        long missingSeq = start ? 0 : -1L;
        if (!(arg.length > 1 && arg[0] == '(')) {
            return parse(c, arg, missingSeq, false, null);
        }
        StreamId id = parse(c, Arrays.copyOfRange(arg, 1, arg.length), missingSeq, true, null);
        if (id == null) {
            return null;
        }
        StreamId moved = start ? id.next() : id.previous();
        if (moved == null) {
            c.reply().error(start ? "ERR invalid start ID for the interval" : "ERR invalid end ID for the interval");
        }
        return moved;
    }

    static void reply(Call c, StreamId id) {
        c.reply().bulk(id.bytes());
    }

    /** One entry as [id, [field, value, ...]], or [id, nil] for a deleted one. */
    static void replyItem(Call c, StreamId id, byte[][] fv) {
        c.reply().array(2);
        reply(c, id);
        if (fv == null) {
            c.reply().nilArray();
            return;
        }
        c.reply().array(fv.length);
        for (byte[] b : fv) {
            c.reply().bulk(b);
        }
    }

    static void replyItems(Call c, List<Item> items) {
        c.reply().array(items.size());
        for (Item i : items) {
            replyItem(c, i.id(), i.fieldsValues());
        }
    }
}
