package io.ferrite.store.stream;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

class StreamValueTest {
    private static byte[][] fv(String... s) {
        byte[][] out = new byte[s.length][];
        for (int i = 0; i < s.length; i++) {
            out[i] = s[i].getBytes(StandardCharsets.UTF_8);
        }
        return out;
    }

    private static List<StreamId> ids(StreamValue s, boolean rev) {
        List<StreamId> out = new ArrayList<>();
        s.range(StreamId.MIN, StreamId.MAX, rev, (id, f) -> out.add(id));
        return out;
    }

    @Test
    void idsCompareUnsignedAndStepAcrossTheirParts() {
        StreamId big = new StreamId(-1L, 0);
        assertThat(big.compareTo(new StreamId(Long.MAX_VALUE, -1L))).isPositive();
        assertThat(big.toString()).isEqualTo("18446744073709551615-0");
        assertThat(new StreamId(1, -1L).next()).isEqualTo(new StreamId(2, 0));
        assertThat(new StreamId(2, 0).previous()).isEqualTo(new StreamId(1, -1L));
        assertThat(StreamId.MAX.next()).isNull();
        assertThat(StreamId.MIN.previous()).isNull();
    }

    @Test
    void nodesSplitAtTheEntryLimitAndRangesCrossThem() {
        StreamValue s = new StreamValue();
        for (int i = 1; i <= 10; i++) {
            s.append(new StreamId(i, 0), fv("f", "v" + i), 4096, 3);
        }
        assertThat(s.nodeCount()).isEqualTo(4);
        assertThat(s.length()).isEqualTo(10);
        assertThat(ids(s, false)).hasSize(10).first().isEqualTo(new StreamId(1, 0));
        assertThat(ids(s, true)).first().isEqualTo(new StreamId(10, 0));
        List<StreamId> mid = new ArrayList<>();
        s.range(new StreamId(3, 1), new StreamId(8, 0), true, (id, f) -> mid.add(id));
        assertThat(mid).extracting(StreamId::ms).containsExactly(8L, 7L, 6L, 5L, 4L);
        assertThat(new String(s.get(new StreamId(7, 0))[1], StandardCharsets.UTF_8)).isEqualTo("v7");
    }

    @Test
    void differentFieldsAreStoredPerEntry() {
        StreamValue s = new StreamValue();
        s.append(new StreamId(1, 0), fv("a", "1", "b", "2"), 4096, 100);
        s.append(new StreamId(2, 0), fv("a", "3", "b", "4"), 4096, 100);
        s.append(new StreamId(3, 0), fv("x", "", "", "y"), 4096, 100);
        assertThat(s.get(new StreamId(2, 0))).isDeepEqualTo(fv("a", "3", "b", "4"));
        assertThat(s.get(new StreamId(3, 0))).isDeepEqualTo(fv("x", "", "", "y"));
        assertThat(s.get(new StreamId(4, 0))).isNull();
    }

    @Test
    void bytesLimitOpensNewNodes() {
        StreamValue s = new StreamValue();
        for (int i = 1; i <= 4; i++) {
            s.append(new StreamId(i, 0), fv("f", "x".repeat(40)), 100, 0);
        }
        assertThat(s.nodeCount()).isEqualTo(4);
        long before = s.memory();
        s.append(new StreamId(5, 0), fv("f", "x".repeat(400)), 0, 0);
        assertThat(s.nodeCount()).isEqualTo(4); // 0 means no byte limit: it joins the tail
        assertThat(s.memory()).isGreaterThan(before);
    }

    @Test
    void deletingEveryEntryOfANodeDropsTheNode() {
        StreamValue s = new StreamValue();
        for (int i = 1; i <= 4; i++) {
            s.append(new StreamId(i, 0), fv("f", "v"), 4096, 2);
        }
        assertThat(s.delete(new StreamId(1, 0))).isTrue();
        assertThat(s.delete(new StreamId(1, 0))).isFalse();
        assertThat(s.nodeCount()).isEqualTo(2);
        assertThat(s.delete(new StreamId(2, 0))).isTrue();
        assertThat(s.nodeCount()).isEqualTo(1);
        assertThat(s.maxDeletedId()).isEqualTo(new StreamId(2, 0));
        assertThat(s.firstId()).isEqualTo(new StreamId(3, 0));
        assertThat(s.lastValidId()).isEqualTo(new StreamId(4, 0));
    }

    @Test
    void approximateTrimOnlyRemovesWholeNodes() {
        StreamValue s = new StreamValue();
        for (int i = 1; i <= 7; i++) {
            s.append(new StreamId(i, 0), fv("f", "v"), 4096, 3);
        }
        assertThat(s.trimMaxLen(5, true, 0)).isEqualTo(0);
        assertThat(s.trimMaxLen(4, true, 0)).isEqualTo(3);
        assertThat(s.trimMaxLen(0, true, 3)).isEqualTo(3);
        assertThat(s.length()).isEqualTo(1);
        assertThat(s.trimMinId(new StreamId(8, 0), false, 0)).isEqualTo(1);
        assertThat(s.length()).isZero();
        assertThat(s.nodeCount()).isZero();
    }

