package io.ferrite.persistence.rdb;

import io.ferrite.store.Encoding;
import io.ferrite.store.ValueType;
import io.ferrite.store.hash.HashValue;
import io.ferrite.store.list.ListValue;
import io.ferrite.store.set.SetValue;
import io.ferrite.store.stream.ConsumerGroup;
import io.ferrite.store.stream.StreamId;
import io.ferrite.store.stream.StreamValue;
import io.ferrite.store.zset.ZSetValue;
import io.ferrite.testing.CatchPanics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * RESTORE's parser under random and mutated payloads (fixed seed, so a failure replays; a longer
 * run with another seed from scripts/fuzz-loaders): bit
 * flips, truncations, bytes set to length prefixes that claim huge sizes, spliced garbage. Each
 * payload is given a correct checksum, so it reaches the parser. Every one must either load a value
 * that can be used (walked, copied, dumped and loaded again) or be refused as malformed; none may
 * throw anything else, run away, or allocate more than a bounded multiple of its own size.
 */
@ExtendWith(CatchPanics.class)
class RestoreFuzzTest {
    private static final long SEED = 0x5EED_D0_0DL;
    private static final int MUTANTS_PER_SEED = 2_500;

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Valid payloads of every type and encoding to mutate. */
    static List<byte[]> seeds() {
        List<byte[]> out = new ArrayList<>();
        Limits l = Limits.DEFAULTS;
        out.add(DumpPayload.create(ValueType.STRING, b("12345"), l));
        out.add(DumpPayload.create(ValueType.STRING, b("x".repeat(80) + "y".repeat(80)), l));
        ListValue small = new ListValue();
        for (String s : new String[] {"a", "1", "-200", "hello world"}) {
            small.pushTail(b(s), -2);
        }
        out.add(DumpPayload.create(ValueType.LIST, small, l));
        ListValue big = new ListValue();
        for (int i = 0; i < 600; i++) {
            big.pushTail(b(i % 2 == 0 ? Integer.toString(i * 77) : "item" + i), -2);
        }
        out.add(DumpPayload.create(ValueType.LIST, big, l));
        SetValue ints = SetValue.intset();
        for (long v : new long[] {1, -7, 70000, 1L << 40}) {
            ints.add(b(Long.toString(v)), 512);
        }
        out.add(DumpPayload.create(ValueType.SET, ints, l));
        SetValue strs = SetValue.intset();
        for (String s : new String[] {"a", "bb", "ccc"}) {
            strs.add(b(s), 512);
        }
        out.add(DumpPayload.create(ValueType.SET, strs, l));
        HashValue h = new HashValue();
        h.set(b("f"), b("v"));
        h.set(b("n"), b("123"));
        out.add(DumpPayload.create(ValueType.HASH, h, l));
        HashValue ht = new HashValue();
        ht.convertToTable();
        ht.set(b("field"), b("value"));
        ht.set(b("other"), b("x"));
        out.add(DumpPayload.create(ValueType.HASH, ht, l));
        ZSetValue z = ZSetValue.listpack(4);
        z.put(b("a"), 1.5, 128, 64);
        z.put(b("b"), -3, 128, 64);
        out.add(DumpPayload.create(ValueType.ZSET, z, l));
        ZSetValue zs = ZSetValue.skiplist(4);
        zs.put(b("a"), 1.5, 128, 64);
        zs.put(b("b"), 1e300, 128, 64);
        out.add(DumpPayload.create(ValueType.ZSET, zs, l));
        StreamValue s = new StreamValue();
        s.append(new StreamId(1, 1), new byte[][] {b("f"), b("v")}, 4096, 3);
        s.append(new StreamId(1, 2), new byte[][] {b("f"), b("w"), b("g"), b("1")}, 4096, 3);
        s.append(new StreamId(3, 0), new byte[][] {b("f"), b("x")}, 4096, 3);
        s.append(new StreamId(4, 0), new byte[][] {b("f"), b("y")}, 4096, 3);
        s.delete(new StreamId(1, 2));
        ConsumerGroup g = s.createGroup(b("g"), new StreamId(3, 0), 3);
        g.deliver(new StreamId(1, 1), g.createConsumer(b("alice"), 1000), 2000);
        g.deliver(new StreamId(3, 0), g.createConsumer(b("bob"), 1000), 2000);
        out.add(DumpPayload.create(ValueType.STREAM, s, l));
        return out;
    }

    /** Re-seals a mutated payload: version 10 and a correct CRC-64, so the parser sees it. */
    static byte[] seal(byte[] body) {
        byte[] p = Arrays.copyOf(body, body.length + 10);
        p[body.length] = 10;
        long crc = Crc64.of(p, 0, body.length + 2);
        for (int i = 0; i < 8; i++) {
            p[body.length + 2 + i] = (byte) (crc >>> (8 * i));
        }
        return p;
    }

