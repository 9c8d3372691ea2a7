package io.ferrite.engine;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class StartupMemoryTest {
    private static final int MB = 1 << 20;

    @Test
    void liveHeapCountsWhatIsReachable() {
        long before = StartupMemory.liveHeap();
        byte[][] kept = new byte[32][MB];
        long after = StartupMemory.liveHeap();
        assertThat(kept[31]).hasSize(MB);
        // other tests' threads may still let go of a little meanwhile
        assertThat(after - before).isBetween(28L * MB, 40L * MB);
    }

    @Test
    void liveHeapLeavesGarbageOut() {
        long before = StartupMemory.liveHeap();
        long sum = 0;
        for (int i = 0; i < 64; i++) {
            byte[] garbage = new byte[MB];
            sum += garbage.length;
        }
        long after = StartupMemory.liveHeap();
        assertThat(sum).isEqualTo(64L * MB);
        // 64 MB were allocated and dropped: none of it is in the figure
        assertThat(after - before).isLessThan(16L * MB);
    }

    @Test
    void startedServersFigureStaysPutOnceTaken() {
        StartupMemory.measure();
        long first = StartupMemory.bytes();
        byte[] more = new byte[4 * MB];
        StartupMemory.measure();
        assertThat(more).hasSize(4 * MB);
        assertThat(StartupMemory.bytes()).isEqualTo(first).isPositive();
    }
}
