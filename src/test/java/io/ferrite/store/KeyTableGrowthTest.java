package io.ferrite.store;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A key table asks maxmemory before it grows, as Redis's dictExpandAllowed, up to a load of 1.618. */
class KeyTableGrowthTest {
    private static byte[] key(int i) {
        return ("key:" + i).getBytes(StandardCharsets.US_ASCII);
    }

    private static long buckets(KeyTable t) {
        return t.overhead() - t.size() * MemoryEstimate.entryObject();
    }

    @Test
    void aTableRefusedTheMemoryWaitsUntilItsChainsGetLongThenGrows() {
        List<Long> asked = new ArrayList<>();
        KeyTable t = new KeyTable(more -> {
            asked.add(more);
            return false;
        });
        for (int i = 0; i < 1024; i++) {
            t.add(key(i));
        }
        // each growth waited for a load of 1.618: 829 keys took it from 512 buckets to 1024
        long at1024 = buckets(t);
        assertThat(at1024).isEqualTo(MemoryEstimate.references(1024));
        t.add(key(1024));
        assertThat(buckets(t)).as("full, but the growth was refused").isEqualTo(at1024);
        assertThat(asked).isNotEmpty();
        assertThat(asked.get(asked.size() - 1)).isPositive();
        int n = 1025;
        while (buckets(t) == at1024) {
            t.add(key(n++));
        }
        assertThat(n - 1).as("keys when it grew: a load of 1.618 over 1024 buckets").isEqualTo(1657);
        assertThat(buckets(t)).isEqualTo(MemoryEstimate.references(2048));
        for (int i = 0; i < n; i++) {
            assertThat(t.get(key(i))).as("key " + i).isNotNull();
        }
    }

    @Test
    void aTableAllowedTheMemoryGrowsWhenFull() {
        KeyTable t = new KeyTable(more -> true);
        KeyTable plain = new KeyTable();
        for (int i = 0; i < 5000; i++) {
            t.add(key(i));
            plain.add(key(i));
            assertThat(buckets(t)).isEqualTo(buckets(plain));
        }
    }
}
