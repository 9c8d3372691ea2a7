package io.ferrite.protocol.resp;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.ferrite.testing.DecoderFuzzing;
import io.netty.channel.ChannelHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Fuzz targets for the RESP request decoder, multibulk and inline (Jazzer; see scripts/fuzz). In a
 * plain {@code mvn test} each runs its committed corpus under
 * {@code src/test/resources/io/ferrite/protocol/resp/RespDecoderFuzzTestInputs/}, and
 * {@link #mutatedSeeds} a bounded run of mutated inputs; {@code JAZZER_FUZZ=1} fuzzes one of them.
 */
class RespDecoderFuzzTest {
    /** The least limits Redis accepts: the decoder must hold to them whatever it is sent. */
    private static final RespLimits LIMITS = new RespLimits() {
        @Override
        public long maxBulkLength() {
            return RespLimits.LEAST_LIMIT;
        }

        @Override
        public long queryBufferLimit() {
            return RespLimits.LEAST_LIMIT;
        }

        @Override
        public boolean authenticated() {
            return true;
        }
    };

    @FuzzTest
    void multibulk(byte[] data) {
        check(data);
    }

    @FuzzTest
    void inline(byte[] data) {
        check(data);
    }

    @Test
    @Timeout(120)
    void mutatedSeeds() {
        List<byte[]> seeds = new java.util.ArrayList<>(DecoderFuzzing.seeds(getClass(), "multibulk"));
        seeds.addAll(DecoderFuzzing.seeds(getClass(), "inline"));
        DecoderFuzzing.mutateSeeds(seeds, 20_000, 16, RespDecoderFuzzTest::check);
    }

    static void check(byte[] data) {
        List<String> out = DecoderFuzzing.check(data,
            () -> new ChannelHandler[] {new RespDecoder(LIMITS, new QueryBuffer())}, RespDecoderFuzzTest::render,
            RespLimits.INLINE_MAX);
        for (int i = 0; i < out.size() - 1; i++) {
            if (out.get(i).startsWith("error ") || out.get(i).startsWith("overflow")) {
                throw new AssertionError("the decoder went on after " + out.get(i) + ": " + out);
            }
        }
    }

    private static String render(Object m) {
        if (m instanceof byte[][] args) {
            StringBuilder s = new StringBuilder("request");
            for (byte[] a : args) {
                s.append(' ').append(DecoderFuzzing.visible(a));
            }
            return s.toString();
        }
        if (m instanceof ProtocolError e) {
            return "error " + e.message();
        }
        if (m instanceof RespDecoder.QueryBufferOverflow o) {
            return "overflow " + new String(o.head(), StandardCharsets.ISO_8859_1);
        }
        throw new AssertionError("unexpected message " + m);
    }
}
