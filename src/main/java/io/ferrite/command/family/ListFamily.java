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
import io.ferrite.store.list.ListValue;

import java.util.Arrays;

/**
 * List commands (Redis 7.0 t_list.c), blocking variants excepted. Redis 7.0 encodes every list as a
 * quicklist (the listpack encoding for small lists came in 7.2), so OBJECT ENCODING always says
 * "quicklist"; the nodes themselves are packed ({@link ListValue}).
 */
public final class ListFamily {
    static final String OUT_OF_RANGE_POSITIVE = "ERR value is out of range, must be positive";
    static final String INDEX_OUT_OF_RANGE = "ERR index out of range";

    private ListFamily() {
    }

    public static void register(CommandRegistry r) {
        r.add("lpush", c -> push(c, true, false));
        r.add("rpush", c -> push(c, false, false));
        r.add("lpushx", c -> push(c, true, true));
        r.add("rpushx", c -> push(c, false, true));
        r.add("lpop", c -> pop(c, true));
        r.add("rpop", c -> pop(c, false));
        r.add("llen", ListFamily::llen);
        r.add("lrange", ListFamily::lrange);
        r.add("lindex", ListFamily::lindex);
        r.add("lset", ListFamily::lset);
        r.add("linsert", ListFamily::linsert);
        r.add("lrem", ListFamily::lrem);
        r.add("ltrim", ListFamily::ltrim);
        r.add("lpos", ListFamily::lpos);
        r.add("lmove", ListFamily::lmove);
        r.add("rpoplpush", c -> move(c, c.arg(1), c.arg(2), false, true));
        r.add("lmpop", ListFamily::lmpop);
    }

    /** list-max-listpack-size, the quicklist node fill. */
    static int fill(Call c) {
        return (int) c.server.config().getLong("list-max-listpack-size");
    }

    /** The list a command reads or changes; one loaded corrupt with sanitize-dump-payload no ends the server here. */
    private static ListValue list(Entry e) {
        ListValue l = (ListValue) e.value();
        FamilyUtil.readable(l.corruption(), "list");
        return l;
    }

    /** Accounts a change made to a list in place and reports it as {@code event}, deleting the key if the list became empty. */
    private static void changed(Call c, Entry e, ListValue l, long memoryBefore, String event) {
        c.ks().modified(e, l.memory() - memoryBefore);
        c.ks().notify(Notify.LIST, event, e.key);
        FamilyUtil.deleteIfEmpty(c, e.key, l.isEmpty());
    }

    /** A list's ends as LMOVE, BLMOVE, LMPOP and BLMPOP name them. */
    enum End {
        LEFT, RIGHT;

        boolean head() {
            return this == LEFT;
        }
    }

    /** Redis's getListPositionFromObjectOrReply: the end named by argument {@code i}, or null after a syntax error. */
    static End position(Call c, int i) {
        if (c.argIs(i, "left")) {
            return End.LEFT;
        }
        if (c.argIs(i, "right")) {
            return End.RIGHT;
        }
        c.reply().error(Errors.SYNTAX);
        return null;
    }

    // ---------------------------------------------------------------- push and pop

    static void push(Call c, boolean head, boolean onlyExisting) {
        byte[] key = c.arg(1);
        Entry e = c.ks().write(key);
        if (Lookup.wrongType(c, e, ValueType.LIST)) {
            return;
        }
        if (e == null) {
            if (onlyExisting) {
                c.reply().integer(0);
                return;
            }
            e = c.ks().add(key, ValueType.LIST, new ListValue(), Encoding.QUICKLIST);
        }
        ListValue l = list(e);
        long before = l.memory();
        int fill = fill(c);
        c.ks().signalReady(key);
        for (int i = 2; i < c.argc(); i++) {
            l.push(c.arg(i), head, fill);
        }
        changed(c, e, l, before, head ? "lpush" : "rpush");
        c.reply().integer(l.size());
    }

