package io.ferrite.store.zset;

import io.ferrite.store.Bytes;
import io.ferrite.store.Encoding;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class ZSetStructuresTest {
    private record El(String m, double s) {
    }

    private static final Comparator<El> ORDER = Comparator.comparingDouble(El::s)
        .thenComparing((a, b) -> Bytes.compare(Bytes.of(a.m), Bytes.of(b.m)));

    @Test
    void skiplistRanksAndRanges() {
        SkipList sl = new SkipList();
        for (int i = 0; i < 100; i++) {
            sl.insert(i / 2, Bytes.of(String.format("m%03d", i)));
        }
        assertThat(sl.length()).isEqualTo(100);
        for (int i = 0; i < 100; i++) {
            byte[] m = Bytes.of(String.format("m%03d", i));
            assertThat(sl.rank(i / 2, m)).isEqualTo(i + 1);
            assertThat(Bytes.str(sl.byRank(i + 1).member())).isEqualTo(String.format("m%03d", i));
        }
        assertThat(sl.rank(3, Bytes.of("nope"))).isZero();
        assertThat(sl.byRank(0)).isNull();
        assertThat(sl.byRank(101)).isNull();
        assertThat(sl.countBelow(10, false)).isEqualTo(20);
        assertThat(sl.countBelow(10, true)).isEqualTo(22);
        assertThat(sl.countBelow(Double.NEGATIVE_INFINITY, false)).isZero();
        assertThat(sl.countBelow(Double.POSITIVE_INFINITY, true)).isEqualTo(100);
        assertThat(sl.countLexBelow(Bytes.of("m050"), false)).isEqualTo(50);
        assertThat(sl.countLexBelow(Bytes.of("m050"), true)).isEqualTo(51);
        assertThat(sl.delete(25, Bytes.of("m050"))).isNotNull();
        assertThat(sl.delete(25, Bytes.of("m050"))).isNull();
        assertThat(sl.length()).isEqualTo(99);
        assertThat(Bytes.str(sl.byRank(51).member())).isEqualTo("m051");
        assertThat(Bytes.str(sl.last().member())).isEqualTo("m099");
        assertThat(Bytes.str(sl.last().prev().member())).isEqualTo("m098");
    }

    @Test
    void skiplistUpdateScoreKeepsOrder() {
        SkipList sl = new SkipList();
        SkipList.Node a = sl.insert(1, Bytes.of("a"));
        sl.insert(2, Bytes.of("b"));
        sl.insert(3, Bytes.of("c"));
        SkipList.Node same = sl.updateScore(a, 1.5);
        assertThat(same).isSameAs(a);
        SkipList.Node moved = sl.updateScore(same, 10);
        assertThat(Bytes.str(sl.last().member())).isEqualTo("a");
        assertThat(moved.score).isEqualTo(10);
        assertThat(sl.rank(10, Bytes.of("a"))).isEqualTo(3);
        assertThat(Bytes.str(sl.first().member())).isEqualTo("b");
    }

    /** Random operations on both encodings against a sorted model. */
    @Test
    void bothEncodingsMatchModel() {
        for (boolean listpack : new boolean[] {true, false}) {
            Random r = new Random(listpack ? 1 : 2);
            ZSetValue z = listpack ? ZSetValue.listpack(4) : ZSetValue.skiplist(4);
            Map<String, Double> model = new HashMap<>();
            for (int i = 0; i < 5000; i++) {
                String m = "k" + r.nextInt(150);
                int op = r.nextInt(10);
                if (op < 6) {
                    double s = r.nextInt(40) - 20 + (r.nextBoolean() ? 0.5 : 0);
                    boolean added = z.put(Bytes.of(m), s, listpack ? 1000 : 0, 64);
                    assertThat(added).isEqualTo(!model.containsKey(m));
                    model.put(m, s);
                } else if (op < 9) {
                    assertThat(z.remove(Bytes.of(m))).isEqualTo(model.remove(m) != null);
                } else if (z.size() > 3) {
                    long from = r.nextInt(z.size() / 2);
                    long to = from + r.nextInt(3);
                    List<El> victims = new ArrayList<>();
                    z.range(from, to, false, (mm, s) -> victims.add(new El(Bytes.str(mm), s)));
                    assertThat(z.removeRange(from, to)).isEqualTo(victims.size());
                    victims.forEach(v -> model.remove(v.m));
                }
                if (i % 97 == 0) {
                    check(z, model);
                }
            }
            check(z, model);
            assertThat(z.encoding()).isEqualTo(listpack ? Encoding.LISTPACK : Encoding.SKIPLIST);
        }
    }

    private static void check(ZSetValue z, Map<String, Double> model) {
        List<El> expected = new ArrayList<>();
        model.forEach((m, s) -> expected.add(new El(m, s)));
        expected.sort(ORDER);
        List<El> actual = new ArrayList<>();
        z.forEach((m, s) -> actual.add(new El(Bytes.str(m), s)));
        assertThat(actual).isEqualTo(expected);
        List<El> reversed = new ArrayList<>();
        z.range(0, z.size() - 1, true, (m, s) -> reversed.add(new El(Bytes.str(m), s)));
        assertThat(reversed).isEqualTo(expected.reversed());
        for (int i = 0; i < expected.size(); i++) {
            El e = expected.get(i);
            assertThat(z.rank(Bytes.of(e.m))).isEqualTo(i);
            assertThat(z.score(Bytes.of(e.m))).isEqualTo(e.s);
        }
        for (double s = -21; s <= 21; s += 0.5) {
            final double q = s;
            assertThat(z.countBelow(s, false)).isEqualTo(expected.stream().filter(e -> e.s < q).count());
            assertThat(z.countBelow(s, true)).isEqualTo(expected.stream().filter(e -> e.s <= q).count());
        }
    }

    @Test
    void conversionsBothWays() {
        ZSetValue z = ZSetValue.listpack(2);
        for (int i = 0; i < 5; i++) {
            z.put(Bytes.of("m" + i), i, 4, 64);
        }
        assertThat(z.encoding()).isEqualTo(Encoding.SKIPLIST);
        assertThat(z.size()).isEqualTo(5);
        z.remove(Bytes.of("m0"));
        assertThat(z.encoding()).isEqualTo(Encoding.SKIPLIST);
        z.maybeToListpack(4, 64);
        assertThat(z.encoding()).isEqualTo(Encoding.LISTPACK);
        assertThat(z.rank(Bytes.of("m4"))).isEqualTo(3);
        ZSetValue y = ZSetValue.listpack(2);
        y.put(Bytes.of("x".repeat(65)), 1, 128, 64);
        assertThat(y.encoding()).isEqualTo(Encoding.SKIPLIST);
    }

    @Test
    void copyIsDeep() {
        for (boolean listpack : new boolean[] {true, false}) {
            ZSetValue z = listpack ? ZSetValue.listpack(2) : ZSetValue.skiplist(2);
            z.put(Bytes.of("a"), 1, 128, 64);
            z.put(Bytes.of("b"), 2, 128, 64);
            ZSetValue c = z.copy();
            c.put(Bytes.of("a"), 5, 128, 64);
            c.remove(Bytes.of("b"));
            assertThat(z.score(Bytes.of("a"))).isEqualTo(1);
            assertThat(z.size()).isEqualTo(2);
            assertThat(c.size()).isEqualTo(1);
            assertThat(c.memory()).isLessThanOrEqualTo(z.memory());
        }
    }

    @Test
    void strtodLikeGlibc() {
        assertThat(FloatParse.string2d(Bytes.of("0x10"))).isEqualTo(16.0);
        assertThat(FloatParse.string2d(Bytes.of("1e400"))).isNull();
        assertThat(FloatParse.string2d(Bytes.of("1e-400"))).isNull();
        assertThat(FloatParse.string2d(Bytes.of("4e-320"))).isEqualTo(4e-320);
        assertThat(FloatParse.string2d(Bytes.of("nan"))).isNull();
        assertThat(FloatParse.string2d(Bytes.of(" 1"))).isNull();
        assertThat(FloatParse.string2d(Bytes.of("-Infinity"))).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(FloatParse.string2d(Bytes.of(".5"))).isEqualTo(0.5);
        assertThat(FloatParse.string2d(Bytes.of("5."))).isEqualTo(5.0);
        assertThat(FloatParse.string2d(Bytes.of("1e"))).isNull();
        assertThat(FloatParse.rangeBound(Bytes.of(""), 0)).isEqualTo(0.0);
        assertThat(FloatParse.rangeBound(Bytes.of(" 2"), 0)).isEqualTo(2.0);
        assertThat(FloatParse.rangeBound(Bytes.of(" "), 0)).isNull();
        assertThat(FloatParse.rangeBound(Bytes.of("(1.5"), 1)).isEqualTo(1.5);
    }
}
