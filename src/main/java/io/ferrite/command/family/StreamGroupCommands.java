package io.ferrite.command.family;

import io.ferrite.command.Args;
import io.ferrite.command.Lookup;
import io.ferrite.engine.Notify;
import io.ferrite.engine.command.Call;
import io.ferrite.engine.command.CommandRegistry;
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
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;

/** Consumer-group commands (t_stream.c): XGROUP, XACK, XPENDING, XCLAIM, XAUTOCLAIM. */
final class StreamGroupCommands {
    private StreamGroupCommands() {
    }

    static void register(CommandRegistry r) {
        r.add("xgroup|create", StreamGroupCommands::create);
        r.add("xgroup|setid", StreamGroupCommands::setId);
        r.add("xgroup|destroy", StreamGroupCommands::destroy);
        r.add("xgroup|createconsumer", StreamGroupCommands::createConsumer);
        r.add("xgroup|delconsumer", StreamGroupCommands::delConsumer);
        r.add("xgroup|help", c -> FamilyUtil.help(c, HELP));
        r.add("xack", StreamGroupCommands::xack);
        r.add("xpending", StreamGroupCommands::xpending);
        r.add("xclaim", StreamGroupCommands::xclaim);
        r.add("xautoclaim", StreamGroupCommands::xautoclaim);
    }

    private static final String[] HELP = {
        "XGROUP <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "CREATE <key> <groupname> <id|$> [option]",
        "    Create a new consumer group. Options are:",
        "    * MKSTREAM",
        "      Create the empty stream if it does not exist.",
        "    * ENTRIESREAD entries_read",
        "      Set the group's entries_read counter (internal use).",
        "CREATECONSUMER <key> <groupname> <consumer>",
        "    Create a new consumer in the specified group.",
        "DELCONSUMER <key> <groupname> <consumer>",
        "    Remove the specified consumer.",
        "DESTROY <key> <groupname>",
        "    Remove the specified group.",
        "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
        "    Set the current group ID and entries_read counter.",
        "HELP",
        "    Prints this help.",
    };

    static final String NEEDS_KEY = "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE "
        + "you may want to use the MKSTREAM option to create an empty stream automatically.";
    private static final String ENTRIES_READ = "ERR value for ENTRIESREAD must be positive or -1";

    /** addReplySubcommandSyntaxError. */
    static void subcommandSyntax(Call c, String container) {
        c.reply().error("ERR unknown subcommand or wrong number of arguments for '" + c.argString(1) + "'. Try "
            + container + " HELP.");
    }

    private static final Lookup.Missing NEEDS_KEY_REPLY = r -> r.error(NEEDS_KEY);

    /** The stream entry, its value and the consumer group a group command acts on. */
    private record GroupTarget(Entry entry, StreamValue stream, ConsumerGroup group) {
    }

    /**
     * The existing stream named by argument 2 of XGROUP and its group named by argument 3, or null
     * after replying WRONGTYPE, the missing-key error or NOGROUP.
     */
    private static GroupTarget xgroupTarget(Call c) {
        Entry e = Lookup.writeOrReply(c, c.arg(2), ValueType.STREAM, NEEDS_KEY_REPLY);
        if (e == null) {
            return null;
        }
        StreamValue s = StreamFamily.stream(e);
        ConsumerGroup g = s.group(c.arg(3));
        if (g == null) {
            c.reply().error(noSuchGroup(c));
            return null;
        }
        return new GroupTarget(e, s, g);
    }

    private static Long entriesRead(Call c, int i) {
        Long v = Args.longOrReply(c, i);
        if (v != null && v < 0 && v != ConsumerGroup.INVALID_ENTRIES_READ) {
            c.reply().error(ENTRIES_READ);
            return null;
        }
        return v;
    }

    private static final byte[] DOLLAR = {'$'};

