package io.ferrite.command.family;

import io.ferrite.command.Args;
import io.ferrite.command.Lookup;
import io.ferrite.engine.Notify;
import io.ferrite.engine.command.Call;
import io.ferrite.engine.command.CommandRegistry;
import io.ferrite.engine.command.Errors;
import io.ferrite.store.Bytes;
import io.ferrite.store.Encoding;
import io.ferrite.store.Entry;
import io.ferrite.store.ValueType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Bitmap commands (Redis bitops.c). Values are never changed in place: every change writes a new array. */
public final class BitmapFamily {
    private static final String BITFIELD_TYPE =
        "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.";

    private BitmapFamily() {
    }

    public static void register(CommandRegistry r) {
        r.add("setbit", BitmapFamily::setbit);
        r.add("getbit", BitmapFamily::getbit);
        r.add("bitcount", BitmapFamily::bitcount);
        r.add("bitpos", BitmapFamily::bitpos);
        r.add("bitop", BitmapFamily::bitop);
        r.add("bitfield", c -> bitfield(c, false));
        r.add("bitfield_ro", c -> bitfield(c, true));
    }

    /**
     * Redis's getBitOffsetFromArgument: a bit offset below proto-max-bulk-len * 8, with the
     * "#N" form (N times the field width) when {@code bits > 0}; -1 after replying the error.
     */
    static long bitOffset(Call c, int i, int bits) {
        byte[] p = c.arg(i);
        int hash = (bits > 0 && p.length > 0 && p[0] == '#') ? 1 : 0;
        Long v = Bytes.parseLongStrict(p, hash, p.length - hash);
        if (v == null) {
            c.reply().error(Errors.BIT_OFFSET);
            return -1;
        }
        long off = v;
        if (hash == 1) {
            off *= bits;
        }
        if (off < 0 || (off >> 3) >= c.server.config().getLong("proto-max-bulk-len")
            || (off >> 3) >= Integer.MAX_VALUE - 16) {
            c.reply().error(Errors.BIT_OFFSET);
            return -1;
        }
        return off;
    }

    static void setbit(Call c) {
        long off = bitOffset(c, 2, 0);
        if (off < 0) {
            return;
        }
        Long on = Bytes.parseLongStrict(c.arg(3));
        if (on == null || (on & ~1L) != 0) {
            c.reply().error(Errors.BIT_VALUE);
            return;
        }
        byte[] key = c.arg(1);
        Entry e = c.ks().write(key);
        if (Lookup.wrongType(c, e, ValueType.STRING)) {
            return;
        }
        int byteIdx = (int) (off >>> 3);
        int shift = 7 - (int) (off & 7);
        if (e == null) {
            byte[] v = new byte[byteIdx + 1];
            v[byteIdx] = (byte) (on << shift);
            c.ks().add(key, ValueType.STRING, v, Encoding.RAW);
            c.ks().notify(Notify.STRING, "setbit", key);
            c.reply().integer(0);
            return;
        }
        byte[] old = e.bytes();
        int oldBit = byteIdx < old.length ? (old[byteIdx] >> shift) & 1 : 0;
        if (byteIdx >= old.length || oldBit != on) {
            byte[] v = Arrays.copyOf(old, Math.max(old.length, byteIdx + 1));
            v[byteIdx] = (byte) ((v[byteIdx] & ~(1 << shift)) | (on << shift));
            c.ks().replace(e, ValueType.STRING, v, Encoding.RAW);
            c.ks().notify(Notify.STRING, "setbit", key);
        } else {
            // dbUnshareStringValue: the value becomes raw though it does not change
            e.encoding(Encoding.RAW);
        }
        c.reply().integer(oldBit);
    }

