package io.ferrite.store.list;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class ListValueTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> strings(ListValue l) {
        List<String> out = new ArrayList<>();
        for (byte[] e : l.toList()) {
            out.add(new String(e, StandardCharsets.ISO_8859_1));
        }
        return out;
    }

    @Test
    void packedRoundTripsAllLengthClasses() {
        for (int len : new int[] {0, 1, 127, 128, 16383, 16384, 2097151, 2097152}) {
            byte[] e = new byte[len];
            Arrays.fill(e, (byte) 'x');
            byte[] buf = new byte[Packed.encodedSize(len)];
            int end = Packed.write(buf, 0, e, 0, len);
            assertThat(end).isEqualTo(buf.length);
            assertThat(Packed.lenAt(buf, 0)).isEqualTo(len);
            assertThat(Packed.lenBefore(buf, end)).isEqualTo(len);
        }
        assertThat(Packed.encodedSize(5)).isEqualTo(7);
    }

    @Test
    void pushPopBothEnds() {
        ListValue l = new ListValue();
        l.pushTail(b("b"), -2);
        l.pushHead(b("a"), -2);
        l.pushTail(b("c"), -2);
        assertThat(strings(l)).containsExactly("a", "b", "c");
        assertThat(l.popTail()).isEqualTo(b("c"));
        assertThat(l.popHead()).isEqualTo(b("a"));
        assertThat(l.popHead()).isEqualTo(b("b"));
        assertThat(l.popHead()).isNull();
        assertThat(l.isEmpty()).isTrue();
        l.verify();
    }

    @Test
    void nodesRespectFill() {
        ListValue l = new ListValue();
        for (int i = 0; i < 100; i++) {
            l.pushTail(b("e" + i), 10);
        }
        assertThat(l.nodeCount()).isEqualTo(10);
        ListValue big = new ListValue();
        byte[] kb = new byte[1000];
        for (int i = 0; i < 40; i++) {
            big.pushHead(kb, -1); // 4 KB nodes hold four 1002-byte elements
        }
        assertThat(big.nodeCount()).isEqualTo(10);
        big.verify();
        ListValue one = new ListValue();
        for (int i = 0; i < 5; i++) {
            one.pushTail(b("x"), 0);
        }
        assertThat(one.nodeCount()).isEqualTo(5);
    }

    @Test
    void randomOperationsMatchAModel() {
        for (int fill : new int[] {-2, -1, 1, 2, 3, 7, 0, 128}) {
            randomOperationsAgainstModel(fill, fill + 1000);
        }
    }

    @Test
    void randomOperationsWithPlainNodesMatchAModel() {
        // "hello", the 300- and 5000-byte values are large: each lives in a node of its own
        assertThat(ListValue.setPackedThreshold(5)).isTrue();
        try {
            for (int fill : new int[] {-2, 1, 3, 128}) {
                randomOperationsAgainstModel(fill, fill + 2000);
            }
        } finally {
            ListValue.setPackedThreshold(0);
        }
    }

    private static void randomOperationsAgainstModel(int fill, long seed) {
        {
            SplittableRandom rnd = new SplittableRandom(seed);
            ListValue l = new ListValue();
            List<String> model = new ArrayList<>();
            String[] values = {"a", "b", "", "hello", "x".repeat(300), "y".repeat(5000), "7"};
            for (int step = 0; step < 20000; step++) {
                String v = values[rnd.nextInt(values.length)];
                int op = rnd.nextInt(10);
                switch (op) {
                    case 0 -> {
                        l.pushTail(b(v), fill);
                        model.add(v);
                    }
                    case 1 -> {
                        l.pushHead(b(v), fill);
                        model.add(0, v);
                    }
                    case 2 -> {
                        byte[] p = l.popHead();
                        assertThat(p == null ? null : new String(p, StandardCharsets.UTF_8))
                            .isEqualTo(model.isEmpty() ? null : model.remove(0));
                    }
                    case 3 -> {
                        byte[] p = l.popTail();
                        assertThat(p == null ? null : new String(p, StandardCharsets.UTF_8))
                            .isEqualTo(model.isEmpty() ? null : model.remove(model.size() - 1));
                    }
                    case 4 -> {
                        if (!model.isEmpty()) {
                            int i = rnd.nextInt(model.size());
                            assertThat(new String(l.get(i), StandardCharsets.UTF_8)).isEqualTo(model.get(i));
                            l.set(l.at(i), b(v), fill);
                            model.set(i, v);
                        }
                    }
                    case 5 -> {
                        if (!model.isEmpty()) {
                            int i = rnd.nextInt(model.size());
                            boolean after = rnd.nextBoolean();
                            l.insert(l.at(i), after, b(v), fill);
                            model.add(after ? i + 1 : i, v);
                        }
                    }
                    case 6 -> {
                        long limit = rnd.nextInt(3);
                        boolean tail = rnd.nextBoolean();
                        long removed = l.removeMatching(b(v), limit, tail, fill);
                        long expected = 0;
                        if (tail) {
                            for (int i = model.size() - 1; i >= 0 && (limit == 0 || expected < limit); i--) {
                                if (model.get(i).equals(v)) {
                                    model.remove(i);
                                    expected++;
                                }
                            }
                        } else {
                            for (int i = 0; i < model.size() && (limit == 0 || expected < limit); ) {
                                if (model.get(i).equals(v)) {
                                    model.remove(i);
                                    expected++;
                                } else {
                                    i++;
                                }
                            }
                        }
                        assertThat(removed).isEqualTo(expected);
                    }
                    case 7 -> {
                        if (model.size() > 50) {
                            int k = rnd.nextInt(5);
                            l.removeHead(k);
                            model.subList(0, k).clear();
                            int t = rnd.nextInt(5);
                            l.removeTail(t);
                            model.subList(model.size() - t, model.size()).clear();
                        }
                    }
                    default -> {
                        if (!model.isEmpty()) {
                            int i = rnd.nextInt(model.size());
                            List<String> got = new ArrayList<>();
                            boolean reverse = rnd.nextBoolean();
                            l.range(i, 5, reverse, (buf, off, len) -> got.add(new String(buf, off, len, StandardCharsets.UTF_8)));
                            List<String> want = new ArrayList<>();
                            for (int j = i, n = 0; n < 5 && j >= 0 && j < model.size(); n++, j += reverse ? -1 : 1) {
                                want.add(model.get(j));
                            }
                            assertThat(got).isEqualTo(want);
                        }
                    }
                }
                assertThat(l.size()).isEqualTo(model.size());
                if (step % 500 == 0) {
                    l.verify();
                    assertThat(strings(l)).isEqualTo(model);
                }
            }
            l.verify();
            assertThat(strings(l)).isEqualTo(model);
            ListValue copy = l.copy();
            copy.verify();
            assertThat(strings(copy)).isEqualTo(model);
        }
    }

    @Test
    void copyIsIndependent() {
        ListValue l = new ListValue();
        l.pushTail(b("a"), -2);
        ListValue c = l.copy();
        c.pushTail(b("b"), -2);
        l.popHead();
        assertThat(l.size()).isZero();
        assertThat(strings(c)).containsExactly("a", "b");
    }

    @Test
    void memoryIsCompact() {
        ListValue l = new ListValue();
        long empty = l.memory();
        for (int i = 0; i < 100_000; i++) {
            l.pushTail(b("v" + (i % 1000)), -2);
        }
        long per = (l.memory() - empty) / 100_000;
        // about 2 bytes of framing over ~4 bytes of data, plus node overhead
        assertThat(per).isLessThan(10);
        l.removeHead(99_999);
        assertThat(l.memory()).isLessThan(empty + 200);
    }

    @Test
    void largeElementsGetPlainNodes() {
        assertThat(ListValue.setPackedThreshold(5)).isTrue();
        try {
            ListValue l = new ListValue();
            l.pushTail(b("aa"), -2);
            l.pushTail(b("bb"), -2);
            l.pushTail(b("cc"), -2);
            assertThat(l.nodeCount()).isEqualTo(1);
            // LSET of a large value in the middle of a packed node splits it around the element
            l.set(l.at(1), b("xxxxxxxxxx"), -2);
            assertThat(strings(l)).containsExactly("aa", "xxxxxxxxxx", "cc");
            assertThat(l.nodeCount()).isEqualTo(3);
            assertThat(l.plainNodes()).isEqualTo(1);
            // a small element next to a plain node goes beside it, never into it
            l.insert(l.at(1), true, b("dd"), -2);
            l.pushHead(b("yyyyyyyyyy"), -2);
            l.pushHead(b("ee"), -2);
            assertThat(strings(l)).containsExactly("ee", "yyyyyyyyyy", "aa", "xxxxxxxxxx", "dd", "cc");
            assertThat(l.plainNodes()).isEqualTo(2);
            assertThat(l.nodeCount()).isEqualTo(5);
            l.verify();
            // replaced by a small value, a plain node becomes packed and joins its neighbours
            l.set(l.at(3), b("ff"), -2);
            assertThat(strings(l)).containsExactly("ee", "yyyyyyyyyy", "aa", "ff", "dd", "cc");
            assertThat(l.plainNodes()).isEqualTo(1);
            assertThat(l.nodeCount()).isEqualTo(3);
            l.verify();
        } finally {
            ListValue.setPackedThreshold(0);
        }
    }

    /** DEBUG QUICKLIST-PACKED-THRESHOLD's plain nodes: an element at the threshold lives alone in its node. */
    @Test
    void largeElementsLiveInPlainNodesOfTheirOwn() {
        assertThat(ListValue.setPackedThreshold(5)).isTrue();
        try {
            ListValue l = new ListValue();
            int fill = -2;
            l.pushTail(b("a"), fill);
            l.pushTail(b("b"), fill);
            l.pushTail(b("large"), fill);
            l.pushTail(b("c"), fill);
            l.pushHead(b("LARGE"), fill);
            l.pushHead(b("z"), fill);
            assertThat(strings(l)).containsExactly("z", "LARGE", "a", "b", "large", "c");
            // z | LARGE | a b | large | c
            assertThat(l.nodeCount()).isEqualTo(5);
            l.verify();
            // a large element inserted into a packed node splits it around itself
            l.insert(l.at(2), true, b("inserted-large"), fill);
            assertThat(strings(l)).containsExactly("z", "LARGE", "a", "inserted-large", "b", "large", "c");
            assertThat(l.nodeCount()).isEqualTo(7);
            l.verify();
            // a large element set over a small one in a packed node goes alone too
            l.pushTail(b("d"), fill);
            l.set(l.at(7), b("set-large"), fill);
            assertThat(strings(l)).endsWith("c", "set-large");
            l.verify();
            // removals never merge a plain node with its neighbours
            assertThat(l.removeMatching(b("inserted-large"), 0, false, fill)).isEqualTo(1);
            assertThat(strings(l)).containsExactly("z", "LARGE", "a", "b", "large", "c", "set-large");
            // z | LARGE | a b | large | c | set-large
            assertThat(l.nodeCount()).isEqualTo(6);
            l.verify();
        } finally {
            ListValue.setPackedThreshold(0);
        }
    }

    @Test
    void packedThresholdLimitsAreRedis() {
        assertThat(ListValue.setPackedThreshold((1L << 32) - (1 << 20) + 1)).isFalse();
        assertThat(ListValue.setPackedThreshold(-1)).isFalse();
        assertThat(ListValue.setPackedThreshold((1L << 32) - (1 << 20))).isTrue();
        assertThat(ListValue.setPackedThreshold(0)).isTrue();
        ListValue l = new ListValue();
        l.pushTail(new byte[100_000], -2);
        assertThat(l.plainNodes()).as("the default threshold is 1 GB").isZero();
    }
}
