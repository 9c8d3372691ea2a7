package io.ferrite.command.family;

import io.ferrite.engine.command.Call;
import io.ferrite.engine.command.Errors;
import io.ferrite.store.Bytes;
import io.ferrite.store.Entry;

/**
 * SET's and GETEX's options, parsed as Redis's parseExtendedStringArgumentsOrReply does; the expire
 * time is checked separately ({@link #resolveExpire}) because GETEX checks it only after the lookup.
 */
final class SetOptions {
    enum Mode { SET, GETEX }

    /** Which of EX PX EXAT PXAT gave the expire time, or NONE. */
    enum Unit {
        NONE, EX, PX, EXAT, PXAT;

        boolean seconds() {
            return this == EX || this == EXAT;
        }

        boolean absolute() {
            return this == EXAT || this == PXAT;
        }
    }

    boolean nx;
    boolean xx;
    boolean get;
    boolean keepTtl;
    boolean persist;
    Unit unit = Unit.NONE;
    /** The expire argument as given. */
    byte[] expire;
    /** Absolute Unix ms after {@link #resolveExpire}, or {@link Entry#NO_EXPIRY}. */
    long expireAt = Entry.NO_EXPIRY;

    boolean absolute() {
        return unit.absolute();
    }

    /**
     * The options of a call that gives none (a plain SET k v): shared, and never changed, since
     * {@link #resolveExpire} writes nothing without a unit. Saves an allocation per plain SET.
     */
    private static final SetOptions NO_OPTIONS = new SetOptions();

    /** Returns the options, or null after replying Redis's syntax error. */
    static SetOptions parse(Call c, int from, Mode mode) {
        if (from >= c.argc()) {
            return NO_OPTIONS;
        }
        SetOptions o = new SetOptions();
        boolean set = mode == Mode.SET;
        for (int j = from; j < c.argc(); j++) {
            byte[] opt = c.arg(j);
            boolean hasNext = j < c.argc() - 1;
            Unit unit = o.unit;
            if (set && Bytes.is(opt, "nx") && !o.xx) {
                o.nx = true;
            } else if (set && Bytes.is(opt, "xx") && !o.nx) {
                o.xx = true;
            } else if (set && Bytes.is(opt, "get")) {
                o.get = true;
            } else if (set && Bytes.is(opt, "keepttl") && !o.persist && unit == Unit.NONE) {
                o.keepTtl = true;
            } else if (!set && Bytes.is(opt, "persist") && unit == Unit.NONE && !o.keepTtl) {
                o.persist = true;
            } else if (hasNext && !o.keepTtl && !o.persist && timeOption(opt) != Unit.NONE
                && (unit == Unit.NONE || unit == timeOption(opt))) {
                o.unit = timeOption(opt);
                o.expire = c.arg(++j);
            } else {
                c.reply().error(Errors.SYNTAX);
                return null;
            }
        }
        return o;
    }

    private static Unit timeOption(byte[] opt) {
        if (Bytes.is(opt, "ex")) {
            return Unit.EX;
        }
        if (Bytes.is(opt, "px")) {
            return Unit.PX;
        }
        if (Bytes.is(opt, "exat")) {
            return Unit.EXAT;
        }
        if (Bytes.is(opt, "pxat")) {
            return Unit.PXAT;
        }
        return Unit.NONE;
    }

    /** Sets {@link #expireAt} from the expire argument, if any; false after replying an error. */
    boolean resolveExpire(Call c, String command) {
        if (unit == Unit.NONE) {
            return true;
        }
        long at = expireAt(c, expire, unit, command);
        if (at == Entry.NO_EXPIRY) {
            return false;
        }
        expireAt = at;
        return true;
    }

    /**
     * Redis's getExpireMillisecondsOrReply: the absolute expiry in Unix ms, or
     * {@link Entry#NO_EXPIRY} after replying the error.
     */
    static long expireAt(Call c, byte[] arg, Unit unit, String command) {
        Long parsed = Bytes.parseLongStrict(arg);
        if (parsed == null) {
            c.reply().error(Errors.NOT_INTEGER);
            return Entry.NO_EXPIRY;
        }
        long v = parsed;
        boolean seconds = unit.seconds();
        if (v <= 0 || (seconds && v > Long.MAX_VALUE / 1000)) {
            c.reply().error(Errors.invalidExpire(command));
            return Entry.NO_EXPIRY;
        }
        if (seconds) {
            v *= 1000;
        }
        if (unit == Unit.EX || unit == Unit.PX) {
            long now = c.now();
            if (v > Long.MAX_VALUE - now) {
                c.reply().error(Errors.invalidExpire(command));
                return Entry.NO_EXPIRY;
            }
            v += now;
        }
        return v;
    }
}
