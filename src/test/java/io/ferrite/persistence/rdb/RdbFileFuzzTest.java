package io.ferrite.persistence.rdb;

import io.ferrite.persistence.snapshot.RdbLoadException;
import io.ferrite.persistence.snapshot.RdbLoader;
import io.ferrite.testing.OldRdbDataset;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The RDB file loader under random and mutated files (fixed seed, so a failure replays; a longer
 * run with another seed from scripts/fuzz-loaders). The seeds are valid files: version 10 with
 * every type and encoding Redis 7.0 writes, and versions 7 to 9 with the older encodings. Mutants
 * get bit flips, truncations, length fields claiming huge sizes, opcodes swapped, garbage spliced,
 * and (half of them) a CRC made right again so the loader reads to the end. Every file must either
 * load or be refused with an {@link RdbLoadException}; nothing else may be thrown, no file may take
 * long, and none may make the loader allocate more than a bounded multiple of the file's size.
 */
class RdbFileFuzzTest {
    private static final long SEED = 0xF11E_5EEDL;
    /** Mutants per seed file in one round. */
    private static final int MUTANTS_PER_SEED = Integer.getInteger("ferrite.fuzz.mutants", 400);
    private static final int RANDOM_FILES = 2_000;
    /**
     * What loading may allocate per byte of file: a value expands as it becomes objects (LZF up
     * to 89 times, a 1-byte list entry into a node), but never by a length field's say-so.
     */
    private static final long BYTES_PER_FILE_BYTE = 400;
    private static final long ALLOCATION_SLACK = 4 << 20;

    private static final com.sun.management.ThreadMXBean THREADS =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A version 10 file holding each DUMP payload of {@link RestoreFuzzTest#seeds} as a key, some with expiries. */
    static byte[] modernFile() {
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        f.writeBytes(b("REDIS0010"));
        aux(f, "redis-ver", "7.0.15");
        aux(f, "redis-bits", "64");
        f.write(0xFE);
        f.write(0);
        f.write(0xFB);
        f.write(20);
        f.write(2);
        int i = 0;
        for (byte[] payload : RestoreFuzzTest.seeds()) {
            if (i % 4 == 1) {
                f.write(0xFC);
                f.writeBytes(le(4_000_000_000_000L + i, 8));
            }
            if (i % 5 == 2) {
                f.write(0xF8);
                f.write(7);
            }
            f.write(payload[0]);
            byte[] key = b("key:" + i++);
            f.write(key.length);
            f.writeBytes(key);
            f.write(payload, 1, payload.length - 11);
        }
        f.write(0xFE);
        f.write(5);
        f.write(0);
        f.write(1);
        f.write('k');
        f.write(0xC0);
        f.write(42);
        return seal(f.toByteArray());
    }

    private static void aux(ByteArrayOutputStream f, String k, String v) {
        f.write(0xFA);
        f.write(k.length());
        f.writeBytes(b(k));
        f.write(v.length());
        f.writeBytes(b(v));
    }

    private static byte[] le(long v, int n) {
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) {
            out[i] = (byte) (v >>> (8 * i));
        }
        return out;
    }

    /** EOF and a right CRC-64 after {@code body} (which holds everything up to the EOF opcode, exclusive). */
    static byte[] seal(byte[] body) {
        byte[] f = Arrays.copyOf(body, body.length + 9);
        f[body.length] = (byte) 0xFF;
        System.arraycopy(le(Crc64.of(f, 0, body.length + 1), 8), 0, f, body.length + 1, 8);
        return f;
    }

    /** Makes the last 8 bytes the CRC-64 of the rest again (a file whose damage the checksum does not catch). */
    static byte[] reseal(byte[] file) {
        if (file.length < 17) {
            return file;
        }
        byte[] f = file.clone();
        System.arraycopy(le(Crc64.of(f, 0, f.length - 8), 8), 0, f, f.length - 8, 8);
        return f;
    }

    static List<byte[]> seedFiles() {
        List<byte[]> seeds = new ArrayList<>();
        seeds.add(modernFile());
        for (int v = 7; v <= 9; v++) {
            seeds.add(OldRdbDataset.file(v));
        }
        return seeds;
    }