    @Test
    void radixNodeCountFollowsTheKeys() {
        StreamValue s = new StreamValue();
        assertThat(s.radixTreeNodes()).isEqualTo(1);
        s.append(new StreamId(1, 1), fv("a", "1"), 4096, 1);
        assertThat(s.radixTreeNodes()).isEqualTo(2);
        s.append(new StreamId(1, 2), fv("a", "1"), 4096, 1);
        // a shared 15-byte run, a fork, two leaves
        assertThat(s.radixTreeNodes()).isEqualTo(4);
    }

    @Test
    void groupsTrackPendingEntriesPerConsumer() {
        StreamValue s = new StreamValue();
        s.append(new StreamId(1, 0), fv("f", "v"), 4096, 100);
        s.append(new StreamId(2, 0), fv("f", "v"), 4096, 100);
        ConsumerGroup g = s.createGroup("g".getBytes(), StreamId.MIN, 0);
        assertThat(s.createGroup("g".getBytes(), StreamId.MIN, 0)).isNull();
        Consumer a = g.createConsumer("a".getBytes(), 10);
        Consumer b = g.createConsumer("b".getBytes(), 10);
        g.deliver(new StreamId(1, 0), a, 20);
        s.advanceGroup(g, new StreamId(1, 0));
        assertThat(g.entriesRead()).isEqualTo(1);
        assertThat(s.lag(g)).isEqualTo(1);
        g.deliver(new StreamId(1, 0), b, 30);
        assertThat(a.pel).isEmpty();
        assertThat(b.pel).containsKey(new StreamId(1, 0));
        StreamValue copy = s.copy();
        long copyMemory = copy.memory();
        assertThat(copyMemory).isPositive().isLessThanOrEqualTo(s.memory()); // a copy's nodes are trimmed to fit
        long withPending = s.memory();
        assertThat(g.acknowledge(new StreamId(1, 0))).isTrue();
        assertThat(s.memory()).isLessThan(withPending);
        assertThat(copy.memory()).isEqualTo(copyMemory);
        assertThat(g.pel).isEmpty();
        assertThat(copy.group("g".getBytes()).pel).hasSize(1);
        assertThat(copy.group("g".getBytes()).consumer("b".getBytes()).pel).hasSize(1);
    }

    @Test
    void lagIsUnknownAcrossATombstone() {
        StreamValue s = new StreamValue();
        for (int i = 1; i <= 4; i++) {
            s.append(new StreamId(i, 0), fv("f", "v"), 4096, 100);
        }
        s.delete(new StreamId(3, 0));
        ConsumerGroup g = s.createGroup("g".getBytes(), StreamId.MIN, ConsumerGroup.INVALID_ENTRIES_READ);
        assertThat(s.lag(g)).isNull();
        s.advanceGroup(g, new StreamId(4, 0));
        assertThat(s.lag(g)).isZero();
    }

    @Test
    void randomOperationsMatchAModel() {
        Random rnd = new Random(7);
        StreamValue s = new StreamValue();
        TreeMap<StreamId, String> model = new TreeMap<>();
        long ms = 0;
        for (int step = 0; step < 3000; step++) {
            int op = rnd.nextInt(10);
            if (op < 6) {
                ms += rnd.nextInt(3);
                StreamId id = s.idForMs(ms);
                String v = "v" + step;
                s.append(id, fv("f", v), 200, 1 + rnd.nextInt(5));
                model.put(id, v);
            } else if (op < 8 && !model.isEmpty()) {
                List<StreamId> keys = new ArrayList<>(model.keySet());
                StreamId id = keys.get(rnd.nextInt(keys.size()));
                assertThat(s.delete(id)).isTrue();
                model.remove(id);
            } else if (op == 8) {
                long max = rnd.nextInt(40);
                s.trimMaxLen(max, false, 0);
                while (model.size() > max) {
                    model.pollFirstEntry();
                }
            } else if (!model.isEmpty()) {
                StreamId min = model.firstKey().next();
                s.trimMinId(min, false, 0);
                model.headMap(min).clear();
            }
            assertThat(s.length()).isEqualTo(model.size());
        }
        List<String> values = new ArrayList<>();
        s.range(StreamId.MIN, StreamId.MAX, false, (id, f) -> values.add(new String(f[1], StandardCharsets.UTF_8)));
        assertThat(values).containsExactlyElementsOf(model.values());
        List<StreamId> back = ids(s, true);
        List<StreamId> expected = new ArrayList<>(model.descendingKeySet());
        assertThat(back).containsExactlyElementsOf(expected);
        for (Map.Entry<StreamId, String> e : model.entrySet()) {
            assertThat(new String(s.get(e.getKey())[1], StandardCharsets.UTF_8)).isEqualTo(e.getValue());
        }
    }
}
