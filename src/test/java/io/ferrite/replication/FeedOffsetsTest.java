package io.ferrite.replication;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The stream offset after a feed entry, as WAIT asks it: exact when remembered, never too small. */
class FeedOffsetsTest {
    @Test
    void answersFromTheStartOfTheStream() {
        FeedOffsets o = new FeedOffsets(4);
        assertThat(o.offsetAfter(7, 100)).as("no stream yet: the current offset").isEqualTo(100);
        assertThat(o.offsetAfter(0, 100)).as("a client that never wrote").isZero();
        o.start(10, 500);
        assertThat(o.offsetAfter(9, 500)).isEqualTo(500);
        assertThat(o.offsetAfter(10, 500)).isEqualTo(500);
        assertThat(o.offsetAfter(11, 500)).as("not in the stream yet").isEqualTo(-1);
        o.record(11, 530);
        o.record(12, 560);
        assertThat(o.offsetAfter(11, 560)).isEqualTo(530);
        assertThat(o.offsetAfter(12, 560)).isEqualTo(560);
        assertThat(o.last()).isEqualTo(12);
    }

    @Test
    void forgottenEntriesAnswerWithTheCurrentOffset() {
        FeedOffsets o = new FeedOffsets(4);
        o.start(0, 0);
        for (long seq = 1; seq <= 10; seq++) {
            o.record(seq, seq * 10);
        }
        assertThat(o.offsetAfter(10, 100)).isEqualTo(100);
        assertThat(o.offsetAfter(7, 100)).isEqualTo(70);
        assertThat(o.offsetAfter(6, 100)).isEqualTo(100);
        o.stop();
        assertThat(o.offsetAfter(7, 100)).isEqualTo(100);
    }

    @Test
    void capacityIsAPowerOfTwo() {
        assertThatThrownBy(() -> new FeedOffsets(6)).isInstanceOf(IllegalArgumentException.class);
    }
}