    static void create(Call c) {
        boolean mkStream = false;
        long entriesRead = ConsumerGroup.INVALID_ENTRIES_READ;
        for (int i = 5; i < c.argc(); i++) {
            if (c.argIs(i, "mkstream")) {
                mkStream = true;
            } else if (c.argIs(i, "entriesread") && i + 1 < c.argc()) {
                Long v = entriesRead(c, ++i);
                if (v == null) {
                    return;
                }
                entriesRead = v;
            } else {
                subcommandSyntax(c, "XGROUP");
                return;
            }
        }
        Entry e = c.ks().write(c.arg(2));
        if (Lookup.wrongType(c, e, ValueType.STREAM)) {
            return;
        }
        if (e == null && !mkStream) {
            c.reply().error(NEEDS_KEY);
            return;
        }
        if (c.argc() > 8) {
            subcommandSyntax(c, "XGROUP");
            return;
        }
        StreamId id;
        if (Bytes.equal(c.arg(4), DOLLAR)) {
            id = e == null ? StreamId.MIN : StreamFamily.stream(e).lastId();
        } else {
            id = StreamIds.parse(c, c.arg(4), 0, true, null);
            if (id == null) {
                return;
            }
        }
        if (e == null) {
            e = StreamFamily.create(c, c.arg(2));
        }
        StreamValue s = StreamFamily.stream(e);
        long before = s.memory();
        if (s.createGroup(c.arg(3), id, entriesRead) == null) {
            c.reply().error("BUSYGROUP Consumer Group name already exists");
            return;
        }
        StreamFamily.regrouped(c, e, before);
        // a change Redis counts (server.dirty) though WATCH does not see it: it propagates
        c.ks().countChanges(1);
        c.reply().ok();
        c.ks().notify(Notify.STREAM, "xgroup-create", c.arg(2));
    }

    static void setId(Call c) {
        GroupTarget t = xgroupTarget(c);
        if (t == null) {
            return;
        }
        if (c.argc() != 5 && c.argc() != 7) {
            subcommandSyntax(c, "XGROUP");
            return;
        }
        StreamId id;
        if (Bytes.equal(c.arg(4), DOLLAR)) {
            id = t.stream().lastId();
        } else {
            id = StreamIds.parse(c, c.arg(4), 0, false, null);
            if (id == null) {
                return;
            }
        }
        long entriesRead = ConsumerGroup.INVALID_ENTRIES_READ;
        if (c.argc() == 7) {
            if (!c.argIs(5, "entriesread")) {
                subcommandSyntax(c, "XGROUP");
                return;
            }
            Long v = entriesRead(c, 6);
            if (v == null) {
                return;
            }
            entriesRead = v;
        }
        t.group().lastId(id);
        t.group().entriesRead(entriesRead);
        c.ks().countChanges(1);
        c.reply().ok();
        c.ks().notify(Notify.STREAM, "xgroup-setid", c.arg(2));
    }

    static void destroy(Call c) {
        Entry e = Lookup.writeOrReply(c, c.arg(2), ValueType.STREAM, NEEDS_KEY_REPLY);
        if (e == null) {
            return;
        }
        StreamValue s = StreamFamily.stream(e);
        long before = s.memory();
        if (!s.destroyGroup(c.arg(3))) {
            c.reply().integer(0);
            return;
        }
        StreamFamily.regrouped(c, e, before);
        c.ks().countChanges(1);
        c.reply().integer(1);
        c.ks().notify(Notify.STREAM, "xgroup-destroy", c.arg(2));
        // readers blocked on the group must learn it is gone (signalDeletedKeyAsReady)
        c.ks().signalReady(c.arg(2));
    }

    static void createConsumer(Call c) {
        GroupTarget t = xgroupTarget(c);
        if (t == null) {
            return;
        }
        long before = t.stream().memory();
        if (t.group().createConsumer(c.arg(4), c.now()) == null) {
            c.reply().integer(0);
            return;
        }
        StreamFamily.regrouped(c, t.entry(), before);
        c.ks().countChanges(1);
        c.reply().integer(1);
        c.ks().notify(Notify.STREAM, "xgroup-createconsumer", c.arg(2));
    }

    static void delConsumer(Call c) {
        GroupTarget t = xgroupTarget(c);
        if (t == null) {
            return;
        }
        Consumer consumer = t.group().consumer(c.arg(4));
        if (consumer == null) {
            c.reply().integer(0);
            return;
        }
        long before = t.stream().memory();
        int pending = consumer.pel.size();
        t.group().deleteConsumer(consumer);
        StreamFamily.regrouped(c, t.entry(), before);
        c.ks().countChanges(1);
        c.reply().integer(pending);
        c.ks().notify(Notify.STREAM, "xgroup-delconsumer", c.arg(2));
    }

    // ---------------------------------------------------------------- XACK XPENDING