    static byte[] mutate(byte[] file, Random rnd) {
        byte[] f = file.clone();
        int n = f.length;
        // the signature is left alone most of the time: a wrong one is refused at once, and that is tried too
        int from = rnd.nextInt(20) == 0 ? 0 : 9;
        int at = from + rnd.nextInt(Math.max(1, n - from));
        byte[] out = switch (rnd.nextInt(8)) {
            case 0 -> {
                for (int k = 1 + rnd.nextInt(4); k > 0; k--) {
                    int p = from + rnd.nextInt(n - from);
                    f[p] ^= (byte) (1 << rnd.nextInt(8));
                }
                yield f;
            }
            case 1 -> Arrays.copyOf(f, rnd.nextInt(n));
            case 2 -> {
                // a length field claiming a huge size: 32- or 64-bit length, or an LZF string's lengths
                byte[] huge = switch (rnd.nextInt(4)) {
                    case 0 -> new byte[] {(byte) 0x80, 0x7F, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF};
                    case 1 -> new byte[] {(byte) 0x81, 0x7F, -1, -1, -1, -1, -1, -1, -1};
                    case 2 -> new byte[] {(byte) 0xC3, (byte) 0x80, 0x7F, -1, -1, -1, (byte) 0x80, 0x7F, -1, -1, -1};
                    default -> new byte[] {(byte) 0x80, 0, 0, 0, (byte) (1 + rnd.nextInt(120))};
                };
                for (int i = 0; i < huge.length && at + i < n; i++) {
                    f[at + i] = huge[i];
                }
                yield f;
            }
            case 3 -> {
                // an opcode or type byte where data was
                f[at] = (byte) (rnd.nextBoolean() ? 0xF5 + rnd.nextInt(11) : rnd.nextInt(22));
                yield f;
            }
            case 4 -> {
                // a packed blob's header fields (ziplist, listpack, intset sizes and counts)
                f[at] = (byte) (rnd.nextBoolean() ? 0xFF : 0x00);
                if (at + 1 < n) {
                    f[at + 1] = (byte) 0xFF;
                }
                yield f;
            }
            case 5 -> {
                byte[] junk = new byte[1 + rnd.nextInt(16)];
                rnd.nextBytes(junk);
                byte[] g = new byte[n + junk.length];
                System.arraycopy(f, 0, g, 0, at);
                System.arraycopy(junk, 0, g, at, junk.length);
                System.arraycopy(f, at, g, at + junk.length, n - at);
                yield g;
            }
            case 6 -> {
                // a stretch cut out: the keys after it are read from the middle of something
                int len = 1 + rnd.nextInt(Math.min(64, n - at));
                byte[] g = new byte[n - len];
                System.arraycopy(f, 0, g, 0, at);
                System.arraycopy(f, at + len, g, at, n - at - len);
                yield g;
            }
            default -> {
                f[at] = (byte) rnd.nextInt(256);
                yield f;
            }
        };
        return rnd.nextBoolean() ? reseal(out) : out;
    }

    /** A file that is a valid header and random bytes after it, often with a right CRC. */
    static byte[] randomFile(Random rnd) {
        byte[] f = new byte[9 + rnd.nextInt(200)];
        rnd.nextBytes(f);
        System.arraycopy(b(rnd.nextBoolean() ? "REDIS0010" : "REDIS0009"), 0, f, 0, 9);
        return rnd.nextBoolean() ? reseal(f) : f;
    }

    @Test
    void mutatedAndRandomFilesLoadOrAreRefused() {
        FuzzBudget budget = FuzzBudget.fromProperties(SEED);
        List<byte[]> seeds = seedFiles();
        for (byte[] s : seeds) {
            assertThat(load(s)).as("a seed file loads").isTrue();
        }
        assertTimeoutPreemptively(budget.timeLimit(Duration.ofSeconds(180)), () -> {
            int loaded = 0;
            int refused = 0;
            while (budget.anotherRound()) {
                long roundSeed = budget.seedOf(budget.rounds() - 1);
                Random rnd = new Random(roundSeed);
                for (int s = 0; s < seeds.size(); s++) {
                    for (int i = 0; i < MUTANTS_PER_SEED; i++) {
                        byte[] file = mutate(seeds.get(s), rnd);
                        if (tryLoad(file, "round seed " + roundSeed + ", seed file " + s + ", mutant " + i)) {
                            loaded++;
                        } else {
                            refused++;
                        }
                    }
                }
                for (int i = 0; i < RANDOM_FILES; i++) {
                    if (tryLoad(randomFile(rnd), "round seed " + roundSeed + ", random file " + i)) {
                        loaded++;
                    } else {
                        refused++;
                    }
                }
            }
            // both outcomes occur: damage the loader reads past (a changed value), and damage it refuses
            assertThat(loaded).isPositive();
            assertThat(refused).isPositive();
            System.out.printf("RdbFileFuzzTest: seed %d, %d rounds, %d files, %d loaded, %d refused%n",
                budget.seed(), budget.rounds(), loaded + refused, loaded, refused);
        });
    }

    private static boolean load(byte[] file) {
        try {
            RdbLoader.load(file, Limits.DEFAULTS, System.currentTimeMillis(), 16, true, (db, key, value, expireAt, lruIdle, lfuFreq) -> {
                assertThat(value).isNotNull();
                assertThat(db).isBetween(0, 15);
            });
            return true;
        } catch (RdbLoadException e) {
            return false;
        }
    }

    /** True when the file loaded, false when it was refused as Redis refuses a bad file; anything else fails the test. */
    private static boolean tryLoad(byte[] file, String which) {
        long before = THREADS.getCurrentThreadAllocatedBytes();
        boolean ok;
        try {
            ok = load(file);
        } catch (AssertionError e) {
            throw e;
        } catch (Throwable t) {
            fail("the loader threw " + t + " for " + which, t);
            return false;
        }
        long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
        assertThat(allocated).as("bytes allocated loading a file of %d bytes (%s)", file.length, which)
            .isLessThan(file.length * BYTES_PER_FILE_BYTE + ALLOCATION_SLACK);
        return ok;
    }
}
