package io.ferrite.engine;

import io.ferrite.store.Bytes;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** maxmemory-admission's count-min sketch and its doorkeeper (TinyLFU). */
class FrequencySketchTest {
    private static int h(String key) {
        return Bytes.hash(key.getBytes(StandardCharsets.US_ASCII));
    }

    private static void times(FrequencySketch s, String key, int n) {
        for (int i = 0; i < n; i++) {
            s.increment(h(key));
        }
    }

    @Test
    void aKeyEstimatesItsAccessesTheFirstOneKeptByTheDoorkeeper() {
        FrequencySketch s = new FrequencySketch(10_000);
        assertThat(s.frequency(h("never"))).isZero();
        times(s, "once", 1);
        assertThat(s.frequency(h("once"))).isEqualTo(1);
        times(s, "seven", 7);
        assertThat(s.frequency(h("seven"))).isEqualTo(7);
        // 15 in the counters plus the doorkeeper's one at most
        times(s, "hot", 100);
        assertThat(s.frequency(h("hot"))).isEqualTo(FrequencySketch.MAX_COUNT + 1);
    }

    @Test
    void rareKeysAmongManyStayLowAndFrequentOnesStandOut() {
        FrequencySketch s = new FrequencySketch(2_000);
        for (int i = 0; i < 2_000; i++) {
            times(s, "cold" + i, 1);
        }
        for (int i = 0; i < 50; i++) {
            times(s, "warm" + i, 6);
        }
        int coldOverOne = 0;
        for (int i = 0; i < 2_000; i++) {
            coldOverOne += s.frequency(h("cold" + i)) > 2 ? 1 : 0;
        }
        // conservative updates and four rows keep collisions from lifting the one-hit keys
        assertThat(coldOverOne).isLessThan(40);
        for (int i = 0; i < 50; i++) {
            assertThat(s.frequency(h("warm" + i))).as("warm" + i).isBetween(6, 8);
        }
    }

    @Test
    void aFullSamplePeriodHalvesTheCountsAndClearsTheDoorkeeper() {
        FrequencySketch s = new FrequencySketch(1_000);
        times(s, "hot", 13);
        assertThat(s.frequency(h("hot"))).isEqualTo(13);
        // 12 counted plus the doorkeeper's bit; the period ends after sampleSize accesses in all
        int filler = s.sampleSize() - 13;
        for (int i = 0; i < filler; i++) {
            s.increment(h("filler" + (i % 5)));
        }
        assertThat(s.halvings()).isEqualTo(1);
        // 12 halved to 6, the doorkeeper forgotten
        assertThat(s.frequency(h("hot"))).isEqualTo(6);
        // the next access of it goes to the doorkeeper again
        s.increment(h("hot"));
        assertThat(s.frequency(h("hot"))).isEqualTo(7);
    }

    @Test
    void growingForMoreKeysStartsAfresh() {
        FrequencySketch s = new FrequencySketch(10);
        assertThat(s.capacity()).isEqualTo(FrequencySketch.MIN_CAPACITY);
        long small = s.bytes();
        times(s, "k", 5);
        s.ensureCapacity(FrequencySketch.MIN_CAPACITY);
        assertThat(s.frequency(h("k"))).isEqualTo(5);
        s.ensureCapacity(FrequencySketch.MIN_CAPACITY + 1);
        assertThat(s.capacity()).isEqualTo(FrequencySketch.MIN_CAPACITY * 5 / 4);
        assertThat(s.sampleSize()).isEqualTo(FrequencySketch.SAMPLE_FACTOR * s.capacity());
        assertThat(s.bytes()).isGreaterThan(small);
        assertThat(s.frequency(h("k"))).isZero();
    }

    @Test
    void theDoorkeeperAnswersSeenOnlyForWhatWasPutAndForgetsOnClear() {
        Doorkeeper d = new Doorkeeper(1 << 16);
        assertThat(d.put(11, 12)).isFalse();
        assertThat(d.put(11, 12)).isTrue();
        assertThat(d.contains(11, 12)).isTrue();
        int falsePositives = 0;
        for (long i = 0; i < 1000; i++) {
            long a = i * 0x9E3779B97F4A7C15L;
            falsePositives += d.contains(a, a * 31 + 7) ? 1 : 0;
        }
        assertThat(falsePositives).isLessThan(10);
        d.clear();
        assertThat(d.contains(11, 12)).isFalse();
    }
}
