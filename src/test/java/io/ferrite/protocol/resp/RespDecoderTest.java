package io.ferrite.protocol.resp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The decoder on its own: the per-read work it may skip, and that skipping it changes nothing. */
class RespDecoderTest {
    /** Limits that count how often they are looked up. */
    private static final class CountingLimits implements RespLimits {
        final long bulk;
        final long query;
        int lookups;

        CountingLimits(long bulk, long query) {
            this.bulk = bulk;
            this.query = query;
        }

        @Override
        public long maxBulkLength() {
            lookups++;
            return bulk;
        }

        @Override
        public long queryBufferLimit() {
            lookups++;
            return query;
        }

        @Override
        public boolean authenticated() {
            return true;
        }
    }

    private static List<Object> decode(RespDecoder d, ByteBuf in) {
        List<Object> out = new ArrayList<>();
        d.decode(null, in, out);
        return out;
    }

    private static ByteBuf buf(String s) {
        return Unpooled.wrappedBuffer(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static List<String> words(Object request) {
        List<String> w = new ArrayList<>();
        for (byte[] a : (byte[][]) request) {
            w.add(new String(a, StandardCharsets.ISO_8859_1));
        }
        return w;
    }

    @Test
    void smallRequestsNeverLookTheLimitsUp() {
        CountingLimits limits = new CountingLimits(512L << 20, 1L << 30);
        RespDecoder d = new RespDecoder(limits, new QueryBuffer());
        List<Object> out = decode(d, buf("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nhello\r\nPING\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n"));
        assertThat(out).hasSize(3);
        assertThat(words(out.get(0))).containsExactly("SET", "k", "hello");
        assertThat(words(out.get(1))).containsExactly("PING");
        assertThat(limits.lookups).isZero();
    }

    @Test
    void limitsSetToTheirLeastValueStillApply() {
        long least = RespLimits.LEAST_LIMIT;
        RespDecoder ok = new RespDecoder(new CountingLimits(least, 1L << 30), new QueryBuffer());
        assertThat(decode(ok, buf("*2\r\n$3\r\nGET\r\n$" + least + "\r\n"))).isEmpty();
        RespDecoder tooLong = new RespDecoder(new CountingLimits(least, 1L << 30), new QueryBuffer());
        assertThat(decode(tooLong, buf("*2\r\n$3\r\nGET\r\n$" + (least + 1) + "\r\n")))
            .singleElement().isInstanceOfSatisfying(ProtocolError.class,
                e -> assertThat(e.message()).isEqualTo("invalid bulk length"));
        RespDecoder full = new RespDecoder(new CountingLimits(512L << 20, least), new QueryBuffer());
        assertThat(decode(full, buf("*2\r\n$3\r\nGET\r\n$" + (2 * least) + "\r\n" + "x".repeat((int) least + 1))))
            .singleElement().isInstanceOf(RespDecoder.QueryBufferOverflow.class);
    }

    @Test
    void unquotedInlineLinesSplitAsSdssplitargsDoes() {
        String[] lines = {"PING", "  SET   a\tb  ", "GET\u000bk\fx", "a\\x41b c\\n", "", "   ", "ECHO é"};
        for (String line : lines) {
            byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
            List<byte[]> general = InlineArgs.split(bytes);
            byte[][] fast = InlineArgs.splitUnquoted(bytes);
            assertThat(fast).as(line).isNotNull();
            assertThat(fast).as(line).isDeepEqualTo(general.toArray(new byte[0][]));
        }
        assertThat(InlineArgs.splitUnquoted("SET \"a b\" c".getBytes(StandardCharsets.UTF_8))).isNull();
        assertThat(InlineArgs.splitUnquoted("SET 'a' c".getBytes(StandardCharsets.UTF_8))).isNull();
    }

    @Test
    void inlineRequestsDecodeWithAndWithoutQuotes() {
        RespDecoder d = new RespDecoder(new CountingLimits(512L << 20, 1L << 30), new QueryBuffer());
        List<Object> out = decode(d, buf("SET k  v\r\n\r\nSET \"a b\" 'c'\r\n"));
        assertThat(out).hasSize(2);
        assertThat(words(out.get(0))).containsExactly("SET", "k", "v");
        assertThat(words(out.get(1))).containsExactly("SET", "a b", "c");
    }
}
