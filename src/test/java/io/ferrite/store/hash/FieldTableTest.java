package io.ferrite.store.hash;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class FieldTableTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void randomOperationsMatchAMap() {
        FieldTable t = new FieldTable(0);
        Map<String, String> model = new HashMap<>();
        SplittableRandom rnd = new SplittableRandom(7);
        for (int step = 0; step < 200_000; step++) {
            String f = "f" + rnd.nextInt(5000);
            if (rnd.nextInt(3) < 2) {
                String v = "v" + step;
                assertThat(t.put(b(f), b(v))).isEqualTo(model.put(f, v) == null);
            } else {
                assertThat(t.remove(b(f))).isEqualTo(model.remove(f) != null);
            }
            if (step % 10_000 == 0) {
                assertThat(t.size()).isEqualTo(model.size());
                for (Map.Entry<String, String> e : model.entrySet()) {
                    assertThat(t.get(b(e.getKey()))).isEqualTo(b(e.getValue()));
                }
            }
        }
        assertThat(t.size()).isEqualTo(model.size());
        for (String f : new HashSet<>(model.keySet())) {
            assertThat(t.remove(b(f))).isTrue();
        }
        assertThat(t.size()).isZero();
        assertThat(t.get(b("f1"))).isNull();
    }

    @Test
    void scanReportsEveryStableEntryDespiteResizing() {
        FieldTable t = new FieldTable(0);
        for (int i = 0; i < 1000; i++) {
            t.put(b("stable" + i), b("v"));
        }
        Set<String> seen = new HashSet<>();
        long cursor = 0;
        int step = 0;
        do {
            cursor = t.scan(cursor, (f, v) -> seen.add(new String(f, StandardCharsets.UTF_8)));
            // grow and shrink the table while the scan runs
            if (step < 50) {
                for (int i = 0; i < 100; i++) {
                    t.put(b("tmp" + step + "-" + i), b("v"));
                }
            } else if (step < 100) {
                for (int i = 0; i < 100; i++) {
                    t.remove(b("tmp" + (step - 50) + "-" + i));
                }
            }
            step++;
        } while (cursor != 0);
        for (int i = 0; i < 1000; i++) {
            assertThat(seen).contains("stable" + i);
        }
    }

    @Test
    void copyIsDeep() {
        FieldTable t = new FieldTable(2);
        t.put(b("a"), b("1"));
        FieldTable c = t.copy();
        c.put(b("a"), b("2"));
        c.put(b("b"), b("3"));
        assertThat(t.get(b("a"))).isEqualTo(b("1"));
        assertThat(t.size()).isEqualTo(1);
        assertThat(c.size()).isEqualTo(2);
    }
}
