package io.ferrite.persistence.aof;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Commands read as loadSingleAppendOnlyFile reads them: what AofBuffer writes reads back, annotations
 * are skipped, a file cut anywhere inside a command is a truncation at the last whole command, other
 * damage a format error; and a fuzz run (fixed seed) of random and mutated files, which must end in
 * commands, a truncation or a format error, never anything else.
 */
class AofCommandReaderTest {
    private static AofCommandReader reader(byte[] file) {
        return new AofCommandReader(new ByteArrayInputStream(file), file.length, 0);
    }

    private static List<String> readAll(byte[] file) throws Exception {
        AofCommandReader r = reader(file);
        List<String> out = new ArrayList<>();
        byte[][] argv;
        while ((argv = r.next()) != null) {
            StringBuilder sb = new StringBuilder();
            for (byte[] a : argv) {
                sb.append(sb.length() == 0 ? "" : " ").append(new String(a, StandardCharsets.ISO_8859_1));
            }
            out.add(sb.toString());
        }
        return out;
    }

    private static byte[] sample() {
        AofBuffer b = new AofBuffer();
        b.command(0, new byte[][] {"SET".getBytes(), "k".getBytes(), "v\r\n".getBytes()}, 1700000000);
        b.command(2, new byte[][] {"MULTI".getBytes()}, 1700000000);
        b.command(2, new byte[][] {"INCR".getBytes(), "n".getBytes()}, 1700000001);
        b.command(2, new byte[][] {"EXEC".getBytes()}, 0);
        return b.toByteArray();
    }

    @Test
    void writtenCommandsReadBackWithSelectsAndTimestampsAsRedisWritesThem() throws Exception {
        byte[] file = sample();
        assertThat(new String(file, StandardCharsets.US_ASCII)).startsWith("#TS:1700000000\r\n*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n")
            .contains("*1\r\n$5\r\nMULTI\r\n#TS:1700000001\r\n*2\r\n$4\r\nINCR");
        assertThat(readAll(file)).containsExactly("SELECT 0", "SET k v\r\n", "SELECT 2", "MULTI", "INCR n", "EXEC");
    }

    @Test
    void aCutAnywhereInsideACommandIsATruncationAtTheLastWholeCommand() throws Exception {
        byte[] file = sample();
        List<Long> ends = new ArrayList<>();
        AofCommandReader whole = reader(file);
        while (whole.next() != null) {
            ends.add(whole.validUpTo());
        }
        for (int cut = 1; cut < file.length; cut++) {
            byte[] part = java.util.Arrays.copyOf(file, cut);
            AofCommandReader r = reader(part);
            long lastEnd = 0;
            boolean truncated = false;
            try {
                while (r.next() != null) {
                    lastEnd = r.validUpTo();
                }
            } catch (AofCommandReader.Truncated t) {
                truncated = true;
            }
            final int c = cut;
            long expectedEnd = ends.stream().filter(e -> e <= c).max(Long::compare).orElse(0L);
            assertThat(r.validUpTo()).as("cut at %d", cut).isEqualTo(expectedEnd);
            // only a cut at a command's end (or inside an annotation line that still ends the file) reads cleanly
            if (!truncated) {
                assertThat(lastEnd).isEqualTo(expectedEnd);
            }
        }
    }

    @Test
    void garbageIsAFormatError() {
        assertThatThrownBy(() -> readAll("SET k v\r\n".getBytes())).isInstanceOf(AofCommandReader.FormatError.class);
        assertThatThrownBy(() -> readAll("*0\r\n".getBytes())).isInstanceOf(AofCommandReader.FormatError.class);
        assertThatThrownBy(() -> readAll("*1\r\n+x\r\n".getBytes())).isInstanceOf(AofCommandReader.FormatError.class);
        // a length beyond the file is a truncation, found before anything is allocated for it
        assertThatThrownBy(() -> readAll("*1\r\n$999999999999\r\nx".getBytes())).isInstanceOf(AofCommandReader.Truncated.class);
        assertThatThrownBy(() -> readAll("*2147483647\r\n$1\r\nx\r\n".getBytes())).isInstanceOf(AofCommandReader.Truncated.class);
    }

    @Test
    void fuzzedFilesEndInCommandsATruncationOrAFormatError() throws Exception {
        Random rnd = new Random(20261207);
        byte[] base = sample();
        for (int i = 0; i < 20_000; i++) {
            byte[] f;
            if (i % 3 == 0) {
                f = new byte[rnd.nextInt(64)];
                rnd.nextBytes(f);
                if (f.length > 0 && rnd.nextBoolean()) {
                    f[0] = '*';
                }
            } else {
                f = base.clone();
                for (int m = 1 + rnd.nextInt(4); m > 0; m--) {
                    int at = rnd.nextInt(f.length);
                    f[at] = switch (rnd.nextInt(4)) {
                        case 0 -> (byte) rnd.nextInt(256);
                        case 1 -> (byte) ('0' + rnd.nextInt(10));
                        case 2 -> (byte) '\n';
                        default -> (byte) '$';
                    };
                }
                if (rnd.nextBoolean()) {
                    f = java.util.Arrays.copyOf(f, rnd.nextInt(f.length + 1));
                }
            }
            long commands = 0;
            try {
                AofCommandReader r = reader(f);
                while (r.next() != null) {
                    commands++;
                    assertThat(r.validUpTo()).isLessThanOrEqualTo(f.length);
                }
            } catch (AofCommandReader.Truncated | AofCommandReader.FormatError expected) {
                // the two outcomes Redis has for a damaged file
            }
            assertThat(commands).isLessThanOrEqualTo(f.length / 4);
        }
    }
}
