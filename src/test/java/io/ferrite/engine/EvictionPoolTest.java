package io.ferrite.engine;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** Redis's eviction pool (evict.c evictionPoolPopulate) and its time limit (evictionTimeLimitUs). */
class EvictionPoolTest {
    private static byte[] k(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static String popBest(EvictionPool pool) {
        int slot = pool.best();
        String key = new String(pool.key(slot), StandardCharsets.US_ASCII);
        pool.remove(slot);
        return key;
    }

    @Test
    void theBestCandidateComesOutFirstWhateverTheOrderOffered() {
        EvictionPool pool = new EvictionPool();
        pool.offer(0, k("b"), 20);
        pool.offer(0, k("a"), 30);
        pool.offer(1, k("c"), 10);
        assertThat(popBest(pool)).isEqualTo("a");
        assertThat(popBest(pool)).isEqualTo("b");
        assertThat(pool.db(pool.best())).isEqualTo(1);
        assertThat(popBest(pool)).isEqualTo("c");
        assertThat(pool.isEmpty()).isTrue();
        assertThat(pool.best()).isEqualTo(-1);
    }

    @Test
    void aFullPoolDropsItsWorstForABetterCandidateAndIgnoresWorseOnes() {
        EvictionPool pool = new EvictionPool();
        for (int i = 1; i <= EvictionPool.SIZE; i++) {
            pool.offer(0, k("k" + i), i * 10);
        }
        pool.offer(0, k("worse"), 5);
        pool.offer(0, k("better"), 55);
        pool.offer(0, k("k3"), 1000);
        StringBuilder order = new StringBuilder();
        while (!pool.isEmpty()) {
            order.append(popBest(pool)).append(' ');
        }
        // k1 (10), the worst, left for "better"; "worse" never got in; a key already there is not added twice
        assertThat(order.toString().trim())
            .isEqualTo("k16 k15 k14 k13 k12 k11 k10 k9 k8 k7 k6 better k5 k4 k3 k2");
    }

    @Test
    void tenacityGivesRedisTimeLimits() {
        assertThat(Eviction.timeLimitMicros(0)).isZero();
        assertThat(Eviction.timeLimitMicros(10)).isEqualTo(500);
        assertThat(Eviction.timeLimitMicros(11)).isBetween(574L, 575L);
        assertThat(Eviction.timeLimitMicros(99)).isEqualTo((long) (500.0 * Math.pow(1.15, 89)));
        assertThat(Eviction.timeLimitMicros(100)).isEqualTo(Long.MAX_VALUE);
    }
}
