package io.ferrite.command.family;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class PartialQuickSortTest {
    @Test
    void wantedRangeHoldsWhatAFullSortPutsThere() {
        SplittableRandom rnd = new SplittableRandom(7);
        for (int round = 0; round < 500; round++) {
            int n = 1 + rnd.nextInt(200);
            Integer[] a = new Integer[n];
            for (int i = 0; i < n; i++) {
                a[i] = rnd.nextInt(n);
            }
            Integer[] sorted = a.clone();
            Arrays.sort(sorted);
            int lo = rnd.nextInt(n);
            int hi = lo + rnd.nextInt(n - lo);
            PartialQuickSort.sort(a, Comparator.naturalOrder(), lo, hi);
            assertThat(Arrays.copyOfRange(a, lo, hi + 1)).containsExactly(Arrays.copyOfRange(sorted, lo, hi + 1));
        }
    }

    @Test
    void fullRangeSortsEverything() {
        Integer[] a = {5, 3, 9, 1, 1, 8, 2, 7, 6, 4, 0, 3, 3, 12, 11, 10};
        PartialQuickSort.sort(a, Comparator.naturalOrder(), 0, a.length - 1);
        assertThat(a).isSorted();
    }

    @Test
    void equalKeysComeOutInRedisOrder() {
        // Redis 7.0.15: RPUSH l a b c d e f g h; SORT l BY nokey_* ALPHA LIMIT 0 7 -> h b c d e f g
        String[] a = {"a", "b", "c", "d", "e", "f", "g", "h"};
        PartialQuickSort.sort(a, (x, y) -> 0, 0, 6);
        assertThat(Arrays.copyOf(a, 7)).containsExactly("h", "b", "c", "d", "e", "f", "g");
    }

    @Test
    void aPartitionNeedingNoSwapIsStillSplit() {
        // Redis 7.0.15, GEOSEARCH ... COUNT 2 over points at these distances (five at the same place):
        // m6 m10; the later "no swap, so insertion sort" shortcut would give m10 m14
        double[] dist = {1005, 90, 0, 0, 0, 0, 0, 1156};
        String[] names = {"m11", "m12", "m10", "m14", "m18", "m19", "m6", "m7"};
        Integer[] a = {0, 1, 2, 3, 4, 5, 6, 7};
        PartialQuickSort.sort(a, (x, y) -> Double.compare(dist[x], dist[y]), 0, 1);
        assertThat(Arrays.stream(a).map(i -> names[i])).containsExactly("m6", "m10", "m14", "m18", "m19", "m12", "m11", "m7");
    }
}