    static void pop(Call c, boolean head) {
        if (c.argc() > 3) {
            c.reply().error("ERR wrong number of arguments for '" + (head ? "lpop" : "rpop") + "' command");
            return;
        }
        boolean hasCount = c.argc() == 3;
        long count = 0;
        if (hasCount) {
            Long v = Args.atLeastOrReply(c, 2, 0, OUT_OF_RANGE_POSITIVE);
            if (v == null) {
                return;
            }
            count = v;
        }
        Entry e = Lookup.writeOrReply(c, c.arg(1), ValueType.LIST, hasCount ? Lookup.NIL_ARRAY : Lookup.NIL);
        if (e == null) {
            return;
        }
        if (hasCount && count == 0) {
            c.reply().array(0);
            return;
        }
        ListValue l = list(e);
        long before = l.memory();
        if (!hasCount) {
            c.reply().bulk(l.pop(head));
        } else {
            popMany(c, l, head, count);
        }
        changed(c, e, l, before, head ? "lpop" : "rpop");
    }

    private static void popMany(Call c, ListValue l, boolean head, long count) {
        long n = Math.min(count, l.size());
        c.reply().array((int) n);
        for (long i = 0; i < n; i++) {
            c.reply().bulk(l.pop(head));
        }
    }

    static void lmpop(Call c) {
        MultiPop<End> a = MultiPop.parse(c, 1, ListFamily::position);
        if (a == null) {
            return;
        }
        for (int i = 2; i < 2 + a.numkeys(); i++) {
            byte[] key = c.arg(i);
            Entry e = c.ks().write(key);
            if (e == null) {
                continue;
            }
            if (Lookup.wrongType(c, e, ValueType.LIST)) {
                return;
            }
            popManyWithKey(c, e, a.end().head(), a.count());
            return;
        }
        c.reply().nilArray();
    }

    // ---------------------------------------------------------------- LMOVE RPOPLPUSH

    static void lmove(Call c) {
        End from = position(c, 3);
        if (from == null) {
            return;
        }
        End to = position(c, 4);
        if (to == null) {
            return;
        }
        move(c, c.arg(1), c.arg(2), from.head(), to.head());
    }

    static void move(Call c, byte[] src, byte[] dst, boolean fromHead, boolean toHead) {
        Entry se = Lookup.writeOrReply(c, src, ValueType.LIST, Lookup.NIL);
        if (se == null) {
            return;
        }
        Entry de = c.ks().write(dst);
        if (Lookup.wrongType(c, de, ValueType.LIST)) {
            return;
        }
        ListValue sl = list(se);
        int fill = fill(c);
        if (Arrays.equals(src, dst)) {
            long before = sl.memory();
            byte[] v = sl.pop(fromHead);
            sl.push(v, toHead, fill);
            // Redis reports the push, then the pop, of the same key
            c.ks().notify(Notify.LIST, toHead ? "lpush" : "rpush", src);
            changed(c, se, sl, before, fromHead ? "lpop" : "rpop");
            c.reply().bulk(v);
            return;
        }
        long sBefore = sl.memory();
        byte[] v = sl.pop(fromHead);
        if (de == null) {
            de = c.ks().add(dst, ValueType.LIST, new ListValue(), Encoding.QUICKLIST);
        }
        ListValue dl = list(de);
        long dBefore = dl.memory();
        dl.push(v, toHead, fill);
        changed(c, de, dl, dBefore, toHead ? "lpush" : "rpush");
        changed(c, se, sl, sBefore, fromHead ? "lpop" : "rpop");
        c.reply().bulk(v);
    }

    // ---------------------------------------------------------------- reads

    /** The list at a key for reading: null after replying {@code missing} (or WRONGTYPE). */
    private static ListValue readList(Call c, Lookup.Missing missing) {
        return Lookup.value(Lookup.readOrReply(c, c.arg(1), ValueType.LIST, missing));
    }

    static void llen(Call c) {
        ListValue l = readList(c, Lookup.ZERO);
        if (l != null) {
            c.reply().integer(l.size());
        }
    }

    static void lindex(Call c) {
        ListValue l = readList(c, Lookup.NIL);
        if (l == null) {
            return;
        }
        Long index = Args.longOrReply(c, 2);
        if (index == null) {
            return;
        }
        long i = index < 0 ? l.size() + index : index;
        if (i < 0 || i >= l.size()) {
            c.reply().nil();
            return;
        }
        ListValue.Iter it = l.at(i);
        c.reply().bulk(it.buf(), it.dataOff(), it.len());
    }

