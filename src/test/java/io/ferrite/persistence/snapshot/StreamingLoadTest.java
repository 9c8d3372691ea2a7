package io.ferrite.persistence.snapshot;

import io.ferrite.persistence.rdb.Limits;
import io.ferrite.persistence.rdb.RdbInput;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A file read through {@link RdbInput}'s window: however big the file, the loader holds the window
 * (and, for one item bigger than it, that item); the CRC-64 is checked as the bytes go by; a file
 * shorter than its size said fails as a short read.
 */
class StreamingLoadTest {
    private static RdbLoader.Result load(InputStream s, long length, RdbInput[] seen, LoadProgress progress)
            throws RdbLoadException {
        RdbInput in = RdbInput.streaming(s, length, RdbInput.STREAM_WINDOW);
        seen[0] = in;
        return RdbLoader.load(in, Limits.DEFAULTS, System.currentTimeMillis(), 16, true, progress,
            (db, key, value, expireAt, idle, freq) -> { });
    }

    @Test
    void aFileMuchBiggerThanTheWindowIsReadThroughTheWindowAlone() throws Exception {
        // 1M keys of 100 bytes: about 120 MB, generated as it is read
        GeneratedRdb file = new GeneratedRdb(1_000_000, 100, 0);
        assertThat(file.length()).isGreaterThan(100L * 1024 * 1024);
        RdbInput[] in = new RdbInput[1];
        LoadProgress progress = new LoadProgress(new SaveState(1));
        progress.start(file.length(), 2 * 1024 * 1024);
        RdbLoader.Result r = load(file, file.length(), in, progress);
        assertThat(r.keysLoaded()).isEqualTo(1_000_000);
        assertThat(in[0].position()).isEqualTo(file.length());
        assertThat(in[0].peakWindow()).isEqualTo(RdbInput.STREAM_WINDOW);
        assertThat(progress.keysLoaded()).isEqualTo(1_000_000);
        // published once per interval: the last whole interval passed
        assertThat(progress.loadedBytes()).isGreaterThan(file.length() - 2 * 1024 * 1024).isLessThanOrEqualTo(file.length());
    }

    @Test
    void oneValueBiggerThanTheWindowIsHeldWholeAndTheRestStillStreams() throws Exception {
        GeneratedRdb file = new GeneratedRdb(10_000, 50, 3 * 1024 * 1024);
        RdbInput[] in = new RdbInput[1];
        RdbLoader.Result r = load(file, file.length(), in, null);
        assertThat(r.keysLoaded()).isEqualTo(10_000);
        assertThat(in[0].peakWindow()).isBetween(3 * 1024 * 1024, 3 * 1024 * 1024 + RdbInput.STREAM_WINDOW);
    }

    @Test
    void aDamagedByteFailsTheChecksum() throws Exception {
        GeneratedRdb gen = new GeneratedRdb(20_000, 40, 0);
        byte[] bytes = gen.readAllBytes();
        // a letter inside a value in the middle: still a valid file but for the CRC
        int middle = bytes.length / 2;
        while (bytes[middle] < 'a' || bytes[middle] > 'z') {
            middle++;
        }
        bytes[middle] = (byte) (bytes[middle] == 'a' ? 'b' : 'a');
        assertThatThrownBy(() -> load(new ByteArrayInputStream(bytes), bytes.length, new RdbInput[1], null))
            .isInstanceOf(RdbLoadException.class).hasMessageContaining("RDB CRC error");
    }

    @Test
    void aFileShorterThanItsSizeIsAShortRead() throws Exception {
        GeneratedRdb gen = new GeneratedRdb(20_000, 40, 0);
        byte[] bytes = gen.readAllBytes();
        InputStream cut = new ByteArrayInputStream(bytes, 0, bytes.length / 2);
        assertThatThrownBy(() -> load(cut, bytes.length, new RdbInput[1], null))
            .isInstanceOf(RdbLoadException.class).hasMessage("Short read or OOM loading DB. Unrecoverable error, aborting now.");
    }

    @Test
    void aStreamThatFailsIsAShortReadToo() {
        InputStream broken = new InputStream() {
            private final AtomicLong served = new AtomicLong();

            @Override
            public int read() throws IOException {
                if (served.incrementAndGet() > 9) {
                    throw new IOException("disk on fire");
                }
                return "REDIS0010".charAt((int) served.get() - 1);
            }
        };
        assertThatThrownBy(() -> load(broken, 1000, new RdbInput[1], null))
            .hasMessage("Short read or OOM loading DB. Unrecoverable error, aborting now.");
    }
}