    static void xack(Call c) {
        Entry e = c.ks().write(c.arg(1));
        if (Lookup.wrongType(c, e, ValueType.STREAM)) {
            return;
        }
        ConsumerGroup g = e == null ? null : StreamFamily.stream(e).group(c.arg(2));
        if (g == null) {
            c.reply().integer(0);
            return;
        }
        StreamId[] ids = new StreamId[c.argc() - 3];
        for (int j = 3; j < c.argc(); j++) {
            ids[j - 3] = StreamIds.parse(c, c.arg(j), 0, true, null);
            if (ids[j - 3] == null) {
                return;
            }
        }
        long before = StreamFamily.stream(e).memory();
        long acked = 0;
        for (StreamId id : ids) {
            if (g.acknowledge(id)) {
                acked++;
            }
        }
        if (acked > 0) {
            StreamFamily.regrouped(c, e, before);
            c.ks().countChanges(acked);
        }
        c.reply().integer(acked);
    }

    /** NOGROUP for a command naming the key in argument 2 and the group in argument 3 (XGROUP, XINFO). */
    static String noSuchGroup(Call c) {
        return "NOGROUP No such consumer group '" + c.argString(3) + "' for key name '" + c.argString(2) + "'";
    }

    private static String noGroup(Call c) {
        return "NOGROUP No such key '" + c.argString(1) + "' or consumer group '" + c.argString(2) + "'";
    }

    static void xpending(Call c) {
        boolean summary = c.argc() == 3;
        if (!summary && (c.argc() < 6 || c.argc() > 9)) {
            c.reply().error(Errors.SYNTAX);
            return;
        }
        StreamId start = null;
        StreamId end = null;
        long count = 0;
        long minIdle = 0;
        byte[] consumerName = null;
        if (!summary) {
            int at = 3;
            if (c.argIs(3, "idle")) {
                Long v = Args.longOrReply(c, 4);
                if (v == null) {
                    return;
                }
                minIdle = v;
                if (c.argc() < 8) {
                    c.reply().error(Errors.SYNTAX);
                    return;
                }
                at += 2;
            }
            Long n = Args.longOrReply(c, at + 2);
            if (n == null) {
                return;
            }
            count = Math.max(0, n);
            start = StreamIds.interval(c, c.arg(at), true);
            if (start == null) {
                return;
            }
            end = StreamIds.interval(c, c.arg(at + 1), false);
            if (end == null) {
                return;
            }
            if (at + 3 < c.argc()) {
                consumerName = c.arg(at + 3);
            }
        }
        Entry e = c.ks().read(c.arg(1));
        if (Lookup.wrongType(c, e, ValueType.STREAM)) {
            return;
        }
        ConsumerGroup g = e == null ? null : StreamFamily.stream(e).group(c.arg(2));
        if (g == null) {
            c.reply().error(noGroup(c));
            return;
        }
        if (summary) {
            pendingSummary(c, g);
            return;
        }
        NavigableMap<StreamId, PendingEntry> pel = g.pel;
        if (consumerName != null) {
            Consumer consumer = g.consumer(consumerName);
            if (consumer == null) {
                c.reply().array(0);
                return;
            }
            pel = consumer.pel;
        }
        long now = c.now();
        List<Map.Entry<StreamId, PendingEntry>> out = new ArrayList<>();
        if (start.compareTo(end) <= 0) {
            for (Map.Entry<StreamId, PendingEntry> pe : pel.subMap(start, true, end, true).entrySet()) {
                if (out.size() >= count) {
                    break;
                }
                if (minIdle != 0 && now - pe.getValue().deliveryTime() < minIdle) {
                    continue;
                }
                out.add(pe);
            }
        }
        c.reply().array(out.size());
        for (Map.Entry<StreamId, PendingEntry> pe : out) {
            PendingEntry p = pe.getValue();
            c.reply().array(4);
            StreamIds.reply(c, pe.getKey());
            c.reply().bulk(p.consumer().name);
            c.reply().integer(Math.max(0, now - p.deliveryTime()));
            c.reply().integer(p.deliveryCount());
        }
    }

    private static void pendingSummary(Call c, ConsumerGroup g) {
        c.reply().array(4);
        c.reply().integer(g.pel.size());
        if (g.pel.isEmpty()) {
            c.reply().nil();
            c.reply().nil();
            c.reply().nilArray();
            return;
        }
        StreamIds.reply(c, g.pel.firstKey());
        StreamIds.reply(c, g.pel.lastKey());
        List<Consumer> owners = new ArrayList<>();
        for (Consumer consumer : g.consumers.values()) {
            if (!consumer.pel.isEmpty()) {
                owners.add(consumer);
            }
        }
        c.reply().array(owners.size());
        for (Consumer consumer : owners) {
            c.reply().array(2);
            c.reply().bulk(consumer.name);
            c.reply().bulkLong(consumer.pel.size());
        }
    }

