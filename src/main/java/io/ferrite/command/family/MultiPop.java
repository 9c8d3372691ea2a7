package io.ferrite.command.family;

import io.ferrite.command.Args;
import io.ferrite.engine.command.Call;
import io.ferrite.engine.command.Errors;

/**
 * The arguments LMPOP, BLMPOP, ZMPOP and BZMPOP share (Redis's lmpopGenericCommand and
 * zmpopGenericCommand): {@code numkeys} keys, the end to pop from, and an optional COUNT.
 */
record MultiPop<E>(int numkeys, E end, long count) {
    /** Reads the end named by argument {@code i}, or returns null after replying the error. */
    @FunctionalInterface
    interface EndParser<E> {
        E parse(Call c, int i);
    }

    /** The arguments from the numkeys at {@code numkeysIdx} on, or null after the error reply. */
    static <E> MultiPop<E> parse(Call c, int numkeysIdx, EndParser<E> ends) {
        Long numkeys = Args.atLeastOrReply(c, numkeysIdx, 1, "ERR numkeys should be greater than 0");
        if (numkeys == null) {
            return null;
        }
        long whereIdx = numkeysIdx + 1 + numkeys;
        if (whereIdx < 0 || whereIdx >= c.argc()) {
            c.reply().error(Errors.SYNTAX);
            return null;
        }
        E end = ends.parse(c, (int) whereIdx);
        if (end == null) {
            return null;
        }
        long count = -1;
        for (int j = (int) whereIdx + 1; j < c.argc(); j++) {
            int more = c.argc() - 1 - j;
            if (count == -1 && c.argIs(j, "count") && more > 0) {
                j++;
                Long v = Args.atLeastOrReply(c, j, 1, "ERR count should be greater than 0");
                if (v == null) {
                    return null;
                }
                count = v;
            } else {
                c.reply().error(Errors.SYNTAX);
                return null;
            }
        }
        return new MultiPop<>(numkeys.intValue(), end, count == -1 ? 1 : count);
    }
}
