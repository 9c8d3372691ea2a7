package io.ferrite.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The invariants every decoder fuzz target checks, whatever the protocol: arbitrary bytes, cut
 * at arbitrary points into several reads as Netty delivers them, go through the decoder in an
 * {@link EmbeddedChannel} and
 * <ul>
 *   <li>nothing throws: malformed input becomes the decoder's own protocol-error message;</li>
 *   <li>every input buffer is released once the channel closes (reference counts, as Netty's leak
 *       detector would report them, but checked on every input rather than sampled at GC);</li>
 *   <li>what is allocated is proportional to the bytes received, never to a length the input
 *       declares ({@code *2147483647}, {@code $1000000000}, {@code set k 0 0 1048576}): that is
 *       the memory an attacker gets for free;</li>
 *   <li>the messages decoded do not depend on where the input was cut (for inputs under the
 *       size at which a protocol itself looks at how much has arrived).</li>
 * </ul>
 * Infinite loops are caught by Jazzer's per-input timeout in fuzzing mode and by JUnit's in CI.
 */
public final class DecoderFuzzing {
    /** Allocation allowed per input whatever its size: a channel, its pipeline, a decoder. */
    private static final long BASE_ALLOCATION = 2L << 20;
    /** Allocation allowed per byte received: copies into arguments, a line, a cumulation. */
    private static final long ALLOCATION_PER_BYTE = 64;
    private static final com.sun.management.ThreadMXBean THREADS =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private DecoderFuzzing() {
    }

    /**
     * Feeds {@code data} whole and cut (the cut points derived from the data itself, so a finding
     * replays from its input file alone) through fresh channels holding {@code handlers}, checks
     * the invariants and returns the messages of the whole feed, each rendered by {@code render}.
     *
     * @param splitInvariantUpTo inputs longer than this may decode differently when cut (a
     *     protocol that looks at how much has arrived, as memcached at 2048 bytes without a newline)
     */
    public static List<String> check(byte[] data, Supplier<ChannelHandler[]> handlers, Function<Object, String> render,
                                     int splitInvariantUpTo) {
        long allowed = 2 * (BASE_ALLOCATION + ALLOCATION_PER_BYTE * data.length);
        List<List<String>> results = new ArrayList<>();
        Runnable both = () -> {
            results.clear();
            results.add(feed(handlers, render, List.of(data)));
            results.add(feed(handlers, render, cuts(data)));
        };
        long allocated = allocatedBy(both);
        if (allocated > allowed) {
            // a path taken for the first time loads (and, fuzzing, instruments) classes on this
            // thread: that is not the input's doing, so only a second, warm run counts
            allocated = allocatedBy(both);
        }
        List<String> whole = results.get(0);
        List<String> cut = results.get(1);
        if (allocated > allowed) {
            throw new AssertionError("decoding " + data.length + " bytes allocated " + allocated + " bytes (at most "
                + allowed + " expected): an allocation sized by a declared length, not by the input");
        }
        if (data.length <= splitInvariantUpTo && !whole.equals(cut)) {
            throw new AssertionError("the input decodes differently when cut into reads:\nwhole: " + whole + "\ncut:   " + cut);
        }
        return whole;
    }