    // ---------------------------------------------------------------- XCLAIM XAUTOCLAIM

    /** The consumer a claim goes to, created on the first entry actually claimed (as Redis does). */
    private static final class Claimant {
        private final Call c;
        private final ConsumerGroup g;
        private Consumer consumer;

        Claimant(Call c, ConsumerGroup g) {
            this.c = c;
            this.g = g;
        }

        Consumer get() {
            if (consumer == null) {
                consumer = g.consumer(c.arg(3));
                if (consumer == null) {
                    consumer = g.createConsumer(c.arg(3), c.now());
                    c.ks().notify(Notify.STREAM, "xgroup-createconsumer", c.arg(1));
                }
                consumer.seenTime(c.now());
            }
            return consumer;
        }
    }

    /**
     * The stream named by argument 1 of XCLAIM/XAUTOCLAIM and its group named by argument 2, or
     * null after replying WRONGTYPE or NOGROUP.
     */
    private static GroupTarget claimTarget(Call c) {
        Entry e = c.ks().write(c.arg(1));
        if (Lookup.wrongType(c, e, ValueType.STREAM)) {
            return null;
        }
        StreamValue s = Lookup.value(e);
        ConsumerGroup g = s == null ? null : s.group(c.arg(2));
        if (g == null) {
            c.reply().error(noGroup(c));
            return null;
        }
        return new GroupTarget(e, s, g);
    }

    private static Long longOption(Call c, int i, String message) {
        Long v = Bytes.parseLongStrict(c.arg(i));
        if (v == null) {
            c.reply().error("ERR " + message);
        }
        return v;
    }

    static void xclaim(Call c) {
        GroupTarget t = claimTarget(c);
        if (t == null) {
            return;
        }
        Entry e = t.entry();
        StreamValue s = t.stream();
        ConsumerGroup g = t.group();
        Long minIdle = longOption(c, 4, "Invalid min-idle-time argument for XCLAIM");
        if (minIdle == null) {
            return;
        }
        minIdle = Math.max(0, minIdle);
        List<StreamId> ids = new ArrayList<>();
        int j = 5;
        for (; j < c.argc(); j++) {
            StreamId id = StreamIds.parse(c.arg(j), 0, true, null);
            if (id == null) {
                break;
            }
            ids.add(id);
        }
        long now = c.now();
        long deliveryTime = -1;
        long retryCount = -1;
        boolean force = false;
        boolean justId = false;
        StreamId lastId = StreamId.MIN;
        for (; j < c.argc(); j++) {
            boolean more = j + 1 < c.argc();
            if (c.argIs(j, "force")) {
                force = true;
            } else if (c.argIs(j, "justid")) {
                justId = true;
            } else if (c.argIs(j, "idle") && more) {
                Long v = longOption(c, ++j, "Invalid IDLE option argument for XCLAIM");
                if (v == null) {
                    return;
                }
                deliveryTime = now - v;
            } else if (c.argIs(j, "time") && more) {
                Long v = longOption(c, ++j, "Invalid TIME option argument for XCLAIM");
                if (v == null) {
                    return;
                }
                deliveryTime = v;
            } else if (c.argIs(j, "retrycount") && more) {
                Long v = longOption(c, ++j, "Invalid RETRYCOUNT option argument for XCLAIM");
                if (v == null) {
                    return;
                }
                retryCount = v;
            } else if (c.argIs(j, "lastid") && more) {
                lastId = StreamIds.parse(c, c.arg(++j), 0, true, null);
                if (lastId == null) {
                    return;
                }
            } else {
                c.reply().error("ERR Unrecognized XCLAIM option '" + c.argString(j) + "'");
                return;
            }
        }
        long before = s.memory();
        // a LASTID that moves the group on propagates unless an XCLAIM (which carries it) does
        boolean propagateLastId = false;
        if (lastId.compareTo(g.lastId()) > 0) {
            g.lastId(lastId);
            propagateLastId = true;
        }
        if (deliveryTime == -1 || deliveryTime < 0 || deliveryTime > now) {
            // a bogus time (a client's clock ahead of ours) means now, as Redis does
            deliveryTime = now;
        }
        Claimant claimant = new Claimant(c, g);
        List<Object> out = new ArrayList<>();
        for (StreamId id : ids) {
            PendingEntry p = g.pel.get(id);
            byte[][] fv = s.get(id);
            if (fv == null) {
                // the entry is gone from the stream: drop it from the PEL too
                if (p != null) {
                    Propagated.xclaim(c, c.arg(1), c.arg(2), id, p, g);
                    propagateLastId = false;
                    g.acknowledge(id);
                }
                continue;
            }
            boolean created = false;
            if (p == null) {
                if (!force) {
                    continue;
                }
                p = g.addPending(id, claimant.get(), now, 1);
                created = true;
            }
            if (!created && minIdle != 0 && now - p.deliveryTime() < minIdle) {
                continue;
            }
            g.transfer(id, p, claimant.get());
            p.deliveryTime(deliveryTime);
            if (retryCount >= 0) {
                p.deliveryCount(retryCount);
            } else if (!justId) {
                p.countDelivery();
            }
            out.add(justId ? id : new StreamIds.Item(id, fv));
            Propagated.xclaim(c, c.arg(1), c.arg(2), id, p, g);
            propagateLastId = false;
        }
        if (propagateLastId) {
            Propagated.groupId(c, c.arg(1), g);
        }
        // what changed went out as the XCLAIMs above (Redis's xclaimCommand)
        c.preventPropagation();
        StreamFamily.regrouped(c, e, before);
        replyClaimed(c, out);
    }

