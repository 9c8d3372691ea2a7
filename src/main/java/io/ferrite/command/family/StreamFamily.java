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
import io.ferrite.store.stream.StreamId;
import io.ferrite.store.stream.StreamValue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Stream commands (Redis 7.0 t_stream.c). This class holds the entry commands and XREAD; consumer
 * groups are in {@link StreamGroupCommands} and XINFO in {@link StreamInfoCommands}. Streams are
 * never deleted for becoming empty, as in Redis.
 */
public final class StreamFamily {
    private StreamFamily() {
    }

    public static void register(CommandRegistry r) {
        r.add("xadd", StreamFamily::xadd);
        r.add("xrange", c -> xrange(c, false));
        r.add("xrevrange", c -> xrange(c, true));
        r.add("xlen", StreamFamily::xlen);
        r.add("xdel", StreamFamily::xdel);
        r.add("xtrim", StreamFamily::xtrim);
        r.add("xsetid", StreamFamily::xsetid);
        r.add("xread", c -> StreamReads.read(c, false));
        r.add("xreadgroup", c -> StreamReads.read(c, true));
        StreamGroupCommands.register(r);
        StreamInfoCommands.register(r);
    }

    /** The stream a command reads or changes; one loaded corrupt with sanitize-dump-payload no ends the server here. */
    static StreamValue stream(Entry e) {
        StreamValue s = (StreamValue) e.value();
        FamilyUtil.readable(s.corruption(), "stream");
        return s;
    }

    static Entry create(Call c, byte[] key) {
        return c.ks().add(key, ValueType.STREAM, new StreamValue(), Encoding.STREAM);
    }

    /** Accounts a change to a stream's entries: WATCH sees it (signalModifiedKey). */
    static void changed(Call c, Entry e, long memoryBefore) {
        c.ks().modified(e, stream(e).memory() - memoryBefore);
    }

    /**
     * Accounts a change to a stream's metadata, consumer groups or pending entries, which Redis 7.0
     * does not signal to WATCH.
     */
    static void regrouped(Call c, Entry e, long memoryBefore) {
        c.ks().resized(e, stream(e).memory() - memoryBefore);
    }

    // ---------------------------------------------------------------- XADD XTRIM

    /** The options XADD and XTRIM share (streamAddTrimArgs). */
    static final class TrimArgs {
        boolean maxLen;
        boolean minId;
        long maxLenValue;
        StreamId minIdValue;
        boolean approx;
        long limit;
        boolean noMkStream;
        StreamId id;
        boolean seqGiven = true;
        boolean idGiven;
        /** Where the ID (XADD) was found. */
        int idPos;
        /** Where the trimming threshold is, and the "~" or "=" before it (-1 if none): approximate trimming is propagated as exact. */
        int thresholdPos = -1;
        int approxPos = -1;

        /**
         * Redis's streamRewriteApproxSpecifier and streamRewriteTrimArgument: approximate (or
         * LIMITed) trimming propagates as exact trimming to what it left, MAXLEN the length,
         * MINID the first ID, so a replica trims exactly the same entries.
         */
        void rewriteApprox(byte[][] argv, StreamValue s) {
            if (!approx) {
                return;
            }
            argv[approxPos] = new byte[] {'='};
            if (maxLen) {
                argv[thresholdPos] = Bytes.fromLong(s.length());
            } else if (s.length() > 0) {
                argv[thresholdPos] = s.firstId().bytes();
            }
        }

        boolean trims() {
            return maxLen || minId;
        }

        long apply(StreamValue s) {
            if (maxLen) {
                return s.trimMaxLen(maxLenValue, approx, limit);
            }
            return minId ? s.trimMinId(minIdValue, approx, limit) : 0;
        }
    }

    static final String BOTH_STRATEGIES =
        "ERR syntax error, MAXLEN and MINID options at the same time are not compatible";

