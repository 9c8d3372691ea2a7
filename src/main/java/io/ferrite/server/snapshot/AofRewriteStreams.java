package io.ferrite.server.snapshot;

import io.ferrite.persistence.aof.AofBuffer;
import io.ferrite.store.stream.Consumer;
import io.ferrite.store.stream.ConsumerGroup;
import io.ferrite.store.stream.PendingEntry;
import io.ferrite.store.stream.StreamId;
import io.ferrite.store.stream.StreamValue;

import java.util.Map;

import static io.ferrite.server.snapshot.AofRewriteCommands.b;

/**
 * A stream as Redis's rewriteStreamObject rebuilds it: an XADD per entry (an empty stream by the
 * XADD MAXLEN 0 trick), XSETID with the last ID, entries added and max deleted ID, then per group
 * XGROUP CREATE with its last delivered ID and entries read, and per consumer either XGROUP
 * CREATECONSUMER (nothing pending) or an XCLAIM ... JUSTID FORCE per pending entry, carrying its
 * delivery time and count. Groups, consumers and pending entries in name and ID order, as Redis's
 * radix trees give them.
 */
final class AofRewriteStreams {
    private AofRewriteStreams() {
    }

    static void write(AofBuffer out, byte[] key, Object value) {
        StreamValue s = (StreamValue) value;
        if (s.length() > 0) {
            s.range(StreamId.MIN, StreamId.MAX, false, (id, fv) -> {
                byte[][] argv = new byte[3 + fv.length][];
                argv[0] = b("XADD");
                argv[1] = key;
                argv[2] = id.bytes();
                System.arraycopy(fv, 0, argv, 3, fv.length);
                out.command(argv);
                return true;
            });
        } else {
            out.command(new byte[][] {b("XADD"), key, b("MAXLEN"), b("0"), b("0-1"), b("x"), b("y")});
        }
        out.command(new byte[][] {b("XSETID"), key, s.lastId().bytes(), b("ENTRIESADDED"),
            b(Long.toString(s.entriesAdded())), b("MAXDELETEDID"), s.maxDeletedId().bytes()});
        for (ConsumerGroup g : s.groups()) {
            out.command(new byte[][] {b("XGROUP"), b("CREATE"), key, g.name, g.lastId().bytes(), b("ENTRIESREAD"),
                b(Long.toString(g.entriesRead()))});
            for (Consumer c : g.consumers.values()) {
                if (c.pel.isEmpty()) {
                    out.command(new byte[][] {b("XGROUP"), b("CREATECONSUMER"), key, g.name, c.name});
                    continue;
                }
                for (Map.Entry<StreamId, PendingEntry> p : c.pel.entrySet()) {
                    out.command(new byte[][] {b("XCLAIM"), key, g.name, c.name, b("0"), p.getKey().bytes(),
                        b("TIME"), b(Long.toString(p.getValue().deliveryTime())), b("RETRYCOUNT"),
                        b(Long.toString(p.getValue().deliveryCount())), b("JUSTID"), b("FORCE")});
                }
            }
        }
    }
}