    static void getbit(Call c) {
        long off = bitOffset(c, 2, 0);
        if (off < 0) {
            return;
        }
        Entry e = Lookup.readOrReply(c, c.arg(1), ValueType.STRING, Lookup.ZERO);
        if (e == null) {
            return;
        }
        byte[] v = e.bytes();
        long byteIdx = off >>> 3;
        int bit = 0;
        if (byteIdx < v.length) {
            bit = (v[(int) byteIdx] >> (7 - (int) (off & 7))) & 1;
        }
        c.reply().integer(bit);
    }

    static void bitcount(Call c) {
        Entry e = Lookup.readOrReply(c, c.arg(1), ValueType.STRING, Lookup.ZERO);
        if (e == null) {
            return;
        }
        byte[] p = e.bytes();
        long strlen = p.length;
        long start;
        long end;
        int firstMask = 0;
        int lastMask = 0;
        if (c.argc() == 4 || c.argc() == 5) {
            long totlen = strlen;
            Long s = Args.longOrReply(c, 2);
            if (s == null) {
                return;
            }
            Long en = Args.longOrReply(c, 3);
            if (en == null) {
                return;
            }
            start = s;
            end = en;
            if (start < 0 && end < 0 && start > end) {
                c.reply().integer(0);
                return;
            }
            boolean isBit = false;
            if (c.argc() == 5) {
                if (c.argIs(4, "bit")) {
                    isBit = true;
                } else if (!c.argIs(4, "byte")) {
                    c.reply().error(Errors.SYNTAX);
                    return;
                }
            }
            if (isBit) {
                totlen <<= 3;
            }
            if (start < 0) {
                start = totlen + start;
            }
            if (end < 0) {
                end = totlen + end;
            }
            if (start < 0) {
                start = 0;
            }
            if (end < 0) {
                end = 0;
            }
            if (end >= totlen) {
                end = totlen - 1;
            }
            if (isBit && start <= end) {
                firstMask = ~((1 << (8 - (start & 7))) - 1) & 0xFF;
                lastMask = (1 << (7 - (end & 7))) - 1;
                start >>= 3;
                end >>= 3;
            }
        } else if (c.argc() == 2) {
            start = 0;
            end = strlen - 1;
        } else {
            c.reply().error(Errors.SYNTAX);
            return;
        }
        if (start > end) {
            c.reply().integer(0);
            return;
        }
        long count = popcount(p, (int) start, (int) end);
        if (firstMask != 0) {
            count -= Integer.bitCount(p[(int) start] & firstMask);
        }
        if (lastMask != 0) {
            count -= Integer.bitCount(p[(int) end] & lastMask);
        }
        c.reply().integer(count);
    }

    private static long popcount(byte[] p, int from, int to) {
        long n = 0;
        int i = from;
        for (; i + 8 <= to + 1; i += 8) {
            n += Long.bitCount((long) LONGS.get(p, i));
        }
        for (; i <= to; i++) {
            n += Integer.bitCount(p[i] & 0xFF);
        }
        return n;
    }