    /** streamParseAddOrTrimArgsOrReply: null after replying an error. */
    static TrimArgs parseTrimArgs(Call c, boolean xadd) {
        TrimArgs a = new TrimArgs();
        boolean limitGiven = false;
        int i = 2;
        for (; i < c.argc(); i++) {
            int more = c.argc() - 1 - i;
            byte[] opt = c.arg(i);
            if (xadd && opt.length == 1 && opt[0] == '*') {
                break;
            } else if ((Bytes.is(opt, "maxlen") || Bytes.is(opt, "minid")) && more > 0) {
                if (a.trims()) {
                    c.reply().error(BOTH_STRATEGIES);
                    return null;
                }
                boolean isMaxLen = Bytes.is(opt, "maxlen");
                a.approx = false;
                byte[] next = c.arg(i + 1);
                a.approxPos = -1;
                if (more >= 2 && next.length == 1 && (next[0] == '~' || next[0] == '=')) {
                    a.approx = next[0] == '~';
                    a.approxPos = i + 1;
                    i++;
                }
                a.thresholdPos = i + 1;
                if (isMaxLen) {
                    Long v = Args.longOrReply(c, i + 1);
                    if (v == null) {
                        return null;
                    }
                    if (v < 0) {
                        c.reply().error("ERR The MAXLEN argument must be >= 0.");
                        return null;
                    }
                    a.maxLen = true;
                    a.maxLenValue = v;
                } else {
                    StreamId id = StreamIds.parse(c, c.arg(i + 1), 0, true, null);
                    if (id == null) {
                        return null;
                    }
                    a.minId = true;
                    a.minIdValue = id;
                }
                i++;
            } else if (Bytes.is(opt, "limit") && more > 0) {
                Long v = Args.longOrReply(c, i + 1);
                if (v == null) {
                    return null;
                }
                if (v < 0) {
                    c.reply().error("ERR The LIMIT argument must be >= 0.");
                    return null;
                }
                a.limit = v;
                limitGiven = true;
                i++;
            } else if (xadd && Bytes.is(opt, "nomkstream")) {
                a.noMkStream = true;
            } else if (xadd) {
                boolean[] seqGiven = {true};
                a.id = StreamIds.parse(c, opt, 0, true, seqGiven);
                if (a.id == null) {
                    return null;
                }
                a.seqGiven = seqGiven[0];
                a.idGiven = true;
                break;
            } else {
                c.reply().error(Errors.SYNTAX);
                return null;
            }
        }
        a.idPos = i;
        if (a.limit != 0 && !a.trims()) {
            c.reply().error("ERR syntax error, LIMIT cannot be used without specifying a trimming strategy");
            return null;
        }
        if (!xadd && !a.trims()) {
            c.reply().error("ERR syntax error, XTRIM must be called with a trimming strategy");
            return null;
        }
        if (c.client != null && c.client.mustObey()) {
            // the master and the AOF send trims rewritten to exact figures, LIMIT and all: no work bound then
            a.limit = 0;
        } else if (limitGiven) {
            if (!a.approx) {
                c.reply().error("ERR syntax error, LIMIT cannot be used without the special ~ option");
                return null;
            }
        } else if (a.approx) {
            // Redis bounds approximate trimming's work by default
            a.limit = 100 * c.server.config().getLong("stream-node-max-entries");
            if (a.limit <= 0) {
                a.limit = 10_000;
            }
        } else {
            a.limit = 0;
        }
        return a;
    }

    static void xadd(Call c) {
        TrimArgs a = parseTrimArgs(c, true);
        if (a == null) {
            return;
        }
        int fieldPos = a.idPos + 1;
        int fields = c.argc() - fieldPos;
        if (fields < 2 || fields % 2 == 1) {
            c.reply().error("ERR wrong number of arguments for 'xadd' command");
            return;
        }
        if (a.idGiven && a.seqGiven && a.id.isZero()) {
            c.reply().error("ERR The ID specified in XADD must be greater than 0-0");
            return;
        }
        byte[] key = c.arg(1);
        Entry e = c.ks().write(key);
        if (Lookup.wrongType(c, e, ValueType.STREAM)) {
            return;
        }
        if (e == null) {
            if (a.noMkStream) {
                c.reply().nil();
                return;
            }
            e = create(c, key);
        }
        StreamValue s = stream(e);
        if (s.lastId().equals(StreamId.MAX)) {
            c.reply().error("ERR The stream has exhausted the last possible ID, unable to add more items");
            return;
        }
        StreamId id;
        if (!a.idGiven) {
            id = s.nextId(c.now());
        } else if (a.seqGiven) {
            id = a.id;
        } else {
            id = s.idForMs(a.id.ms());
        }
        if (id == null) {
            // Redis 7.0 reports an exhausted sequence this way
            c.reply().error("ERR Elements are too large to be stored");
            return;
        }
        if (id.compareTo(s.lastId()) <= 0) {
            c.reply().error("ERR The ID specified in XADD is equal or smaller than the target stream top item");
            return;
        }
        long before = s.memory();
        byte[][] fv = Arrays.copyOfRange(c.args, fieldPos, c.argc());
        s.append(id, fv, c.server.config().getLong("stream-node-max-bytes"),
            c.server.config().getLong("stream-node-max-entries"));
        StreamIds.reply(c, id);
        c.ks().notify(Notify.STREAM, "xadd", key);
        if (a.trims() && a.apply(s) > 0) {
            c.ks().notify(Notify.STREAM, "xtrim", key);
        }
        if (c.propagating() && (!a.idGiven || !a.seqGiven || a.approx)) {
            // the ID generated (for * or ms-*), and exact trimming for approximate (Redis's xaddCommand)
            byte[][] argv = c.args.clone();
            argv[a.idPos] = id.bytes();
            a.rewriteApprox(argv, s);
            c.propagateAs(argv);
        }
        changed(c, e, before);
        c.ks().signalReady(key);
    }