    static void lrange(Call c) {
        Long start = Bytes.parseLongStrict(c.arg(2));
        Long end = start == null ? null : Bytes.parseLongStrict(c.arg(3));
        if (end == null) {
            c.reply().error(Errors.NOT_INTEGER);
            return;
        }
        ListValue l = readList(c, Lookup.EMPTY_ARRAY);
        if (l == null) {
            return;
        }
        long llen = l.size();
        long s = start;
        long en = end;
        if (s < 0) {
            s = llen + s;
        }
        if (en < 0) {
            en = llen + en;
        }
        if (s < 0) {
            s = 0;
        }
        if (s > en || s >= llen) {
            c.reply().array(0);
            return;
        }
        if (en >= llen) {
            en = llen - 1;
        }
        long n = en - s + 1;
        c.reply().array((int) n);
        l.range(s, n, false, c.reply()::bulk);
    }

    static void lpos(Call c) {
        byte[] ele = c.arg(2);
        boolean fromHead = true;
        long rank = 1;
        long count = -1;
        long maxlen = 0;
        for (int j = 3; j < c.argc(); j++) {
            int more = c.argc() - 1 - j;
            if (c.argIs(j, "rank") && more > 0) {
                j++;
                Long v = Args.longOrReply(c, j);
                if (v == null) {
                    return;
                }
                if (v == 0) {
                    c.reply().error("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... "
                        + "or use negative to start from the end of the list");
                    return;
                }
                rank = v;
            } else if (c.argIs(j, "count") && more > 0) {
                j++;
                Long v = Args.atLeastOrReply(c, j, 0, "ERR COUNT can't be negative");
                if (v == null) {
                    return;
                }
                count = v;
            } else if (c.argIs(j, "maxlen") && more > 0) {
                j++;
                Long v = Args.atLeastOrReply(c, j, 0, "ERR MAXLEN can't be negative");
                if (v == null) {
                    return;
                }
                maxlen = v;
            } else {
                c.reply().error(Errors.SYNTAX);
                return;
            }
        }
        if (rank < 0) {
            rank = -rank; // Long.MIN_VALUE stays negative, as in C: every match then qualifies
            fromHead = false;
        }
        Entry e = Lookup.readOrReply(c, c.arg(1), ValueType.LIST, count != -1 ? Lookup.EMPTY_ARRAY : Lookup.NIL);
        if (e == null) {
            return;
        }
        ListValue l = list(e);
        long llen = l.size();
        long[] found = count != -1 ? new long[16] : null;
        int nfound = 0;
        long matches = 0;
        long matchIndex = -1;
        long index = 0;
        ListValue.Iter it = fromHead ? l.first() : l.last();
        while (it.valid() && (maxlen == 0 || index < maxlen)) {
            if (it.equalsTo(ele)) {
                matches++;
                matchIndex = fromHead ? index : llen - index - 1;
                if (matches >= rank) {
                    if (found != null) {
                        if (nfound == found.length) {
                            found = Arrays.copyOf(found, nfound * 2);
                        }
                        found[nfound++] = matchIndex;
                        if (count != 0 && matches - rank + 1 >= count) {
                            break;
                        }
                    } else {
                        break;
                    }
                }
            }
            index++;
            matchIndex = -1;
            it.move(fromHead);
        }
        if (found != null) {
            c.reply().array(nfound);
            for (int i = 0; i < nfound; i++) {
                c.reply().integer(found[i]);
            }
        } else if (matchIndex != -1) {
            c.reply().integer(matchIndex);
        } else {
            c.reply().nil();
        }
    }

    // ---------------------------------------------------------------- changes in the middle

    static void lset(Call c) {
        Entry e = Lookup.writeOrReply(c, c.arg(1), ValueType.LIST, Lookup.NO_SUCH_KEY);
        if (e == null) {
            return;
        }
        Long index = Args.longOrReply(c, 2);
        if (index == null) {
            return;
        }
        ListValue l = list(e);
        long i = index < 0 ? l.size() + index : index;
        if (i < 0 || i >= l.size()) {
            c.reply().error(INDEX_OUT_OF_RANGE);
            return;
        }
        long before = l.memory();
        l.set(l.at(i), c.arg(3), fill(c));
        changed(c, e, l, before, "lset");
        c.reply().ok();
    }

