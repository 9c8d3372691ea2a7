package io.ferrite.command;

import io.ferrite.engine.command.Errors;
import io.ferrite.engine.command.Call;
import io.ferrite.store.Bytes;

/** Argument parsing with Redis's rules and error replies; a failed parse has already replied. */
public final class Args {
    private Args() {
    }

    /**
     * Redis's getLongLongFromObjectOrReply: the strict integer at argument {@code i}, or null after
     * replying "value is not an integer or out of range".
     */
    public static Long longOrReply(Call c, int i) {
        Long v = Bytes.parseLongStrict(c.arg(i));
        if (v == null) {
            c.reply.error(Errors.NOT_INTEGER);
        }
        return v;
    }

    /** Redis's string2ld/strtold-based float parsing: no spaces, no NaN. */
    public static Double parseDouble(byte[] b) {
        if (b.length == 0 || b.length > 5000) {
            return null;
        }
        String s = Bytes.str(b);
        char first = s.charAt(0);
        char last = s.charAt(s.length() - 1);
        if (Character.isWhitespace(first) || Character.isWhitespace(last)) {
            return null;
        }
        String lower = s.toLowerCase(java.util.Locale.ROOT);
        double d;
        switch (lower) {
            case "inf", "+inf", "infinity", "+infinity" -> d = Double.POSITIVE_INFINITY;
            case "-inf", "-infinity" -> d = Double.NEGATIVE_INFINITY;
            default -> {
                if (lower.contains("nan") || lower.endsWith("d") || lower.endsWith("f") || lower.startsWith("0x")
                    || lower.contains("_")) {
                    return null;
                }
                try {
                    d = Double.parseDouble(s);
                } catch (NumberFormatException e) {
                    return null;
                }
            }
        }
        return Double.isNaN(d) ? null : d;
    }

    public static Double doubleOrReply(Call c, int i) {
        Double d = parseDouble(c.arg(i));
        if (d == null) {
            c.reply.error(Errors.NOT_FLOAT);
        }
        return d;
    }
}
