package io.ferrite.command;

import io.ferrite.engine.command.Call;
import io.ferrite.store.Bytes;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** Redis 7.0's getTimeoutFromObjectOrReply: a blocking command's timeout argument as an absolute deadline. */
public final class BlockTimeout {
    private static final BigDecimal THOUSAND = BigDecimal.valueOf(1000);
    private static final BigDecimal LONG_MAX = BigDecimal.valueOf(Long.MAX_VALUE);
    private static final BigDecimal LONG_MIN = BigDecimal.valueOf(Long.MIN_VALUE);

    private BlockTimeout() {
    }

    /**
     * Seconds as a long double (list and sorted-set commands), rounded up to whole milliseconds,
     * or milliseconds as an integer (XREAD BLOCK). Returns the deadline in Unix ms, 0 for "forever",
     * or -1 after replying Redis's error. A value too large for a 64-bit count of milliseconds
     * converts, as the C cast does on x86, to the most negative one, hence "timeout is negative";
     * a deadline past the end of time never comes.
     */
    public static long deadline(Call c, int arg, boolean seconds) {
        long ms;
        if (seconds) {
            Numbers.LongDouble v = Numbers.parseLongDouble(c.arg(arg));
            if (v == null) {
                c.reply().error("ERR timeout is not a float or out of range");
                return -1;
            }
            ms = millis(v);
        } else {
            Long v = Bytes.parseLongStrict(c.arg(arg));
            if (v == null) {
                c.reply().error("ERR timeout is not an integer or out of range");
                return -1;
            }
            ms = v;
        }
        if (ms < 0) {
            c.reply().error("ERR timeout is negative");
            return -1;
        }
        if (ms == 0) {
            return 0;
        }
        long now = c.now();
        return ms > Long.MAX_VALUE - now ? Long.MAX_VALUE : now + ms;
    }

    private static long millis(Numbers.LongDouble seconds) {
        if (seconds.isInfinite()) {
            return Long.MIN_VALUE;
        }
        BigDecimal ms = seconds.toBigDecimal().multiply(THOUSAND).setScale(0, RoundingMode.CEILING);
        if (ms.compareTo(LONG_MAX) > 0 || ms.compareTo(LONG_MIN) < 0) {
            return Long.MIN_VALUE;
        }
        return ms.longValueExact();
    }
}
