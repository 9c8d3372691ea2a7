package io.ferrite.replication;

import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * PSYNC2's history: the offset moves only with a backlog, a new backlog is a new history, and the
 * PSYNC decision follows masterTryPartialResynchronization (own id within the backlog, the second
 * id up to second_repl_offset, "?" forcing a full sync); plus what the replica side calls: adopt,
 * appendRaw and promote.
 */
class ReplicationLogTest {
    private static void append(ReplicationLog log, int n) {
        log.append(Unpooled.wrappedBuffer(new byte[n]));
    }

    @Test
    void idsAreFortyHexCharacters() {
        ReplicationLog log = new ReplicationLog(1 << 20);
        assertThat(log.replid()).hasSize(40).matches("[0-9a-f]{40}");
        assertThat(log.replid2()).isEqualTo("0".repeat(40));
        assertThat(log.secondReplidOffset()).isEqualTo(-1);
        assertThat(log.replid()).isNotEqualTo(ReplicationLog.randomId());
    }

    @Test
    void theOffsetMovesOnlyWithABacklog() {
        ReplicationLog log = new ReplicationLog(1 << 20);
        append(log, 10);
        assertThat(log.offset()).isZero();
        String before = log.replid();
        log.createBacklog();
        assertThat(log.replid()).isNotEqualTo(before);
        append(log, 10);
        assertThat(log.offset()).isEqualTo(10);
        assertThat(log.backlog().firstByteOffset()).isEqualTo(1);
        String during = log.replid();
        log.freeBacklog();
        assertThat(log.backlog()).isNull();
        assertThat(log.replid()).isNotEqualTo(during);
        assertThat(log.offset()).isEqualTo(10);
        log.createBacklog();
        assertThat(log.backlog().firstByteOffset()).isEqualTo(11);
    }

    @Test
    void continuesWithinTheBacklogOfItsOwnId() {
        ReplicationLog log = new ReplicationLog(1 << 20);
        log.createBacklog();
        append(log, 100);
        assertThat(log.decide(log.replid(), 1).partial()).isTrue();
        assertThat(log.decide(log.replid(), 101).partial()).isTrue();
        assertThat(log.decide(log.replid().toUpperCase(), 50).partial()).isTrue();
        PsyncDecision past = log.decide(log.replid(), 102);
        assertThat(past.partial()).isFalse();
        assertThat(past.log()).isEqualTo("lack of backlog");
        assertThat(log.decide(log.replid(), 0).partial()).isFalse();
    }

    @Test
    void refusesOtherHistoriesAndHonoursAForcedFullSync() {
        ReplicationLog log = new ReplicationLog(1 << 20);
        log.createBacklog();
        append(log, 5);
        PsyncDecision forced = log.decide("?", -1);
        assertThat(forced.partial()).isFalse();
        assertThat(forced.forced()).isTrue();
        assertThat(forced.log()).isNull();
        String other = ReplicationLog.randomId();
        PsyncDecision mismatch = log.decide(other, 1);
        assertThat(mismatch.forced()).isFalse();
        assertThat(mismatch.log()).isEqualTo("Partial resynchronization not accepted: Replication ID mismatch (Replica asked for '"
            + other + "', my replication IDs are '" + log.replid() + "' and '" + "0".repeat(40) + "')");
    }

    @Test
    void withoutABacklogEverySyncIsFull() {
        ReplicationLog log = new ReplicationLog(1 << 20);
        assertThat(log.decide(log.replid(), 1).partial()).isFalse();
    }

    @Test
    void aPromotedReplicaAcceptsItsOldIdUpToTheNextByte() {
        ReplicationLog log = new ReplicationLog(1 << 20);
        String master = ReplicationLog.randomId();
        log.adopt(master, 1000);
        assertThat(log.replid()).isEqualTo(master);
        assertThat(log.offset()).isEqualTo(1000);
        append(log, 50);
        log.promote();
        assertThat(log.replid2()).isEqualTo(master);
        assertThat(log.secondReplidOffset()).isEqualTo(1051);
        assertThat(log.replid()).isNotEqualTo(master);
        // a sibling replica at the same point continues with the old id
        assertThat(log.decide(master, 1051).partial()).isTrue();
        assertThat(log.decide(master, 1020).partial()).isTrue();
        PsyncDecision beyond = log.decide(master, 1052);
        assertThat(beyond.partial()).isFalse();
        assertThat(beyond.log()).isEqualTo("Partial resynchronization not accepted: Requested offset for second ID was 1052,"
            + " but I can reply up to 1051");
        // writes after the promotion are the new history's
        append(log, 10);
        assertThat(log.decide(log.replid(), 1061).partial()).isTrue();
    }

    @Test
    void aFailedOverMastersNewIdShiftsTheOldOneToSecond() {
        ReplicationLog log = new ReplicationLog(1 << 20);
        String first = ReplicationLog.randomId();
        log.adopt(first, 200);
        append(log, 20);
        String next = ReplicationLog.randomId();
        log.shiftTo(next);
        assertThat(log.replid()).isEqualTo(next);
        assertThat(log.replid2()).isEqualTo(first);
        assertThat(log.secondReplidOffset()).isEqualTo(221);
        assertThat(log.decide(first, 221).partial()).isTrue();
        assertThatThrownBy(() -> log.shiftTo("?")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void adoptStartsAnEmptyBacklogAtTheMastersOffset() {
        ReplicationLog log = new ReplicationLog(1 << 20);
        log.createBacklog();
        append(log, 30);
        String master = ReplicationLog.randomId();
        log.adopt(master, 500);
        assertThat(log.backlog().histlen()).isZero();
        assertThat(log.backlog().firstByteOffset()).isEqualTo(501);
        assertThat(log.replid2()).isEqualTo("0".repeat(40));
        // the master's stream, proxied as is, counts in the offset
        log.append(Unpooled.wrappedBuffer("*1\r\n$4\r\nPING\r\n".getBytes()));
        assertThat(log.offset()).isEqualTo(514);
        assertThat(log.decide(master, 501).partial()).isTrue();
        assertThatThrownBy(() -> log.adopt("short", 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aRestoredMasterContinuesTheFilesHistoryUnderANewId() {
        ReplicationLog log = new ReplicationLog(1 << 20);
        String saved = ReplicationLog.randomId();
        log.restore(saved, 700);
        // as loadDataFromDisk: a new id, the file's as the second one up to the next byte, an empty backlog there
        assertThat(log.replid()).isNotEqualTo(saved).hasSize(40);
        assertThat(log.replid2()).isEqualTo(saved);
        assertThat(log.secondReplidOffset()).isEqualTo(701);
        assertThat(log.offset()).isEqualTo(700);
        assertThat(log.backlog().histlen()).isZero();
        assertThat(log.backlog().firstByteOffset()).isEqualTo(701);
        assertThat(log.decide(saved, 701).partial()).isTrue();
        assertThat(log.decide(saved, 700).partial()).isFalse();
        append(log, 40);
        assertThat(log.decide(saved, 701).partial()).isTrue();
        assertThat(log.decide(saved, 702).partial()).isFalse();
        assertThatThrownBy(() -> log.restore("short", 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
