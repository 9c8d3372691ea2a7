package io.ferrite.command.family;

import io.ferrite.command.Args;
import io.ferrite.command.Lookup;
import io.ferrite.engine.command.Call;
import io.ferrite.engine.command.CommandRegistry;
import io.ferrite.store.Entry;
import io.ferrite.store.ValueType;
import io.ferrite.store.stream.Consumer;
import io.ferrite.store.stream.ConsumerGroup;
import io.ferrite.store.stream.PendingEntry;
import io.ferrite.store.stream.StreamId;
import io.ferrite.store.stream.StreamValue;

import java.util.List;
import java.util.Map;

/** XINFO STREAM, GROUPS, CONSUMERS and HELP (xinfoCommand). */
final class StreamInfoCommands {
    private StreamInfoCommands() {
    }

    static void register(CommandRegistry r) {
        r.add("xinfo|stream", StreamInfoCommands::stream);
        r.add("xinfo|groups", StreamInfoCommands::groups);
        r.add("xinfo|consumers", StreamInfoCommands::consumers);
        r.add("xinfo|help", c -> FamilyUtil.help(c, HELP));
    }

    private static final String[] HELP = {
        "XINFO <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "CONSUMERS <key> <groupname>",
        "    Show consumers of <groupname>.",
        "GROUPS <key>",
        "    Show the stream consumer groups.",
        "STREAM <key> [FULL [COUNT <count>]",
        "    Show information about the stream.",
        "HELP",
        "    Prints this help.",
    };

    /** The stream at argument 2, or null after replying "no such key" or WRONGTYPE. */
    private static StreamValue lookup(Call c) {
        Entry e = Lookup.readOrReply(c, c.arg(2), ValueType.STREAM, Lookup.NO_SUCH_KEY);
        return e == null ? null : StreamFamily.stream(e);
    }

    private static void field(Call c, String name) {
        c.reply().bulk(name);
    }

    private static void nullableLong(Call c, Long v) {
        if (v == null) {
            c.reply().nil();
        } else {
            c.reply().integer(v);
        }
    }

    private static Long entriesRead(ConsumerGroup g) {
        return g.entriesRead() == ConsumerGroup.INVALID_ENTRIES_READ ? null : g.entriesRead();
    }

    static void consumers(Call c) {
        StreamValue s = lookup(c);
        if (s == null) {
            return;
        }
        ConsumerGroup g = s.group(c.arg(3));
        if (g == null) {
            c.reply().error(StreamGroupCommands.noSuchGroup(c));
            return;
        }
        long now = c.now();
        c.reply().array(g.consumers.size());
        for (Consumer consumer : g.consumers.values()) {
            c.reply().map(3);
            field(c, "name");
            c.reply().bulk(consumer.name);
            field(c, "pending");
            c.reply().integer(consumer.pel.size());
            field(c, "idle");
            c.reply().integer(Math.max(0, now - consumer.seenTime()));
        }
    }

    static void groups(Call c) {
        StreamValue s = lookup(c);
        if (s == null) {
            return;
        }
        c.reply().array(s.groupCount());
        for (ConsumerGroup g : s.groups()) {
            c.reply().map(6);
            field(c, "name");
            c.reply().bulk(g.name);
            field(c, "consumers");
            c.reply().integer(g.consumers.size());
            field(c, "pending");
            c.reply().integer(g.pel.size());
            field(c, "last-delivered-id");
            StreamIds.reply(c, g.lastId());
            field(c, "entries-read");
            nullableLong(c, entriesRead(g));
            field(c, "lag");
            nullableLong(c, s.lag(g));
        }
    }

    static void stream(Call c) {
        int options = c.argc() - 3;
        boolean full = options > 0;
        long count = 10;
        if (full) {
            if ((options != 1 && options != 3) || !c.argIs(3, "full") || (options == 3 && !c.argIs(4, "count"))) {
                StreamGroupCommands.subcommandSyntax(c, "XINFO");
                return;
            }
            if (options == 3) {
                Long v = Args.longOrReply(c, 5);
                if (v == null) {
                    return;
                }
                count = v < 0 ? 10 : v;
            }
        }
        StreamValue s = lookup(c);
        if (s == null) {
            return;
        }
        c.reply().map(full ? 9 : 10);
        field(c, "length");
        c.reply().integer(s.length());
        field(c, "radix-tree-keys");
        c.reply().integer(s.nodeCount());
        field(c, "radix-tree-nodes");
        c.reply().integer(s.radixTreeNodes());
        field(c, "last-generated-id");
        StreamIds.reply(c, s.lastId());
        field(c, "max-deleted-entry-id");
        StreamIds.reply(c, s.maxDeletedId());
        field(c, "entries-added");
        c.reply().integer(s.entriesAdded());
        field(c, "recorded-first-entry-id");
        StreamIds.reply(c, s.firstId());
        if (!full) {
            field(c, "groups");
            c.reply().integer(s.groupCount());
            field(c, "first-entry");
            edge(c, s, false);
            field(c, "last-entry");
            edge(c, s, true);
            return;
        }
        field(c, "entries");
        StreamIds.replyItems(c, StreamFamily.range(s, StreamId.MIN, StreamId.MAX, false, count));
        field(c, "groups");
        c.reply().array(s.groupCount());
        for (ConsumerGroup g : s.groups()) {
            fullGroup(c, s, g, count);
        }
    }

    private static void edge(Call c, StreamValue s, boolean last) {
        List<StreamIds.Item> one = StreamFamily.range(s, StreamId.MIN, StreamId.MAX, last, 1);
        if (one.isEmpty()) {
            c.reply().nil();
        } else {
            StreamIds.replyItem(c, one.get(0).id(), one.get(0).fieldsValues());
        }
    }

    /**
     * Up to {@code count} (0 for all) entries of a PEL as XINFO STREAM FULL lists them: the group's
     * PEL names each entry's owner, a consumer's PEL does not.
     */
    private static void fullPending(Call c, Map<StreamId, PendingEntry> pel, long count, boolean withOwner) {
        int n = count == 0 ? pel.size() : (int) Math.min(pel.size(), count);
        c.reply().array(n);
        for (Map.Entry<StreamId, PendingEntry> pe : pel.entrySet()) {
            if (n-- == 0) {
                break;
            }
            c.reply().array(withOwner ? 4 : 3);
            StreamIds.reply(c, pe.getKey());
            if (withOwner) {
                c.reply().bulk(pe.getValue().consumer().name);
            }
            c.reply().integer(pe.getValue().deliveryTime());
            c.reply().integer(pe.getValue().deliveryCount());
        }
    }

    private static void fullGroup(Call c, StreamValue s, ConsumerGroup g, long count) {
        c.reply().map(7);
        field(c, "name");
        c.reply().bulk(g.name);
        field(c, "last-delivered-id");
        StreamIds.reply(c, g.lastId());
        field(c, "entries-read");
        nullableLong(c, entriesRead(g));
        field(c, "lag");
        nullableLong(c, s.lag(g));
        field(c, "pel-count");
        c.reply().integer(g.pel.size());
        field(c, "pending");
        fullPending(c, g.pel, count, true);
        field(c, "consumers");
        c.reply().array(g.consumers.size());
        for (Consumer consumer : g.consumers.values()) {
            c.reply().map(4);
            field(c, "name");
            c.reply().bulk(consumer.name);
            field(c, "seen-time");
            c.reply().integer(consumer.seenTime());
            field(c, "pel-count");
            c.reply().integer(consumer.pel.size());
            field(c, "pending");
            fullPending(c, consumer.pel, count, false);
        }
    }
}
