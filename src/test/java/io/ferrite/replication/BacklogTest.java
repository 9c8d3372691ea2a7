package io.ferrite.replication;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The backlog numbers bytes as Redis does (first byte 1, offset = last byte), hands out exactly
 * the bytes asked for as slices of its blocks, trims whole blocks only while the history stays at
 * least its size and no waiting replica needs them, and its slices outlive a trim.
 */
class BacklogTest {
    private static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (seed + i * 31);
        }
        return b;
    }

    private static byte[] concat(List<ByteBuf> bufs) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (ByteBuf b : bufs) {
            byte[] a = new byte[b.readableBytes()];
            b.getBytes(b.readerIndex(), a);
            out.writeBytes(a);
            b.release();
        }
        return out.toByteArray();
    }

    @Test
    void numbersBytesFromTheOffsetItStartsAt() {
        try (Backlog b = new Backlog(1 << 20, 100)) {
            assertThat(b.offset()).isEqualTo(100);
            assertThat(b.firstByteOffset()).isEqualTo(101);
            assertThat(b.histlen()).isZero();
            assertThat(b.covers(101)).isTrue();
            assertThat(b.covers(102)).isFalse();
            b.append("hello".getBytes());
            assertThat(b.offset()).isEqualTo(105);
            assertThat(b.histlen()).isEqualTo(5);
            assertThat(b.covers(101)).isTrue();
            assertThat(b.covers(106)).isTrue();
            assertThat(b.covers(107)).isFalse();
            assertThat(b.covers(100)).isFalse();
            assertThat(new String(concat(b.read(103)))).isEqualTo("llo");
            assertThat(concat(b.read(106))).isEmpty();
        }
    }

    @Test
    void readsAcrossBlocksExactly() {
        try (Backlog b = new Backlog(1 << 20, 0)) {
            byte[] all = bytes(100_000, 7);
            // in uneven pieces, so blocks fill and spill
            int at = 0;
            for (int piece : new int[] {1, 16383, 2, 40_000, 43_614}) {
                b.append(Unpooled.wrappedBuffer(all, at, piece));
                at += piece;
            }
            assertThat(b.offset()).isEqualTo(100_000);
            for (long from : new long[] {1, 16384, 16385, 50_000, 99_999, 100_000}) {
                byte[] got = concat(b.read(from));
                assertThat(got).hasSize((int) (100_000 - from + 1));
                assertThat(got[0]).isEqualTo(all[(int) from - 1]);
                assertThat(got[got.length - 1]).isEqualTo(all[99_999]);
            }
        }
    }

    @Test
    void trimsWholeBlocksKeepingAtLeastItsSize() {
        try (Backlog b = new Backlog(Backlog.MIN_SIZE * 4, 0)) {
            for (int i = 0; i < 20; i++) {
                b.append(bytes(Backlog.MIN_BLOCK, i));
            }
            b.trim(Long.MAX_VALUE);
            assertThat(b.histlen()).isGreaterThan(b.size()).isLessThanOrEqualTo(b.size() + Backlog.MIN_BLOCK);
            assertThat(b.firstByteOffset()).isEqualTo(b.offset() - b.histlen() + 1);
            assertThat(b.covers(1)).isFalse();
            assertThat(concat(b.read(b.firstByteOffset()))).hasSize((int) b.histlen());
        }
    }

    @Test
    void keepsWhatAWaitingReplicaNeeds() {
        try (Backlog b = new Backlog(Backlog.MIN_SIZE, 0)) {
            for (int i = 0; i < 10; i++) {
                b.append(bytes(Backlog.MIN_BLOCK, i));
            }
            b.trim(Backlog.MIN_BLOCK * 2L + 1);
            // the block holding byte 2*MIN_BLOCK+1 stays, and everything after it
            assertThat(b.firstByteOffset()).isLessThanOrEqualTo(Backlog.MIN_BLOCK * 2L + 1);
            assertThat(b.covers(Backlog.MIN_BLOCK * 2L + 1)).isTrue();
            b.trim(Long.MAX_VALUE);
            assertThat(b.covers(Backlog.MIN_BLOCK * 2L + 1)).isFalse();
        }
    }

    @Test
    void slicesHandedOutOutliveTrimAndClose() {
        ByteBuf held;
        try (Backlog b = new Backlog(Backlog.MIN_SIZE, 0)) {
            b.append(bytes(Backlog.MIN_BLOCK, 1));
            held = b.read(1).get(0);
            for (int i = 0; i < 4; i++) {
                b.append(bytes(Backlog.MIN_BLOCK, i));
            }
            b.trim(Long.MAX_VALUE);
            assertThat(b.covers(1)).isFalse();
        }
        // the shared block is still alive for the replica that holds it
        assertThat(held.refCnt()).isEqualTo(1);
        assertThat(held.getByte(0)).isEqualTo(bytes(1, 1)[0]);
        held.release();
        assertThat(held.refCnt()).isZero();
    }

    @Test
    void refusesBytesItDoesNotHold() {
        try (Backlog b = new Backlog(Backlog.MIN_SIZE, 10)) {
            b.append(new byte[] {1, 2, 3});
            assertThatThrownBy(() -> b.read(5)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> b.read(15)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> new Backlog(1, -1)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void aSmallSizeIsRaisedToRedisMinimum() {
        try (Backlog b = new Backlog(1, 0)) {
            assertThat(b.size()).isEqualTo(Backlog.MIN_SIZE);
            b.resize(Backlog.MIN_SIZE * 8, Long.MAX_VALUE);
            assertThat(b.size()).isEqualTo(Backlog.MIN_SIZE * 8);
        }
    }
}
