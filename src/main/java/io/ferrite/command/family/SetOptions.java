package io.ferrite.command.family;

import io.ferrite.command.Call;
import io.ferrite.command.Errors;
import io.ferrite.store.Bytes;
import io.ferrite.store.Entry;

/** SET's and GETEX's options, parsed as Redis's parseExtendedStringArgumentsOrReply does. */
final class SetOptions {
    enum Mode { SET, GETEX }

    boolean nx;
    boolean xx;
    boolean get;
    boolean keepTtl;
    boolean persist;
    /** Absolute Unix ms, or {@link Entry#NO_EXPIRY}. */
    long expireAt = Entry.NO_EXPIRY;

    private static final int EX = 1;
    private static final int PX = 2;
    private static final int EXAT = 3;
    private static final int PXAT = 4;

    /** Returns the options, or null after replying Redis's error. */
    static SetOptions parse(Call c, int from, Mode mode) {
        SetOptions o = new SetOptions();
        int unit = 0;
        byte[] expire = null;
        for (int j = from; j < c.argc(); j++) {
            byte[] opt = c.arg(j);
            boolean hasNext = j < c.argc() - 1;
            boolean timed = unit != 0;
            if (Bytes.is(opt, "nx") && !o.xx && mode == Mode.SET) {
                o.nx = true;
            } else if (Bytes.is(opt, "xx") && !o.nx && mode == Mode.SET) {
                o.xx = true;
            } else if (Bytes.is(opt, "get") && mode == Mode.SET) {
                o.get = true;
            } else if (Bytes.is(opt, "keepttl") && !o.persist && !timed && mode == Mode.SET) {
                o.keepTtl = true;
            } else if (Bytes.is(opt, "persist") && mode == Mode.GETEX && !timed && !o.keepTtl) {
                o.persist = true;
            } else if (Bytes.is(opt, "ex") && !o.keepTtl && !o.persist && (unit == 0 || unit == EX) && hasNext) {
                unit = EX;
                expire = c.arg(++j);
            } else if (Bytes.is(opt, "px") && !o.keepTtl && !o.persist && (unit == 0 || unit == PX) && hasNext) {
                unit = PX;
                expire = c.arg(++j);
            } else if (Bytes.is(opt, "exat") && !o.keepTtl && !o.persist && (unit == 0 || unit == EXAT) && hasNext) {
                unit = EXAT;
                expire = c.arg(++j);
            } else if (Bytes.is(opt, "pxat") && !o.keepTtl && !o.persist && (unit == 0 || unit == PXAT) && hasNext) {
                unit = PXAT;
                expire = c.arg(++j);
            } else {
                c.reply.error(Errors.SYNTAX);
                return null;
            }
        }
        if (unit != 0) {
            Long ms = Bytes.parseLongStrict(expire);
            String cmd = mode == Mode.SET ? "set" : "getex";
            if (ms == null) {
                c.reply.error(Errors.NOT_INTEGER);
                return null;
            }
            long v = ms;
            boolean seconds = unit == EX || unit == EXAT;
            if (v <= 0 || (seconds && v > Long.MAX_VALUE / 1000)) {
                c.reply.error(Errors.invalidExpire(cmd));
                return null;
            }
            if (seconds) {
                v *= 1000;
            }
            if (unit == EX || unit == PX) {
                long now = c.now();
                if (v > Long.MAX_VALUE - now) {
                    c.reply.error(Errors.invalidExpire(cmd));
                    return null;
                }
                v += now;
            }
            o.expireAt = v;
        }
        return o;
    }
}
