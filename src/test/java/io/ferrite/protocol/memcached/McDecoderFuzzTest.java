package io.ferrite.protocol.memcached;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.ferrite.command.memcached.McContext;
import io.ferrite.command.memcached.McRequest;
import io.ferrite.engine.Engine;
import io.ferrite.engine.Session;
import io.ferrite.engine.command.CallObserver;
import io.ferrite.engine.command.Host;
import io.ferrite.engine.command.Settings;
import io.ferrite.server.ServerConfig;
import io.ferrite.testing.DecoderFuzzing;
import io.netty.channel.ChannelHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Fuzz targets for the memcached decoders: text and meta (one decoder, two corpora) and binary
 * (Jazzer; see scripts/fuzz). Plain {@code mvn test} runs the committed corpora under
 * {@code src/test/resources/io/ferrite/protocol/memcached/McDecoderFuzzTestInputs/} and
 * {@link #mutatedSeeds} a bounded run of mutated inputs.
 */
class McDecoderFuzzTest {
    /** item-size-max at its default, 1 MB: a value over it is swallowed as it arrives, never held. */
    private static final McContext CONTEXT = new McContext(new ConfigOnly());

    @FuzzTest
    void text(byte[] data) {
        checkText(data);
    }

    @FuzzTest
    void meta(byte[] data) {
        checkText(data);
    }

    @FuzzTest
    void binary(byte[] data) {
        checkBinary(data);
    }

    @Test
    @Timeout(120)
    void mutatedSeeds() {
        List<byte[]> text = new ArrayList<>(DecoderFuzzing.seeds(getClass(), "text"));
        text.addAll(DecoderFuzzing.seeds(getClass(), "meta"));
        DecoderFuzzing.mutateSeeds(text, 20_000, 11211, McDecoderFuzzTest::checkText);
        DecoderFuzzing.mutateSeeds(DecoderFuzzing.seeds(getClass(), "binary"), 20_000, 11211,
            McDecoderFuzzTest::checkBinary);
        // before a login: memcached's text login lines, and binary SASL with everything else refused
        DecoderFuzzing.mutateSeeds(text, 5_000, 11212, McDecoderFuzzTest::checkTextLogin);
        DecoderFuzzing.mutateSeeds(DecoderFuzzing.seeds(getClass(), "binary"), 5_000, 11212,
            McDecoderFuzzTest::checkBinaryLogin);
    }

    static void checkText(byte[] data) {
        // memcached looks at how much of a line has arrived (2048 bytes without '\n'), so cutting
        // a longer input may legitimately change what it decodes to
        DecoderFuzzing.check(data, () -> new ChannelHandler[] {new McTextDecoder(CONTEXT, new McLogin(true))},
            McDecoderFuzzTest::render, McTextDecoder.LINE_MAX);
        // text requests after a "quit" are still decoded; the connection drops them unrun as it closes
    }

    static void checkTextLogin(byte[] data) {
        DecoderFuzzing.check(data, () -> new ChannelHandler[] {new McTextDecoder(CONTEXT, new McLogin(false))},
            McDecoderFuzzTest::render, McTextDecoder.LINE_MAX);
    }

    static void checkBinaryLogin(byte[] data) {
        assertNothingAfterClose(DecoderFuzzing.check(data,
            () -> new ChannelHandler[] {new McBinaryDecoder(CONTEXT, new McLogin(false))},
            McDecoderFuzzTest::render, Integer.MAX_VALUE));
    }

    static void checkBinary(byte[] data) {
        List<String> out = DecoderFuzzing.check(data, () -> new ChannelHandler[] {new McBinaryDecoder(CONTEXT, new McLogin(true))},
            McDecoderFuzzTest::render, Integer.MAX_VALUE);
        assertNothingAfterClose(out);
    }

    private static void assertNothingAfterClose(List<String> out) {
        for (int i = 0; i < out.size() - 1; i++) {
            if (out.get(i).startsWith("CLOSE")) {
                throw new AssertionError("the decoder went on after closing: " + out);
            }
        }
    }

    /** McRequest's fields, accessible once here rather than access-checked on each of the millions of reads. */
    private static final Field[] FIELDS = java.util.Arrays.stream(McRequest.class.getFields())
        .filter(f -> !Modifier.isStatic(f.getModifiers())).peek(f -> f.setAccessible(true)).toArray(Field[]::new);

    /** A request as its op and every field set, so a difference anywhere shows. */
    private static String render(Object m) {
        if (!(m instanceof McRequest r)) {
            throw new AssertionError("unexpected message " + m);
        }
        StringBuilder s = new StringBuilder(String.valueOf(r.op));
        try {
            for (Field f : FIELDS) {
                Object v = f.get(r);
                if (v == null || v.equals(false) || v.equals(0) || v.equals(0L) || f.getName().equals("op")) {
                    continue;
                }
                s.append(' ').append(f.getName()).append('=');
                if (v instanceof byte[] b) {
                    s.append(DecoderFuzzing.visible(b));
                } else if (v instanceof byte[][] bs) {
                    for (byte[] b : bs) {
                        s.append(DecoderFuzzing.visible(b)).append(',');
                    }
                } else if (v.getClass().getName().startsWith("io.ferrite")) {
                    // parsed meta flags: their source, metaFlags, is rendered already
                    s.append('+');
                } else {
                    s.append(v);
                }
            }
        } catch (IllegalAccessException e) {
            throw new AssertionError(e);
        }
        return s.toString();
    }

    /** The memcached decoders ask the server only for its settings (item-size-max). */
    private static final class ConfigOnly implements Host {
        private final ServerConfig config = ServerConfig.defaults();

        @Override
        public Settings config() {
            return config;
        }

        @Override
        public Engine engine() {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean authRequired() {
            return false;
        }

        @Override
        public CallObserver observer() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Collection<? extends Session> sessions() {
            return List.of();
        }

        @Override
        public Session session(long id) {
            return null;
        }
    }
}
