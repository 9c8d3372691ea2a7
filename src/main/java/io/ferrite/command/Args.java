package io.ferrite.command;

import io.ferrite.engine.command.Errors;
import io.ferrite.engine.command.Call;
import io.ferrite.store.Bytes;
import io.ferrite.store.zset.FloatParse;

/** Argument parsing with Redis's rules and error replies; a failed parse has already replied. */
public final class Args {
    private static final String INT_OUT_OF_RANGE =
        "ERR value is out of range, value must between -2147483648 and 2147483647";

    private Args() {
    }

    /**
     * Redis's getLongLongFromObjectOrReply: the strict integer at argument {@code i}, or null after
     * replying "value is not an integer or out of range".
     */
    public static Long longOrReply(Call c, int i) {
        Long v = Bytes.parseLongStrict(c.arg(i));
        if (v == null) {
            c.reply().error(Errors.NOT_INTEGER);
        }
        return v;
    }

    /** Redis's getIntFromObjectOrReply with its default messages: null after replying the error. */
    public static Integer intOrReply(Call c, int i) {
        Long v = longOrReply(c, i);
        if (v == null) {
            return null;
        }
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            c.reply().error(INT_OUT_OF_RANGE);
            return null;
        }
        return v.intValue();
    }

    /**
     * Redis's getRangeLongFromObjectOrReply with no upper bound (getPositiveLongFromObjectOrReply
     * for {@code min} 0): the integer at argument {@code i} if it is at least {@code min}, or null
     * after replying {@code error}, which covers a non-integer too.
     */
    public static Long atLeastOrReply(Call c, int i, long min, String error) {
        Long v = Bytes.parseLongStrict(c.arg(i));
        if (v == null || v < min) {
            c.reply().error(error);
            return null;
        }
        return v;
    }

    /**
     * Redis's getDoubleFromObjectOrReply: the float at argument {@code i} as strtod reads it (no
     * spaces, no NaN), or null after replying "value is not a valid float".
     */
    public static Double doubleOrReply(Call c, int i) {
        Double d = FloatParse.string2d(c.arg(i));
        if (d == null) {
            c.reply().error(Errors.NOT_FLOAT);
        }
        return d;
    }
}