    static void linsert(Call c) {
        boolean after;
        if (c.argIs(2, "after")) {
            after = true;
        } else if (c.argIs(2, "before")) {
            after = false;
        } else {
            c.reply().error(Errors.SYNTAX);
            return;
        }
        Entry e = Lookup.writeOrReply(c, c.arg(1), ValueType.LIST, Lookup.ZERO);
        if (e == null) {
            return;
        }
        ListValue l = list(e);
        byte[] pivot = c.arg(3);
        for (ListValue.Iter it = l.first(); it.valid(); it.next()) {
            if (it.equalsTo(pivot)) {
                long before = l.memory();
                l.insert(it, after, c.arg(4), fill(c));
                changed(c, e, l, before, "linsert");
                c.reply().integer(l.size());
                return;
            }
        }
        c.reply().integer(-1);
    }

    static void lrem(Call c) {
        Long toRemove = Args.longOrReply(c, 2);
        if (toRemove == null) {
            return;
        }
        Entry e = Lookup.writeOrReply(c, c.arg(1), ValueType.LIST, Lookup.ZERO);
        if (e == null) {
            return;
        }
        ListValue l = list(e);
        long limit = toRemove < 0 ? -toRemove : toRemove;
        if (limit < 0) {
            limit = 0; // -LONG_MIN overflows in C too, and never matches the removed count: all go
        }
        long before = l.memory();
        long removed = l.removeMatching(c.arg(3), limit, toRemove < 0, fill(c));
        if (removed > 0) {
            changed(c, e, l, before, "lrem");
        }
        c.reply().integer(removed);
    }

    static void ltrim(Call c) {
        Long start = Bytes.parseLongStrict(c.arg(2));
        Long end = start == null ? null : Bytes.parseLongStrict(c.arg(3));
        if (end == null) {
            c.reply().error(Errors.NOT_INTEGER);
            return;
        }
        Entry e = Lookup.writeOrReply(c, c.arg(1), ValueType.LIST, Lookup.OK);
        if (e == null) {
            return;
        }
        ListValue l = list(e);
        long llen = l.size();
        long s = start;
        long en = end;
        if (s < 0) {
            s = llen + s;
        }
        if (en < 0) {
            en = llen + en;
        }
        if (s < 0) {
            s = 0;
        }
        long ltrim;
        long rtrim;
        if (s > en || s >= llen) {
            ltrim = llen;
            rtrim = 0;
        } else {
            if (en >= llen) {
                en = llen - 1;
            }
            ltrim = s;
            rtrim = llen - en - 1;
        }
        long before = l.memory();
        l.removeHead(ltrim);
        l.removeTail(rtrim);
        changed(c, e, l, before, "ltrim"); // Redis signals the key even when nothing was trimmed
        c.reply().ok();
    }

    // ---------------------------------------------------------------- pops for the blocking commands

    /** BLPOP's and BRPOP's pop from a list known to exist: replies [key, element]. */
    static void popWithKey(Call c, Entry e, boolean head) {
        ListValue l = list(e);
        long before = l.memory();
        c.reply().array(2);
        c.reply().bulk(e.key);
        c.reply().bulk(l.pop(head));
        changed(c, e, l, before, head ? "lpop" : "rpop");
    }

    /** LMPOP's and BLMPOP's pop of up to {@code count} elements (Redis's listPopRangeAndReplyWithKey): replies [key, [elements]]. */
    static void popManyWithKey(Call c, Entry e, boolean head, long count) {
        ListValue l = list(e);
        long before = l.memory();
        // LMPOP and BLMPOP as LPOP/RPOP key with the number popped (Redis's listPopRangeAndReplyWithKey)
        Propagated.as(c, head ? Propagated.LPOP : Propagated.RPOP, e.key, Propagated.number(Math.min(count, l.size())));
        c.reply().array(2);
        c.reply().bulk(e.key);
        popMany(c, l, head, count);
        changed(c, e, l, before, head ? "lpop" : "rpop");
    }
}