    /** The input in 1 to 8 reads, cut where a seeded generator says (seeded by the input's contents). */
    static List<byte[]> cuts(byte[] data) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(java.util.Arrays.hashCode(data));
        int pieces = data.length < 2 ? 1 : 1 + r.nextInt(Math.min(8, data.length));
        int[] at = new int[pieces + 1];
        at[pieces] = data.length;
        for (int i = 1; i < pieces; i++) {
            at[i] = r.nextInt(data.length + 1);
        }
        java.util.Arrays.sort(at);
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < pieces; i++) {
            out.add(java.util.Arrays.copyOfRange(data, at[i], at[i + 1]));
        }
        return out;
    }

    private static List<String> feed(Supplier<ChannelHandler[]> handlers, Function<Object, String> render,
                                     List<byte[]> reads) {
        EmbeddedChannel ch = new EmbeddedChannel(handlers.get());
        List<ByteBuf> given = new ArrayList<>();
        List<String> out = new ArrayList<>();
        for (byte[] read : reads) {
            ByteBuf b = Unpooled.buffer(read.length);
            b.writeBytes(read);
            given.add(b);
            // writeInbound rethrows what the pipeline threw (a DecoderException wrapping the decoder's)
            ch.writeInbound(b);
            drain(ch, render, out);
            if (!ch.isOpen()) {
                break;
            }
        }
        ch.finish();
        drain(ch, render, out);
        for (ByteBuf b : given) {
            if (b.refCnt() != 0) {
                throw new AssertionError("an input buffer is still referenced (refCnt " + b.refCnt()
                    + ") after the channel closed: it leaks");
            }
        }
        return out;
    }

    /** Bytes this thread allocated rendering messages: the harness's, not the decoder's, so not counted against it. */
    private static long rendering;

    private static void drain(EmbeddedChannel ch, Function<Object, String> render, List<String> out) {
        for (Object m; (m = ch.readInbound()) != null; ) {
            if (m instanceof ByteBuf b) {
                b.release();
                throw new AssertionError("a decoder passed raw bytes on instead of a message");
            }
            long before = THREADS.getCurrentThreadAllocatedBytes();
            out.add(render.apply(m));
            rendering += THREADS.getCurrentThreadAllocatedBytes() - before;
        }
    }

    /** What the decoding in {@code run} allocated on this thread, less the rendering of its messages. */
    private static long allocatedBy(Runnable run) {
        long renderedBefore = rendering;
        long before = THREADS.getCurrentThreadAllocatedBytes();
        run.run();
        return THREADS.getCurrentThreadAllocatedBytes() - before - (rendering - renderedBefore);
    }

    /** Reads the seed inputs Jazzer runs in CI: every file under {@code <Class>Inputs/<method>/} in test resources. */
    public static List<byte[]> seeds(Class<?> target, String method) {
        String dir = target.getSimpleName() + "Inputs/" + method;
        java.net.URL url = target.getResource(dir);
        if (url == null) {
            throw new AssertionError("no seed corpus at " + dir);
        }
        try (var files = java.nio.file.Files.list(java.nio.file.Path.of(url.toURI()))) {
            List<byte[]> out = new ArrayList<>();
            for (var p : files.sorted().toList()) {
                out.add(java.nio.file.Files.readAllBytes(p));
            }
            return out;
        } catch (java.io.IOException | java.net.URISyntaxException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * CI's bounded run beside the corpus: {@code rounds} inputs made by mutating the seeds (bit
     * flips, inserted, deleted and repeated bytes, splices of two seeds, truncation) from a fixed
     * seed, each given to {@code target}. Not coverage-guided as Jazzer is; it keeps the plain
     * {@code mvn test} exploring a little past the committed inputs. A failure names the input.
     */
    public static void mutateSeeds(List<byte[]> seeds, int rounds, long seed, java.util.function.Consumer<byte[]> target) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        for (int i = 0; i < rounds; i++) {
            byte[] in = mutate(seeds.get(r.nextInt(seeds.size())), seeds, r);
            try {
                target.accept(in);
            } catch (RuntimeException | AssertionError e) {
                throw new AssertionError("round " + i + ", input (ISO-8859-1): "
                    + visible(in), e);
            }
        }
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /** The bytes as Java would write them in a string literal, for a failure's message. */
    public static String visible(byte[] b) {
        StringBuilder s = new StringBuilder("\"");
        for (byte x : b) {
            int c = x & 0xff;
            switch (c) {
                case '\r' -> s.append("\\r");
                case '\n' -> s.append("\\n");
                case '"', '\\' -> s.append('\\').append((char) c);
                default -> {
                    if (c >= 0x20 && c < 0x7f) {
                        s.append((char) c);
                    } else {
                        // not String.format: this runs for every byte of every message, twice an input
                        s.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xf]);
                    }
                }
            }
        }
        return s.append('"').toString();
    }

    private static final byte[][] TOKENS = {
        "\r\n".getBytes(), "\n".getBytes(), " ".getBytes(), "*".getBytes(), "$".getBytes(), "-1".getBytes(),
        "0".getBytes(), "4294967296".getBytes(), "2147483647".getBytes(), "9223372036854775808".getBytes(),
        "\"".getBytes(), "'".getBytes(), "\\x".getBytes(), {0}, {(byte) 0x80}, {(byte) 0xff},
    };

    static byte[] mutate(byte[] base, List<byte[]> seeds, java.util.SplittableRandom r) {
        byte[] b = base.clone();
        int steps = 1 + r.nextInt(4);
        for (int s = 0; s < steps; s++) {
            int at = b.length == 0 ? 0 : r.nextInt(b.length + 1);
            switch (r.nextInt(7)) {
                case 0 -> {
                    if (b.length > 0) {
                        int i = r.nextInt(b.length);
                        b[i] ^= (byte) (1 << r.nextInt(8));
                    }
                }
                case 1 -> b = insert(b, at, new byte[] {(byte) r.nextInt(256)});
                case 2 -> b = insert(b, at, TOKENS[r.nextInt(TOKENS.length)]);
                case 3 -> {
                    if (b.length > 0) {
                        int from = r.nextInt(b.length);
                        int to = from + r.nextInt(b.length - from) + 1;
                        byte[] cut = new byte[b.length - (to - from)];
                        System.arraycopy(b, 0, cut, 0, from);
                        System.arraycopy(b, to, cut, from, b.length - to);
                        b = cut;
                    }
                }
                case 4 -> b = insert(b, b.length, b.length > 2048 ? new byte[0] : b.clone());
                case 5 -> b = insert(b, at, seeds.get(r.nextInt(seeds.size())));
                default -> b = java.util.Arrays.copyOf(b, at);
            }
        }
        return b;
    }

    private static byte[] insert(byte[] b, int at, byte[] what) {
        byte[] out = new byte[b.length + what.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(what, 0, out, at, what.length);
        System.arraycopy(b, at, out, at + what.length, b.length - at);
        return out;
    }
}