    static byte[] mutate(byte[] payload, Random rnd) {
        byte[] body = Arrays.copyOf(payload, payload.length - 10);
        int kind = rnd.nextInt(6);
        int n = body.length;
        switch (kind) {
            case 0 -> {
                for (int k = 1 + rnd.nextInt(4); k > 0; k--) {
                    int at = rnd.nextInt(n);
                    body[at] ^= (byte) (1 << rnd.nextInt(8));
                }
            }
            case 1 -> body = Arrays.copyOf(body, rnd.nextInt(n));
            case 2 -> {
                // a length prefix claiming a huge size: 32- or 64-bit form, or an LZF header
                int at = 1 + rnd.nextInt(Math.max(1, n - 1));
                byte[] huge = switch (rnd.nextInt(3)) {
                    case 0 -> new byte[] {(byte) 0x80, 0x7F, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF};
                    case 1 -> new byte[] {(byte) 0x81, 0x7F, -1, -1, -1, -1, -1, -1, -1};
                    default -> new byte[] {(byte) 0xC3, 0x02, (byte) 0x80, 0x7F, -1, -1, -1, 0, 0};
                };
                for (int i = 0; i < huge.length && at + i < n; i++) {
                    body[at + i] = huge[i];
                }
            }
            case 3 -> {
                int at = rnd.nextInt(n);
                body[at] = (byte) rnd.nextInt(256);
            }
            case 4 -> {
                // a listpack or ziplist header's size or count bytes
                int at = rnd.nextInt(n);
                body[at] = (byte) (rnd.nextBoolean() ? 0xFF : 0x00);
                if (at + 1 < n) {
                    body[at + 1] = (byte) 0xFF;
                }
            }
            default -> {
                byte[] junk = new byte[1 + rnd.nextInt(16)];
                rnd.nextBytes(junk);
                int at = rnd.nextInt(n);
                byte[] out = new byte[n + junk.length];
                System.arraycopy(body, 0, out, 0, at);
                System.arraycopy(junk, 0, out, at, junk.length);
                System.arraycopy(body, at, out, at + junk.length, n - at);
                body = out;
            }
        }
        return seal(body);
    }

    @Test
    void mutatedAndRandomPayloadsLoadOrAreRefused() {
        FuzzBudget budget = FuzzBudget.fromProperties(SEED);
        assertTimeoutPreemptively(budget.timeLimit(Duration.ofSeconds(120)), () -> {
            int loaded = 0;
            int refused = 0;
            while (budget.anotherRound()) {
                Random rnd = new Random(budget.seedOf(budget.rounds() - 1));
                for (byte[] seed : seeds()) {
                    for (int i = 0; i < MUTANTS_PER_SEED; i++) {
                        if (tryLoad(mutate(seed, rnd))) {
                            loaded++;
                        } else {
                            refused++;
                        }
                    }
                }
                for (int i = 0; i < 5_000; i++) {
                    byte[] junk = new byte[rnd.nextInt(64)];
                    rnd.nextBytes(junk);
                    if (junk.length > 0) {
                        junk[0] = (byte) rnd.nextInt(20);
                    }
                    if (tryLoad(seal(junk))) {
                        loaded++;
                    } else {
                        refused++;
                    }
                }
            }
            // both outcomes occur: mutations that keep a value well formed, and ones that do not
            assertThat(loaded).isPositive();
            assertThat(refused).isPositive();
            System.out.printf("RestoreFuzzTest: seed %d, %d rounds, %d payloads, %d loaded, %d refused%n",
                budget.seed(), budget.rounds(), loaded + refused, loaded, refused);
        });
    }

    /**
     * The same mutants under sanitize-dump-payload no: each loads (possibly kept corrupt, to end
     * the server when read, and then still dumpable), is refused, or ends the server as Redis's
     * assertion would; nothing else may happen.
     */
    @Test
    void mutatedPayloadsUnsanitizedLoadAreRefusedOrEndTheServer() {
        Limits trusting = new Limits(-2, 128, 64, 512, 128, 64, true, false);
        assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
            Random rnd = new Random(SEED);
            int[] outcomes = new int[3];
            for (byte[] seed : seeds()) {
                for (int i = 0; i < MUTANTS_PER_SEED / 5; i++) {
                    byte[] payload = mutate(seed, rnd);
                    try {
                        LoadedValue v = DumpPayload.load(payload, trusting);
                        assertThat(DumpPayload.create(v.type(), v.value(), Limits.DEFAULTS)).isNotEmpty();
                        outcomes[0]++;
                    } catch (RdbFormatException e) {
                        outcomes[1]++;
                    } catch (CatchPanics.Panicked e) {
                        outcomes[2]++;
                    }
                }
            }
            assertThat(outcomes[0]).isPositive();
            assertThat(outcomes[1]).isPositive();
        });
    }

    /** True when the payload loaded (and the value then survived use), false when it was refused. */
    private static boolean tryLoad(byte[] payload) {
        assertThat(DumpPayload.verify(payload)).isTrue();
        Runtime rt = Runtime.getRuntime();
        LoadedValue v;
        try {
            v = DumpPayload.load(payload, Limits.DEFAULTS);
        } catch (RdbFormatException e) {
            return false;
        }
        // the value works: it can be dumped and the dump loads back (to the same bytes, where the encoding keeps an order)
        byte[] again = DumpPayload.create(v.type(), v.value(), Limits.DEFAULTS);
        try {
            LoadedValue w = DumpPayload.load(again, Limits.DEFAULTS);
            if (w.encoding() != Encoding.HASHTABLE) {
                // a hash table's walk order depends on its insertion history
                assertThat(DumpPayload.create(w.type(), w.value(), Limits.DEFAULTS)).isEqualTo(again);
            }
        } catch (RdbFormatException e) {
            throw new AssertionError("a value Ferrite loaded dumps to a payload it refuses: " + e.getMessage());
        }
        assertThat(rt.totalMemory()).isLessThan(rt.maxMemory());
        return true;
    }
}
