package io.ferrite.server.aof;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Redis's aofRewriteLimited: from 3 failures in a row, tries wait 1, 2, 4 ... up to 60 minutes; a success resets it. */
class RewriteLimitTest {
    private static final long T = 1_000_000;

    @Test
    void fewerThanThreeFailuresNeverLimit() {
        RewriteLimit l = new RewriteLimit();
        assertThat(l.limited(0, T)).isFalse();
        assertThat(l.limited(2, T)).isFalse();
    }

    @Test
    void theWaitDoublesUpToAnHour() {
        RewriteLimit l = new RewriteLimit();
        assertThat(l.limited(3, T)).isTrue();
        assertThat(l.limited(3, T + 59)).isTrue();
        // the minute has passed: one try is allowed
        assertThat(l.limited(3, T + 60)).isFalse();
        // it failed again: two minutes now
        assertThat(l.limited(4, T + 61)).isTrue();
        assertThat(l.limited(4, T + 61 + 119)).isTrue();
        assertThat(l.limited(4, T + 61 + 120)).isFalse();
        long now = T + 200;
        int[] waits = {4, 8, 16, 32, 60, 60};
        for (int minutes : waits) {
            assertThat(l.limited(5, now)).isTrue();
            assertThat(l.limited(5, now + minutes * 60L - 1)).isTrue();
            assertThat(l.limited(5, now + minutes * 60L)).isFalse();
            now += minutes * 60L + 1;
        }
    }

    @Test
    void aSuccessStartsAgainFromOneMinute() {
        RewriteLimit l = new RewriteLimit();
        assertThat(l.limited(3, T)).isTrue();
        assertThat(l.limited(3, T + 60)).isFalse();
        assertThat(l.limited(4, T + 61)).isTrue();
        assertThat(l.limited(0, T + 62)).isFalse();
        assertThat(l.limited(3, T + 63)).isTrue();
        assertThat(l.limited(3, T + 63 + 60)).isFalse();
    }
}