    static void xtrim(Call c) {
        TrimArgs a = parseTrimArgs(c, false);
        if (a == null) {
            return;
        }
        Entry e = Lookup.writeOrReply(c, c.arg(1), ValueType.STREAM, Lookup.ZERO);
        if (e == null) {
            return;
        }
        StreamValue s = stream(e);
        long before = s.memory();
        long removed = a.apply(s);
        if (removed > 0) {
            c.ks().notify(Notify.STREAM, "xtrim", e.key);
            changed(c, e, before);
            if (c.propagating() && a.approx) {
                byte[][] argv = c.args.clone();
                a.rewriteApprox(argv, s);
                c.propagateAs(argv);
            }
        }
        c.reply().integer(removed);
    }

    // ---------------------------------------------------------------- XRANGE XREVRANGE XLEN

    static void xrange(Call c, boolean rev) {
        StreamId start = StreamIds.interval(c, c.arg(rev ? 3 : 2), true);
        if (start == null) {
            return;
        }
        StreamId end = StreamIds.interval(c, c.arg(rev ? 2 : 3), false);
        if (end == null) {
            return;
        }
        long count = -1;
        for (int j = 4; j < c.argc(); j++) {
            if (c.argIs(j, "count") && j + 1 < c.argc()) {
                Long v = Args.longOrReply(c, ++j);
                if (v == null) {
                    return;
                }
                count = Math.max(0, v);
            } else {
                c.reply().error(Errors.SYNTAX);
                return;
            }
        }
        Entry e = Lookup.readOrReply(c, c.arg(1), ValueType.STREAM, Lookup.EMPTY_ARRAY);
        if (e == null) {
            return;
        }
        if (count == 0) {
            c.reply().nilArray();
            return;
        }
        StreamIds.replyItems(c, range(stream(e), start, end, rev, count));
    }

    /** Up to {@code count} entries of a range (0 or less for all). */
    static List<StreamIds.Item> range(StreamValue s, StreamId start, StreamId end, boolean rev, long count) {
        List<StreamIds.Item> out = new ArrayList<>();
        s.range(start, end, rev, (id, fv) -> {
            out.add(new StreamIds.Item(id, fv));
            return count <= 0 || out.size() < count;
        });
        return out;
    }

    static void xlen(Call c) {
        Entry e = Lookup.readOrReply(c, c.arg(1), ValueType.STREAM, Lookup.ZERO);
        if (e != null) {
            c.reply().integer(stream(e).length());
        }
    }

    // ---------------------------------------------------------------- XDEL XSETID

    static void xdel(Call c) {
        Entry e = Lookup.writeOrReply(c, c.arg(1), ValueType.STREAM, Lookup.ZERO);
        if (e == null) {
            return;
        }
        StreamId[] ids = new StreamId[c.argc() - 2];
        for (int j = 2; j < c.argc(); j++) {
            ids[j - 2] = StreamIds.parse(c, c.arg(j), 0, true, null);
            if (ids[j - 2] == null) {
                return;
            }
        }
        StreamValue s = stream(e);
        long before = s.memory();
        long deleted = 0;
        for (StreamId id : ids) {
            if (s.delete(id)) {
                deleted++;
            }
        }
        if (deleted > 0) {
            c.ks().notify(Notify.STREAM, "xdel", e.key);
            changed(c, e, before);
        }
        c.reply().integer(deleted);
    }

    static void xsetid(Call c) {
        StreamId id = StreamIds.parse(c, c.arg(2), 0, true, null);
        if (id == null) {
            return;
        }
        long entriesAdded = -1;
        StreamId maxDeleted = StreamId.MIN;
        for (int i = 3; i < c.argc(); i += 2) {
            boolean more = i + 1 < c.argc();
            if (c.argIs(i, "entriesadded") && more) {
                Long v = Args.longOrReply(c, i + 1);
                if (v == null) {
                    return;
                }
                if (v < 0) {
                    c.reply().error("ERR entries_added must be positive");
                    return;
                }
                entriesAdded = v;
            } else if (c.argIs(i, "maxdeletedid") && more) {
                maxDeleted = StreamIds.parse(c, c.arg(i + 1), 0, true, null);
                if (maxDeleted == null) {
                    return;
                }
                if (id.compareTo(maxDeleted) < 0) {
                    c.reply().error("ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id");
                    return;
                }
            } else {
                c.reply().error(Errors.SYNTAX);
                return;
            }
        }
        Entry e = Lookup.writeOrReply(c, c.arg(1), ValueType.STREAM, Lookup.NO_SUCH_KEY);
        if (e == null) {
            return;
        }
        StreamValue s = stream(e);
        if (s.length() > 0) {
            if (id.compareTo(s.lastValidId()) < 0) {
                c.reply().error("ERR The ID specified in XSETID is smaller than the target stream top item");
                return;
            }
            if (entriesAdded != -1 && s.length() > entriesAdded) {
                c.reply().error("ERR The entries_added specified in XSETID is smaller than the target stream length");
                return;
            }
        }
        s.lastId(id);
        if (entriesAdded != -1) {
            s.entriesAdded(entriesAdded);
        }
        if (!maxDeleted.isZero()) {
            s.maxDeletedId(maxDeleted);
        }
        // Redis 7.0 does not signal XSETID to WATCH, and the size does not change
        c.ks().notify(Notify.STREAM, "xsetid", e.key);
        c.reply().ok();
    }
}
