package io.ferrite.command.family;

import io.ferrite.command.Args;
import io.ferrite.command.Call;
import io.ferrite.command.Errors;
import io.ferrite.engine.Notify;
import io.ferrite.store.Bytes;
import io.ferrite.store.Entry;
import io.ferrite.store.stream.Consumer;
import io.ferrite.store.stream.ConsumerGroup;
import io.ferrite.store.stream.PendingEntry;
import io.ferrite.store.stream.StreamId;
import io.ferrite.store.stream.StreamValue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * XREAD and XREADGROUP (xreadCommand): argument parsing, then {@link #serve}, which answers if any
 * stream has something for the reader and is what a blocked reader retries when woken.
 */
final class StreamReads {
    private StreamReads() {
    }

    /** A parsed XREAD / XREADGROUP. */
    static final class Request {
        final boolean group;
        long count;
        long blockMs = -1;
        boolean noAck;
        byte[] groupName;
        byte[] consumerName;
        int streamsArg;
        int streams;
        /** Entries must be above these IDs; null for ">" (the group's last delivered ID). */
        StreamId[] after;

        Request(boolean group) {
            this.group = group;
        }

        byte[] key(Call c, int i) {
            return c.arg(streamsArg + i);
        }
    }

    static void read(Call c, boolean group) {
        Request r = parse(c, group);
        if (r == null) {
            return;
        }
        if (!serve(c, r)) {
            // nothing to serve now; BLOCK would wait here
            c.reply.nilArray();
        }
    }

    /** Parses and validates the request; null after replying an error. */
    static Request parse(Call c, boolean group) {
        Request r = new Request(group);
        for (int i = 1; i < c.argc(); i++) {
            int more = c.argc() - 1 - i;
            if (c.argIs(i, "block") && more > 0) {
                i++;
                Long v = Bytes.parseLongStrict(c.arg(i));
                if (v == null) {
                    c.reply.error("ERR timeout is not an integer or out of range");
                    return null;
                }
                if (v < 0) {
                    c.reply.error("ERR timeout is negative");
                    return null;
                }
                r.blockMs = v;
            } else if (c.argIs(i, "count") && more > 0) {
                i++;
                Long v = Args.longOrReply(c, i);
                if (v == null) {
                    return null;
                }
                r.count = Math.max(0, v);
            } else if (c.argIs(i, "streams") && more > 0) {
                r.streamsArg = i + 1;
                int n = c.argc() - r.streamsArg;
                if (n % 2 != 0) {
                    c.reply.error("ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be "
                        + "specified.");
                    return null;
                }
                r.streams = n / 2;
                break;
            } else if (c.argIs(i, "group") && more >= 2) {
                if (!group) {
                    c.reply.error("ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.");
                    return null;
                }
                r.groupName = c.arg(i + 1);
                r.consumerName = c.arg(i + 2);
                i += 2;
            } else if (c.argIs(i, "noack")) {
                if (!group) {
                    c.reply.error("ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.");
                    return null;
                }
                r.noAck = true;
            } else {
                c.reply.error(Errors.SYNTAX);
                return null;
            }
        }
        if (r.streamsArg == 0) {
            c.reply.error(Errors.SYNTAX);
            return null;
        }
        if (group && r.groupName == null) {
            c.reply.error("ERR Missing GROUP option for XREADGROUP");
            return null;
        }
        r.after = new StreamId[r.streams];
        for (int i = 0; i < r.streams; i++) {
            byte[] key = r.key(c, i);
            byte[] idArg = c.arg(r.streamsArg + r.streams + i);
            Object found = StreamFamily.lookup(c, key, false);
            if (found == StreamFamily.WRONG) {
                return null;
            }
            StreamValue s = found == null ? null : StreamFamily.stream((Entry) found);
            if (group && (s == null || s.group(r.groupName) == null)) {
                c.reply.error(noGroup(key, r.groupName));
                return null;
            }
            if (Bytes.equal(idArg, DOLLAR)) {
                if (group) {
                    c.reply.error("ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the "
                        + "history of this consumer by specifying a proper ID, or use the > ID to get new messages. "
                        + "The $ ID would just return an empty result set.");
                    return null;
                }
                r.after[i] = s == null ? StreamId.MIN : s.lastId();
            } else if (Bytes.equal(idArg, GREATER)) {
                if (!group) {
                    c.reply.error("ERR The > ID can be specified only when calling XREADGROUP using the GROUP "
                        + "<group> <consumer> option.");
                    return null;
                }
                r.after[i] = null;
            } else {
                StreamId id = StreamIds.parse(c, idArg, 0, true, null);
                if (id == null) {
                    return null;
                }
                // Redis marks ">" with the largest ID, so that ID given explicitly reads as ">" too
                r.after[i] = group && id.equals(StreamId.MAX) ? null : id;
            }
        }
        return r;
    }

    private static final byte[] DOLLAR = {'$'};
    private static final byte[] GREATER = {'>'};

    static String noGroup(byte[] key, byte[] group) {
        return "NOGROUP No such key '" + Bytes.str(key) + "' or consumer group '" + Bytes.str(group)
            + "' in XREADGROUP with GROUP option";
    }

    /** What one stream gives the reader. */
    private record Served(byte[] key, List<StreamIds.Item> items) {
    }

    /**
     * Serves the reader now if any stream has entries for it (for a group: new entries past the
     * group's last ID, or the consumer's own history); replies and returns true, else returns false
     * without replying.
     */
    static boolean serve(Call c, Request r) {
        List<Served> served = new ArrayList<>();
        for (int i = 0; i < r.streams; i++) {
            byte[] key = r.key(c, i);
            Entry e = c.ks.read(key);
            if (e == null || e.type != io.ferrite.store.ValueType.STREAM) {
                continue;
            }
            StreamValue s = StreamFamily.stream(e);
            List<StreamIds.Item> items = r.group ? serveGroup(c, r, key, e, s, r.after[i]) : servePlain(r, s, r.after[i]);
            if (items != null) {
                served.add(new Served(key, items));
            }
        }
        if (served.isEmpty()) {
            return false;
        }
        if (c.reply.resp3()) {
            c.reply.map(served.size());
        } else {
            c.reply.array(served.size());
        }
        for (Served sv : served) {
            if (!c.reply.resp3()) {
                c.reply.array(2);
            }
            c.reply.bulk(sv.key());
            StreamIds.replyItems(c, sv.items());
        }
        return true;
    }

    private static List<StreamIds.Item> servePlain(Request r, StreamValue s, StreamId after) {
        if (s.length() == 0 || s.lastValidId().compareTo(after) <= 0) {
            return null;
        }
        return StreamFamily.range(s, after.next(), StreamId.MAX, false, r.count);
    }

    private static List<StreamIds.Item> serveGroup(Call c, Request r, byte[] key, Entry e, StreamValue s, StreamId after) {
        ConsumerGroup g = s.group(r.groupName);
        if (g == null) {
            return null;
        }
        boolean history = after != null;
        if (!history && (s.length() == 0 || s.lastValidId().compareTo(g.lastId) <= 0)) {
            return null;
        }
        long before = s.memory();
        Consumer consumer = g.consumer(r.consumerName);
        if (consumer == null) {
            consumer = g.createConsumer(r.consumerName, c.now());
            c.ks.notify(Notify.STREAM, "xgroup-createconsumer", key);
        }
        consumer.seenTime = c.now();
        List<StreamIds.Item> items = history ? history(c, r, s, consumer, after) : deliverNew(c, r, s, g, consumer);
        StreamFamily.regrouped(c, e, before);
        return items;
    }

    /** Entries past the group's last ID: each moves the group on and, without NOACK, joins the PEL. */
    private static List<StreamIds.Item> deliverNew(Call c, Request r, StreamValue s, ConsumerGroup g, Consumer consumer) {
        List<StreamIds.Item> items = StreamFamily.range(s, g.lastId.next(), StreamId.MAX, false, r.count);
        long now = c.now();
        for (StreamIds.Item it : items) {
            s.advanceGroup(g, it.id());
            if (!r.noAck) {
                g.deliver(it.id(), consumer, now);
            }
        }
        return items;
    }

    /**
     * The consumer's own pending entries above {@code after} (streamReplyWithRangeFromConsumerPEL):
     * each counts as delivered again; one deleted from the stream meanwhile comes back with nil fields.
     */
    private static List<StreamIds.Item> history(Call c, Request r, StreamValue s, Consumer consumer, StreamId after) {
        List<StreamIds.Item> items = new ArrayList<>();
        StreamId from = after.next();
        if (from == null) {
            from = StreamId.MIN; // streamIncrID wraps the largest ID to 0-0
        }
        for (Map.Entry<StreamId, PendingEntry> pe : consumer.pel.tailMap(from, true).entrySet()) {
            if (r.count != 0 && items.size() >= r.count) {
                break;
            }
            byte[][] fv = s.get(pe.getKey());
            if (fv != null) {
                pe.getValue().deliveryTime = c.now();
                pe.getValue().deliveryCount++;
            }
            items.add(new StreamIds.Item(pe.getKey(), fv));
        }
        return items;
    }
}
