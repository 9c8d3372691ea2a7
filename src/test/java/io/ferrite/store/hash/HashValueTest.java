package io.ferrite.store.hash;

import io.ferrite.store.Encoding;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class HashValueTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> pairs(HashValue h) {
        List<String> out = new ArrayList<>();
        h.forEach((fb, fo, fl, vb, vo, vl) -> out.add(new String(fb, fo, fl, StandardCharsets.UTF_8) + "="
            + new String(vb, vo, vl, StandardCharsets.UTF_8)));
        return out;
    }

    @Test
    void listpackKeepsInsertionOrder() {
        HashValue h = new HashValue();
        assertThat(h.set(b("z"), b("1"))).isTrue();
        assertThat(h.set(b("a"), b("2"))).isTrue();
        assertThat(h.set(b("z"), b("longer value"))).isFalse();
        assertThat(pairs(h)).containsExactly("z=longer value", "a=2");
        assertThat(h.encoding()).isEqualTo(Encoding.LISTPACK);
        assertThat(h.valueLength(b("z"))).isEqualTo(12);
        assertThat(h.valueLength(b("q"))).isEqualTo(-1);
        assertThat(h.delete(b("z"))).isTrue();
        assertThat(h.delete(b("z"))).isFalse();
        assertThat(pairs(h)).containsExactly("a=2");
    }

    @Test
    void conversionKeepsContent() {
        HashValue h = new HashValue();
        for (int i = 0; i < 50; i++) {
            h.set(b("f" + i), b("v" + i));
        }
        HashValue before = h.copy();
        h.convertToTable();
        assertThat(h.encoding()).isEqualTo(Encoding.HASHTABLE);
        assertThat(h.size()).isEqualTo(50);
        for (int i = 0; i < 50; i++) {
            assertThat(h.get(b("f" + i))).isEqualTo(b("v" + i));
        }
        assertThat(before.encoding()).isEqualTo(Encoding.LISTPACK);
        assertThat(pairs(before)).hasSize(50);
    }

    @Test
    void randomOperationsInBothEncodings() {
        for (boolean table : new boolean[] {false, true}) {
            HashValue h = new HashValue();
            if (table) {
                h.convertToTable();
            }
            Map<String, String> model = new LinkedHashMap<>();
            SplittableRandom rnd = new SplittableRandom(3);
            for (int step = 0; step < 20_000; step++) {
                String f = "f" + rnd.nextInt(60);
                if (rnd.nextBoolean()) {
                    String v = "v".repeat(rnd.nextInt(200));
                    assertThat(h.set(b(f), b(v))).isEqualTo(!model.containsKey(f));
                    model.put(f, v);
                } else {
                    assertThat(h.delete(b(f))).isEqualTo(model.remove(f) != null);
                }
                assertThat(h.size()).isEqualTo(model.size());
            }
            for (Map.Entry<String, String> e : model.entrySet()) {
                assertThat(h.get(b(e.getKey()))).isEqualTo(b(e.getValue()));
            }
            if (!table) {
                List<String> expected = new ArrayList<>();
                model.forEach((k, v) -> expected.add(k + "=" + v));
                assertThat(pairs(h)).isEqualTo(expected);
            }
            int[] pos = h.pairOffsets();
            assertThat(pos).hasSize(model.size());
            for (int p : pos) {
                String f = new String(h.fieldAtPos(p), StandardCharsets.UTF_8);
                assertThat(h.valueAtPos(p)).isEqualTo(b(model.get(f)));
            }
        }
    }

    @Test
    void memoryShrinksBack() {
        HashValue h = new HashValue();
        long empty = h.memory();
        for (int i = 0; i < 100; i++) {
            h.set(b("field" + i), b("value" + i));
        }
        assertThat(h.memory()).isGreaterThan(empty + 1000);
        for (int i = 0; i < 100; i++) {
            h.delete(b("field" + i));
        }
        assertThat(h.memory()).isLessThan(empty + 64);
    }
}