    private static final java.lang.invoke.VarHandle LONGS =
        java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.BIG_ENDIAN);

    /**
     * Redis's redisBitpos over {@code count} bytes from {@code from}: the first bit equal to
     * {@code bit}; -1 when looking for a 1 and there is none; count*8 when looking for a 0 and there
     * is none.
     */
    private static long redisBitpos(byte[] p, int from, int count, int bit) {
        int skip = bit == 1 ? 0 : 0xFF;
        for (int k = 0; k < count; k++) {
            int b = p[from + k] & 0xFF;
            if (b != skip) {
                for (int j = 0; j < 8; j++) {
                    if (((b >> (7 - j)) & 1) == bit) {
                        return (long) k * 8 + j;
                    }
                }
            }
        }
        return bit == 1 ? -1 : (long) count * 8;
    }

    static void bitpos(Call c) {
        Long bitArg = Args.longOrReply(c, 2);
        if (bitArg == null) {
            return;
        }
        long bitL = bitArg;
        if (bitL != 0 && bitL != 1) {
            c.reply().error("ERR The bit argument must be 1 or 0.");
            return;
        }
        int bit = (int) bitL;
        Entry e = c.ks().read(c.arg(1));
        if (e == null) {
            c.reply().integer(bit == 1 ? -1 : 0);
            return;
        }
        if (Lookup.wrongType(c, e, ValueType.STRING)) {
            return;
        }
        byte[] p = e.bytes();
        long strlen = p.length;
        long start;
        long end;
        boolean endGiven = false;
        int firstMask = 0;
        int lastMask = 0;
        if (c.argc() >= 4 && c.argc() <= 6) {
            long totlen = strlen;
            Long s = Args.longOrReply(c, 3);
            if (s == null) {
                return;
            }
            start = s;
            boolean isBit = false;
            if (c.argc() == 6) {
                if (c.argIs(5, "bit")) {
                    isBit = true;
                } else if (!c.argIs(5, "byte")) {
                    c.reply().error(Errors.SYNTAX);
                    return;
                }
            }
            if (c.argc() >= 5) {
                Long en = Args.longOrReply(c, 4);
                if (en == null) {
                    return;
                }
                end = en;
                endGiven = true;
            } else {
                end = isBit ? (totlen << 3) + 7 : totlen - 1;
            }
            if (isBit) {
                totlen <<= 3;
            }
            if (start < 0) {
                start = totlen + start;
            }
            if (end < 0) {
                end = totlen + end;
            }
            if (start < 0) {
                start = 0;
            }
            if (end < 0) {
                end = 0;
            }
            if (end >= totlen) {
                end = totlen - 1;
            }
            if (isBit && start <= end) {
                firstMask = ~((1 << (8 - (start & 7))) - 1) & 0xFF;
                lastMask = (1 << (7 - (end & 7))) - 1;
                start >>= 3;
                end >>= 3;
            }
        } else if (c.argc() == 3) {
            start = 0;
            end = strlen - 1;
        } else {
            c.reply().error(Errors.SYNTAX);
            return;
        }
        if (start > end) {
            c.reply().integer(-1);
            return;
        }
        long bytes = end - start + 1;
        long pos;
        if (firstMask != 0 || lastMask != 0) {
            // mask the bits outside the range at both edges on a copy
            byte[] tmp = Arrays.copyOfRange(p, (int) start, (int) end + 1);
            if (bit == 1) {
                tmp[0] &= (byte) ~firstMask;
                tmp[tmp.length - 1] &= (byte) ~lastMask;
            } else {
                tmp[0] |= (byte) firstMask;
                tmp[tmp.length - 1] |= (byte) lastMask;
            }
            pos = redisBitpos(tmp, 0, tmp.length, bit);
        } else {
            pos = redisBitpos(p, (int) start, (int) bytes, bit);
        }
        if (endGiven && bit == 0 && pos == bytes << 3) {
            c.reply().integer(-1);
            return;
        }
        if (pos != -1) {
            pos += start << 3;
        }
        c.reply().integer(pos);
    }

    /** BITOP's operations. */
    private enum BitOp { AND, OR, XOR, NOT }

    static void bitop(Call c) {
        BitOp op;
        if (c.argIs(1, "and")) {
            op = BitOp.AND;
        } else if (c.argIs(1, "or")) {
            op = BitOp.OR;
        } else if (c.argIs(1, "xor")) {
            op = BitOp.XOR;
        } else if (c.argIs(1, "not")) {
            op = BitOp.NOT;
        } else {
            c.reply().error(Errors.SYNTAX);
            return;
        }
        if (op == BitOp.NOT && c.argc() != 4) {
            c.reply().error("ERR BITOP NOT must be called with a single source key.");
            return;
        }
        int numKeys = c.argc() - 3;
        byte[][] src = new byte[numKeys][];
        int maxLen = 0;
        for (int j = 0; j < numKeys; j++) {
            Entry e = c.ks().read(c.arg(j + 3));
            if (e == null) {
                src[j] = Bytes.EMPTY;
                continue;
            }
            if (Lookup.wrongType(c, e, ValueType.STRING)) {
                return;
            }
            src[j] = e.bytes();
            maxLen = Math.max(maxLen, src[j].length);
        }
        byte[] target = c.arg(2);
        if (maxLen == 0) {
            FamilyUtil.deleteTarget(c, target);
            c.reply().integer(0);
            return;
        }
        byte[] res = new byte[maxLen];
        byte[] first = src[0];
        if (op == BitOp.NOT) {
            for (int i = 0; i < maxLen; i++) {
                res[i] = (byte) ~(i < first.length ? first[i] : 0);
            }
        } else {
            System.arraycopy(first, 0, res, 0, first.length);
            for (int j = 1; j < numKeys; j++) {
                byte[] s = src[j];
                int n = s.length;
                switch (op) {
                    case AND -> {
                        for (int i = 0; i < n; i++) {
                            res[i] &= s[i];
                        }
                        Arrays.fill(res, n, maxLen, (byte) 0);
                    }
                    case OR -> {
                        for (int i = 0; i < n; i++) {
                            res[i] |= s[i];
                        }
                    }
                    default -> {
                        for (int i = 0; i < n; i++) {
                            res[i] ^= s[i];
                        }
                    }
                }
            }
        }
        c.ks().setString(target, res, Encoding.RAW, false);
        c.ks().notify(Notify.STRING, "set", target);
        c.reply().integer(maxLen);
    }

    // BITFIELD

    /** A BITFIELD subcommand. */
    private enum FieldOpcode { GET, SET, INCRBY }

    /** BITFIELD's OVERFLOW modes: wrap around, saturate, or fail (the field is left alone and the reply is nil). */
    enum Overflow { WRAP, SAT, FAIL }

    private record FieldOp(FieldOpcode opcode, long offset, long value, int bits, boolean signed, Overflow overflow) {
    }

    static void bitfield(Call c, boolean readOnlyCommand) {
        List<FieldOp> ops = new ArrayList<>();
        Overflow overflow = Overflow.WRAP;
        boolean readonly = true;
        long highestWrite = 0;
        for (int j = 2; j < c.argc(); j++) {
            int remaining = c.argc() - j - 1;
            FieldOpcode opcode;
            if (c.argIs(j, "get") && remaining >= 2) {
                opcode = FieldOpcode.GET;
            } else if (c.argIs(j, "set") && remaining >= 3) {
                opcode = FieldOpcode.SET;
            } else if (c.argIs(j, "incrby") && remaining >= 3) {
                opcode = FieldOpcode.INCRBY;
            } else if (c.argIs(j, "overflow") && remaining >= 1) {
                j++;
                if (c.argIs(j, "wrap")) {
                    overflow = Overflow.WRAP;
                } else if (c.argIs(j, "sat")) {
                    overflow = Overflow.SAT;
                } else if (c.argIs(j, "fail")) {
                    overflow = Overflow.FAIL;
                } else {
                    c.reply().error("ERR Invalid OVERFLOW type specified");
                    return;
                }
                continue;
            } else {
                c.reply().error(Errors.SYNTAX);
                return;
            }
            byte[] type = c.arg(j + 1);
            boolean signed;
            if (type.length > 0 && type[0] == 'i') {
                signed = true;
            } else if (type.length > 0 && type[0] == 'u') {
                signed = false;
            } else {
                c.reply().error(BITFIELD_TYPE);
                return;
            }
            // strlen(p+1): C stops at the first NUL
            int typeEnd = 1;
            while (typeEnd < type.length && type[typeEnd] != 0) {
                typeEnd++;
            }
            Long bitsL = Bytes.parseLongStrict(type, 1, typeEnd - 1);
            if (bitsL == null || bitsL < 1 || (signed && bitsL > 64) || (!signed && bitsL > 63)) {
                c.reply().error(BITFIELD_TYPE);
                return;
            }
            int bits = (int) (long) bitsL;
            long offset = bitOffset(c, j + 2, bits);
            if (offset < 0) {
                return;
            }
            long value = 0;
            if (opcode != FieldOpcode.GET) {
                readonly = false;
                if (Long.compareUnsigned(highestWrite, offset + bits - 1) < 0) {
                    highestWrite = offset + bits - 1;
                }
                Long v = Args.longOrReply(c, j + 3);
                if (v == null) {
                    return;
                }
                value = v;
            }
            ops.add(new FieldOp(opcode, offset, value, bits, signed, overflow));
            j += 3 - (opcode == FieldOpcode.GET ? 1 : 0);
        }

        byte[] key = c.arg(1);
        byte[] buf;
        Entry e;
        boolean created = false;
        boolean grown = false;
        if (readonly) {
            e = c.ks().read(key);
            if (Lookup.wrongType(c, e, ValueType.STRING)) {
                return;
            }
            buf = e == null ? null : e.bytes();
        } else {
            if (readOnlyCommand) {
                c.reply().error("ERR BITFIELD_RO only supports the GET subcommand");
                return;
            }
            e = c.ks().write(key);
            if (Lookup.wrongType(c, e, ValueType.STRING)) {
                return;
            }
            int need = (int) ((highestWrite >>> 3) + 1);
            if (e == null) {
                buf = new byte[need];
                created = true;
            } else {
                byte[] old = e.bytes();
                buf = Arrays.copyOf(old, Math.max(old.length, need));
                grown = buf.length != old.length;
            }
        }

        c.reply().array(ops.size());
        boolean changed = false;
        // Redis counts a SET / INCRBY carried out as a change if it made or grew the string or changed the field
        long changes = 0;
        for (FieldOp op : ops) {
            if (op.opcode == FieldOpcode.GET) {
                long v = buf == null ? 0 : getField(buf, op.offset, op.bits);
                c.reply().integer(op.signed ? signExtend(v, op.bits) : v);
                continue;
            }
            long oldRaw = getField(buf, op.offset, op.bits);
            long newval;
            long retval;
            boolean overflowed;
            if (op.signed) {
                long oldval = signExtend(oldRaw, op.bits);
                long[] wrapped = new long[1];
                if (op.opcode == FieldOpcode.INCRBY) {
                    overflowed = signedOverflow(oldval, op.value, op.bits, op.overflow, wrapped);
                    newval = overflowed ? wrapped[0] : oldval + op.value;
                    retval = newval;
                } else {
                    newval = op.value;
                    overflowed = signedOverflow(newval, 0, op.bits, op.overflow, wrapped);
                    if (overflowed) {
                        newval = wrapped[0];
                    }
                    retval = oldval;
                }
            } else {
                long oldval = oldRaw;
                long[] wrapped = new long[1];
                if (op.opcode == FieldOpcode.INCRBY) {
                    newval = oldval + op.value;
                    overflowed = unsignedOverflow(oldval, op.value, op.bits, op.overflow, wrapped);
                    if (overflowed) {
                        newval = wrapped[0];
                    }
                    retval = newval;
                } else {
                    newval = op.value;
                    overflowed = unsignedOverflow(newval, 0, op.bits, op.overflow, wrapped);
                    if (overflowed) {
                        newval = wrapped[0];
                    }
                    retval = oldval;
                }
            }
            if (overflowed && op.overflow == Overflow.FAIL) {
                c.reply().nil();
                continue;
            }
            c.reply().integer(retval);
            setField(buf, op.offset, op.bits, newval);
            long mask = op.bits == 64 ? -1L : (1L << op.bits) - 1;
            boolean fieldChanged = (newval & mask) != oldRaw;
            changed |= fieldChanged;
            if (created || grown || fieldChanged) {
                changes++;
            }
        }

        if (readonly) {
            return;
        }
        if (created) {
            c.ks().add(key, ValueType.STRING, buf, Encoding.RAW);
        } else if (changed || grown) {
            c.ks().replace(e, ValueType.STRING, buf, Encoding.RAW);
        } else {
            e.encoding(Encoding.RAW);
        }
        if (changes > 0) {
            // the add or replace above counted one
            c.ks().countChanges(changes - 1);
            c.ks().notify(Notify.STRING, "setbit", key);
        }
    }

    /** The {@code bits}-wide big-endian field at bit {@code offset}, unsigned; bytes past the end read as 0. */
    static long getField(byte[] p, long offset, int bits) {
        long value = 0;
        for (int j = 0; j < bits; j++) {
            long o = offset + j;
            long byteIdx = o >>> 3;
            int bit = 0;
            if (byteIdx < p.length) {
                bit = (p[(int) byteIdx] >> (7 - (int) (o & 7))) & 1;
            }
            value = (value << 1) | bit;
        }
        return value;
    }

    static void setField(byte[] p, long offset, int bits, long value) {
        for (int j = 0; j < bits; j++) {
            int bitval = (int) ((value >>> (bits - 1 - j)) & 1);
            long o = offset + j;
            int byteIdx = (int) (o >>> 3);
            int shift = 7 - (int) (o & 7);
            p[byteIdx] = (byte) ((p[byteIdx] & ~(1 << shift)) | (bitval << shift));
        }
    }

    static long signExtend(long v, int bits) {
        if (bits == 64) {
            return v;
        }
        return (v << (64 - bits)) >> (64 - bits);
    }

    /** Redis's checkUnsignedBitfieldOverflow. */
    static boolean unsignedOverflow(long value, long incr, int bits, Overflow owtype, long[] limit) {
        long max = (1L << bits) - 1; // bits <= 63
        long maxincr = max - value;
        long minincr = -value;
        if (Long.compareUnsigned(value, max) > 0 || (incr > 0 && incr > maxincr)) {
            if (owtype == Overflow.WRAP) {
                limit[0] = (value + incr) & max;
            } else if (owtype == Overflow.SAT) {
                limit[0] = max;
            }
            return true;
        } else if (incr < 0 && incr < minincr) {
            if (owtype == Overflow.WRAP) {
                limit[0] = (value + incr) & max;
            } else if (owtype == Overflow.SAT) {
                limit[0] = 0;
            }
            return true;
        }
        return false;
    }

    /** Redis's checkSignedBitfieldOverflow. */
    static boolean signedOverflow(long value, long incr, int bits, Overflow owtype, long[] limit) {
        long max = bits == 64 ? Long.MAX_VALUE : (1L << (bits - 1)) - 1;
        long min = -max - 1;
        long maxincr = max - value;
        long minincr = min - value;
        if (value > max || (bits != 64 && incr > maxincr) || (value >= 0 && incr > 0 && incr > maxincr)) {
            if (limit != null) {
                if (owtype == Overflow.WRAP) {
                    limit[0] = wrapSigned(value, incr, bits);
                } else if (owtype == Overflow.SAT) {
                    limit[0] = max;
                }
            }
            return true;
        } else if (value < min || (bits != 64 && incr < minincr) || (value < 0 && incr < 0 && incr < minincr)) {
            if (limit != null) {
                if (owtype == Overflow.WRAP) {
                    limit[0] = wrapSigned(value, incr, bits);
                } else if (owtype == Overflow.SAT) {
                    limit[0] = min;
                }
            }
            return true;
        }
        return false;
    }

    private static long wrapSigned(long value, long incr, int bits) {
        long res = value + incr;
        if (bits < 64) {
            long mask = -1L << bits;
            long msb = 1L << (bits - 1);
            if ((res & msb) != 0) {
                res |= mask;
            } else {
                res &= ~mask;
            }
        }
        return res;
    }
}
