package io.ferrite.store.set;

import io.ferrite.store.Bytes;
import io.ferrite.store.Encoding;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

class SetStructuresTest {
    @Test
    void intsetKeepsSortedAndUpgradesWidth() {
        IntSet s = new IntSet();
        assertThat(s.add(5)).isTrue();
        assertThat(s.add(-3)).isTrue();
        assertThat(s.add(5)).isFalse();
        assertThat(s.width()).isEqualTo(2);
        assertThat(s.add(100_000)).isTrue();
        assertThat(s.width()).isEqualTo(4);
        assertThat(s.add(-5_000_000_000L)).isTrue();
        assertThat(s.width()).isEqualTo(8);
        assertThat(s.size()).isEqualTo(4);
        assertThat(new long[] {s.get(0), s.get(1), s.get(2), s.get(3)})
            .containsExactly(-5_000_000_000L, -3, 5, 100_000);
        assertThat(s.contains(100_000)).isTrue();
        assertThat(s.contains(6)).isFalse();
        assertThat(s.remove(-3)).isTrue();
        assertThat(s.remove(-3)).isFalse();
        assertThat(s.size()).isEqualTo(3);
    }

    @Test
    void intsetMatchesTreeSetUnderRandomOps() {
        IntSet s = new IntSet();
        TreeSet<Long> ref = new TreeSet<>();
        Random r = new Random(7);
        for (int i = 0; i < 20_000; i++) {
            long v = switch (r.nextInt(3)) {
                case 0 -> r.nextInt(200) - 100;
                case 1 -> r.nextInt(200_000) - 100_000;
                default -> r.nextLong() % 10_000_000_000L;
            };
            if (r.nextBoolean()) {
                assertThat(s.add(v)).isEqualTo(ref.add(v));
            } else {
                assertThat(s.remove(v)).isEqualTo(ref.remove(v));
            }
        }
        assertThat(s.size()).isEqualTo(ref.size());
        int i = 0;
        for (long v : ref) {
            assertThat(s.get(i++)).isEqualTo(v);
        }
        IntSet c = s.copy();
        c.add(Long.MAX_VALUE);
        assertThat(s.contains(Long.MAX_VALUE)).isFalse();
    }

    @Test
    void compactIntsetMemory() {
        SetValue small = SetValue.intset();
        for (int i = 0; i < 500; i++) {
            small.add(Bytes.fromLong(i), 512);
        }
        // two bytes an element plus headers
        assertThat(small.memory()).isLessThan(2 * 1024);
        assertThat(small.encoding()).isEqualTo(Encoding.INTSET);
    }

    @Test
    void setValueConvertsToHashtable() {
        SetValue s = SetValue.createFor(Bytes.of("1"), 1);
        s.add(Bytes.of("1"), 3);
        s.add(Bytes.of("2"), 3);
        s.add(Bytes.of("3"), 3);
        assertThat(s.encoding()).isEqualTo(Encoding.INTSET);
        s.add(Bytes.of("4"), 3);
        assertThat(s.encoding()).isEqualTo(Encoding.HASHTABLE);
        assertThat(s.contains(Bytes.of("4"))).isTrue();
        assertThat(s.contains(Bytes.of("1"))).isTrue();
        SetValue t = SetValue.createFor(Bytes.of("1"), 1);
        t.add(Bytes.of("1"), 512);
        t.add(Bytes.of("x"), 512);
        assertThat(t.encoding()).isEqualTo(Encoding.HASHTABLE);
        assertThat(t.size()).isEqualTo(2);
    }

    @Test
    void hashtableScanVisitsEveryStableMemberAcrossResizes() {
        SetValue s = SetValue.createFor(Bytes.of("x"), 1);
        for (int i = 0; i < 1000; i++) {
            s.add(Bytes.of("m" + i), 512);
        }
        Set<String> seen = new HashSet<>();
        long cursor = 0;
        int step = 0;
        do {
            cursor = s.scan(cursor, m -> seen.add(Bytes.str(m)));
            step++;
            // grow and shrink the table while scanning: members m0..m999 stay throughout
            if (step == 50) {
                for (int i = 0; i < 3000; i++) {
                    s.add(Bytes.of("tmp" + i), 512);
                }
            }
            if (step == 900) {
                for (int i = 0; i < 3000; i++) {
                    s.remove(Bytes.of("tmp" + i));
                }
            }
        } while (cursor != 0);
        for (int i = 0; i < 1000; i++) {
            assertThat(seen).contains("m" + i);
        }
    }

    @Test
    void randomAndPopCoverMembers() {
        SetValue s = SetValue.createFor(Bytes.of("a"), 4);
        for (String m : List.of("a", "b", "c", "d")) {
            s.add(Bytes.of(m), 512);
        }
        SplittableRandom rnd = new SplittableRandom(1);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            seen.add(Bytes.str(s.random(rnd)));
        }
        assertThat(seen).containsExactlyInAnyOrder("a", "b", "c", "d");
        Set<String> popped = new HashSet<>();
        while (s.size() > 0) {
            popped.add(Bytes.str(s.pop(rnd)));
        }
        assertThat(popped).containsExactlyInAnyOrder("a", "b", "c", "d");
    }

    @Test
    void copyIsDeepAndMemoryTracksChanges() {
        SetValue s = SetValue.createFor(Bytes.of("a"), 4);
        s.add(Bytes.of("a"), 512);
        long m1 = s.memory();
        s.add(Bytes.of("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"), 512);
        assertThat(s.memory()).isGreaterThan(m1);
        SetValue c = s.copy();
        c.remove(Bytes.of("a"));
        assertThat(s.contains(Bytes.of("a"))).isTrue();
        assertThat(c.contains(Bytes.of("a"))).isFalse();
        s.remove(Bytes.of("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"));
        assertThat(s.memory()).isEqualTo(m1);
    }

    private static final class Key extends ChainedTable.Node<Key> {
        Key(byte[] key) {
            super(key);
        }
    }

    @Test
    void randomIsFairToMembersSharingABucket() {
        ChainedTable<Key> t = new ChainedTable<>(4);
        Set<Integer> buckets = new HashSet<>();
        for (int i = 0; i < 12; i++) {
            byte[] k = Bytes.of("member-" + i);
            t.insert(new Key(k));
            buckets.add(Bytes.hash(k) & 15);
        }
        assertThat(t.buckets()).isEqualTo(16);
        assertThat(buckets).as("some members share a bucket").hasSizeLessThan(12);

        Random rnd = new Random(7);
        java.util.Map<String, Integer> seen = new java.util.HashMap<>();
        int draws = 120_000;
        for (int i = 0; i < draws; i++) {
            seen.merge(Bytes.str(t.random(rnd).key), 1, Integer::sum);
        }
        assertThat(seen).hasSize(12);
        // 10000 expected each; a standard deviation is about 100
        assertThat(seen.values()).allSatisfy(n -> assertThat(n).isBetween(9_000, 11_000));
    }
}