    /** Claimed entries: IDs alone (JUSTID) or whole entries. */
    private static void replyClaimed(Call c, List<Object> claimed) {
        c.reply().array(claimed.size());
        for (Object o : claimed) {
            if (o instanceof StreamId id) {
                StreamIds.reply(c, id);
            } else {
                StreamIds.Item it = (StreamIds.Item) o;
                StreamIds.replyItem(c, it.id(), it.fieldsValues());
            }
        }
    }

    static void xautoclaim(Call c) {
        Long minIdle = longOption(c, 4, "Invalid min-idle-time argument for XAUTOCLAIM");
        if (minIdle == null) {
            return;
        }
        minIdle = Math.max(0, minIdle);
        StreamId start = StreamIds.interval(c, c.arg(5), true);
        if (start == null) {
            return;
        }
        long count = 100;
        boolean justId = false;
        for (int j = 6; j < c.argc(); j++) {
            if (c.argIs(j, "count") && j + 1 < c.argc()) {
                Long v = Bytes.parseLongStrict(c.arg(++j));
                if (v == null || v < 1 || v > Long.MAX_VALUE / 16) {
                    c.reply().error("ERR COUNT must be > 0");
                    return;
                }
                count = v;
            } else if (c.argIs(j, "justid")) {
                justId = true;
            } else {
                c.reply().error(Errors.SYNTAX);
                return;
            }
        }
        GroupTarget t = claimTarget(c);
        if (t == null) {
            return;
        }
        Entry e = t.entry();
        StreamValue s = t.stream();
        ConsumerGroup g = t.group();
        long before = s.memory();
        long now = c.now();
        long attempts = count * 10;
        Claimant claimant = new Claimant(c, g);
        List<Object> claimed = new ArrayList<>();
        List<StreamId> deleted = new ArrayList<>();
        Iterator<Map.Entry<StreamId, PendingEntry>> it = g.pel.tailMap(start, true).entrySet().iterator();
        StreamId cursor = StreamId.MIN;
        while (true) {
            if (attempts-- == 0 || count == 0) {
                cursor = it.hasNext() ? it.next().getKey() : StreamId.MIN;
                break;
            }
            if (!it.hasNext()) {
                break;
            }
            Map.Entry<StreamId, PendingEntry> pe = it.next();
            StreamId id = pe.getKey();
            PendingEntry p = pe.getValue();
            byte[][] fv = s.get(id);
            if (fv == null) {
                // gone from the stream: it leaves the PEL (after the walk) and is reported
                deleted.add(id);
                Propagated.xclaim(c, c.arg(1), c.arg(2), id, p, g);
                count--;
                continue;
            }
            if (minIdle != 0 && now - p.deliveryTime() < minIdle) {
                continue;
            }
            g.transfer(id, p, claimant.get());
            p.deliveryTime(now);
            if (!justId) {
                p.countDelivery();
            }
            claimed.add(justId ? id : new StreamIds.Item(id, fv));
            Propagated.xclaim(c, c.arg(1), c.arg(2), id, p, g);
            count--;
        }
        c.preventPropagation();
        for (StreamId id : deleted) {
            g.acknowledge(id);
        }
        StreamFamily.regrouped(c, e, before);
        c.reply().array(3);
        StreamIds.reply(c, cursor);
        replyClaimed(c, claimed);
        c.reply().array(deleted.size());
        for (StreamId id : deleted) {
            StreamIds.reply(c, id);
        }
    }
}
