package io.ferrite.command.family;

import io.ferrite.command.Args;
import io.ferrite.command.BlockTimeout;
import io.ferrite.command.Lookup;
import io.ferrite.engine.Notify;
import io.ferrite.engine.command.Blockable;
import io.ferrite.engine.command.Call;
import io.ferrite.engine.command.Errors;
import io.ferrite.store.Bytes;
import io.ferrite.store.Entry;
import io.ferrite.store.ValueType;
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
    static final class ReadRequest {
        final boolean group;
        long count;
        /** BLOCK's deadline in Unix ms, 0 for none, -1 without BLOCK. */
        long deadline = -1;
        boolean noAck;
        byte[] groupName;
        byte[] consumerName;
        int streamsArg;
        int streams;
        /** Entries must be above these IDs; null for ">" (the group's last delivered ID). */
        StreamId[] after;

        ReadRequest(boolean group) {
            this.group = group;
        }

        byte[] key(Call c, int i) {
            return c.arg(streamsArg + i);
        }
    }

    static void read(Call c, boolean group) {
        if (group) {
            // XREADGROUP propagates what it changed (consumers, deliveries) as XGROUP and XCLAIM, never itself
            c.preventPropagation();
        }
        ReadRequest r = parse(c, group);
        if (r == null || serve(c, r)) {
            return;
        }
        if (r.deadline < 0 || !c.mayBlock()) {
            // no BLOCK, or inside MULTI/EXEC: answered as a timeout
            c.reply().nilArray();
            return;
        }
        byte[][] keys = new byte[r.streams][];
        for (int i = 0; i < r.streams; i++) {
            keys[i] = r.key(c, i);
        }
        c.block(keys, r.deadline, new Waiter(r, keys));
    }

    /** Parses and validates the request; null after replying an error. */
    static ReadRequest parse(Call c, boolean group) {
        ReadRequest r = new ReadRequest(group);
        for (int i = 1; i < c.argc(); i++) {
            int more = c.argc() - 1 - i;
            if (c.argIs(i, "block") && more > 0) {
                i++;
                r.deadline = BlockTimeout.deadline(c, i, false);
                if (r.deadline < 0) {
                    return null;
                }
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
                    c.reply().error("ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be "
                        + "specified.");
                    return null;
                }
                r.streams = n / 2;
                break;
            } else if (c.argIs(i, "group") && more >= 2) {
                if (!group) {
                    c.reply().error("ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.");
                    return null;
                }
                r.groupName = c.arg(i + 1);
                r.consumerName = c.arg(i + 2);
                i += 2;
            } else if (c.argIs(i, "noack")) {
                if (!group) {
                    c.reply().error("ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.");
                    return null;
                }
                r.noAck = true;
            } else {
                c.reply().error(Errors.SYNTAX);
                return null;
            }
        }
        if (r.streamsArg == 0) {
            c.reply().error(Errors.SYNTAX);
            return null;
        }
        if (group && r.groupName == null) {
            c.reply().error("ERR Missing GROUP option for XREADGROUP");
            return null;
        }
        r.after = new StreamId[r.streams];
        for (int i = 0; i < r.streams; i++) {
            byte[] key = r.key(c, i);
            byte[] idArg = c.arg(r.streamsArg + r.streams + i);
            Entry e = c.ks().read(key);
            if (Lookup.wrongType(c, e, ValueType.STREAM)) {
                return null;
            }
            StreamValue s = Lookup.value(e);
            if (group && (s == null || s.group(r.groupName) == null)) {
                c.reply().error(noGroup(key, r.groupName));
                return null;
            }
            if (Bytes.equal(idArg, DOLLAR)) {
                if (group) {
                    c.reply().error("ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the "
                        + "history of this consumer by specifying a proper ID, or use the > ID to get new messages. "
                        + "The $ ID would just return an empty result set.");
                    return null;
                }
                r.after[i] = s == null ? StreamId.MIN : s.lastId();
            } else if (Bytes.equal(idArg, GREATER)) {
                if (!group) {
                    c.reply().error("ERR The > ID can be specified only when calling XREADGROUP using the GROUP "
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
    static boolean serve(Call c, ReadRequest r) {
        List<Served> served = new ArrayList<>();
        for (int i = 0; i < r.streams; i++) {
            byte[] key = r.key(c, i);
            Entry e = c.ks().read(key);
            if (e == null || e.type() != ValueType.STREAM) {
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
        write(c, served);
        return true;
    }

    /** The reply: per stream its name and entries, as an array of pairs, or a map in RESP3. */
    private static void write(Call c, List<Served> served) {
        if (c.reply().resp3()) {
            c.reply().map(served.size());
        } else {
            c.reply().array(served.size());
        }
        for (Served sv : served) {
            if (!c.reply().resp3()) {
                c.reply().array(2);
            }
            c.reply().bulk(sv.key());
            StreamIds.replyItems(c, sv.items());
        }
    }

    private static List<StreamIds.Item> servePlain(ReadRequest r, StreamValue s, StreamId after) {
        if (s.length() == 0 || s.lastValidId().compareTo(after) <= 0) {
            return null;
        }
        return StreamFamily.range(s, after.next(), StreamId.MAX, false, r.count);
    }

    private static List<StreamIds.Item> serveGroup(Call c, ReadRequest r, byte[] key, Entry e, StreamValue s, StreamId after) {
        ConsumerGroup g = s.group(r.groupName);
        if (g == null) {
            return null;
        }
        boolean history = after != null;
        if (!history && (s.length() == 0 || s.lastValidId().compareTo(g.lastId()) <= 0)) {
            return null;
        }
        long before = s.memory();
        Consumer consumer = consumer(c, r, key, g);
        List<StreamIds.Item> items = history ? history(c, r, s, consumer, after) : deliverNew(c, r, key, s, g, consumer);
        StreamFamily.regrouped(c, e, before);
        return items;
    }

    /** The reading consumer, created on first use (streamLookupConsumer, streamCreateConsumer). */
    private static Consumer consumer(Call c, ReadRequest r, byte[] key, ConsumerGroup g) {
        Consumer consumer = g.consumer(r.consumerName);
        if (consumer == null) {
            consumer = g.createConsumer(r.consumerName, c.now());
            c.ks().notify(Notify.STREAM, "xgroup-createconsumer", key);
            if (r.noAck) {
                // with NOACK no XCLAIM follows to create it on a replica (Redis 7.0 propagates the creation then only)
                Propagated.consumerCreated(c, key, r.groupName, r.consumerName);
            }
        }
        consumer.seenTime(c.now());
        return consumer;
    }

    /** Entries past the group's last ID: each moves the group on and, without NOACK, joins the PEL. */
    private static List<StreamIds.Item> deliverNew(Call c, ReadRequest r, byte[] key, StreamValue s, ConsumerGroup g,
                                                   Consumer consumer) {
        List<StreamIds.Item> items = StreamFamily.range(s, g.lastId().next(), StreamId.MAX, false, r.count);
        long now = c.now();
        for (StreamIds.Item it : items) {
            s.advanceGroup(g, it.id());
            if (!r.noAck) {
                g.deliver(it.id(), consumer, now);
                // each delivery as the XCLAIM that recreates its pending entry (Redis's streamReplyWithRange)
                Propagated.xclaim(c, key, r.groupName, it.id(), g.pel.get(it.id()), g);
            }
        }
        if (r.noAck && !items.isEmpty()) {
            Propagated.groupId(c, key, g);
        }
        // XREADGROUP itself is never propagated: its effects went out above
        c.preventPropagation();
        return items;
    }

    /**
     * The consumer's own pending entries above {@code after} (streamReplyWithRangeFromConsumerPEL):
     * each counts as delivered again; one deleted from the stream meanwhile comes back with nil fields.
     */
    private static List<StreamIds.Item> history(Call c, ReadRequest r, StreamValue s, Consumer consumer, StreamId after) {
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
                pe.getValue().deliveryTime(c.now());
                pe.getValue().countDelivery();
            }
            items.add(new StreamIds.Item(pe.getKey(), fv));
        }
        return items;
    }

    /**
     * A reader blocked in XREAD or XREADGROUP BLOCK, served from the one key that became ready as
     * Redis 7.0 serves it (blocked.c): entries above the ID it blocked with ("$" resolved when it
     * blocked), or for a group above the group's last delivered ID at the time of serving. A reader
     * of a group hears of its stream's deletion or its group's destruction as an error.
     */
    private static final class Waiter implements Blockable {
        private final ReadRequest r;
        private final byte[][] keys;

        Waiter(ReadRequest r, byte[][] keys) {
            this.r = r;
            this.keys = keys;
        }

        @Override
        public boolean servesMissingKey() {
            return r.group;
        }

        @Override
        public boolean serve(Call call, byte[] key) {
            int i = 0;
            while (i < keys.length && !Bytes.equal(keys[i], key)) {
                i++;
            }
            Entry e = r.group ? call.ks().write(key) : call.ks().peek(key);
            if (e == null || e.type() != ValueType.STREAM) {
                if (!r.group) {
                    return false;
                }
                call.reply().error("UNBLOCKED the stream key no longer exists");
                return true;
            }
            StreamValue s = StreamFamily.stream(e);
            ConsumerGroup g = null;
            StreamId after = r.after[i];
            if (r.group) {
                g = s.group(r.groupName);
                if (g == null) {
                    call.reply().error("NOGROUP the consumer group this client was blocked on no longer exists");
                    return true;
                }
                after = g.lastId();
            }
            if (s.lastId().compareTo(after) <= 0) {
                return false;
            }
            List<StreamIds.Item> items;
            if (g == null) {
                items = StreamFamily.range(s, after.next(), StreamId.MAX, false, r.count);
            } else {
                long before = s.memory();
                // served after blocking, a consumer created with NOACK is propagated too (blocked.c)
                Consumer consumer = consumer(call, r, key, g);
                items = deliverNew(call, r, key, s, g, consumer);
                StreamFamily.regrouped(call, e, before);
            }
            List<Served> one = List.of(new Served(key, items));
            write(call, one);
            return true;
        }
    }
}
