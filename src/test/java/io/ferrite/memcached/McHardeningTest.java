package io.ferrite.memcached;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The memcached listener under hostile input: bounded memory, replies that stay in step. */
class McHardeningTest extends MemcachedServerTest {
    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    Socket connect() throws Exception {
        Socket s = new Socket("127.0.0.1", server.memcachedPort());
        s.setSoTimeout(20_000);
        return s;
    }

    /** Sends text and reads until the reply ends with the given suffix. */
    static String call(Socket s, String text, String until) throws Exception {
        s.getOutputStream().write(ascii(text));
        s.getOutputStream().flush();
        return readUntil(s.getInputStream(), until);
    }

    static String readUntil(InputStream in, String until) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        while (!b.toString(StandardCharsets.ISO_8859_1).endsWith(until)) {
            int c = in.read();
            if (c < 0) {
                break;
            }
            b.write(c);
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    /** Live heap after a full collection: what the server (and this test) really hold. */
    static long liveHeap() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    @Test
    void getWithMillionsOfKeysIsAnsweredAsItArrivesInBoundedMemory() throws Exception {
        int keys = 2_000_000;
        try (Socket setup = connect()) {
            assertThat(call(setup, "set k7 0 0 1\r\nx\r\nset k1999999 0 0 1\r\ny\r\n", "STORED\r\nSTORED\r\n"))
                .isEqualTo("STORED\r\nSTORED\r\n");
        }
        long before = liveHeap();
        long peak = 0;
        try (Socket big = connect(); Socket other = connect()) {
            OutputStream out = big.getOutputStream();
            out.write(ascii("get"));
            StringBuilder chunk = new StringBuilder();
            int i = 0;
            // the first part of the line: the server must answer k7 before the line is complete
            for (; i < keys / 2; i++) {
                chunk.append(" k").append(i);
                if (chunk.length() > 65536) {
                    out.write(ascii(chunk.toString()));
                    chunk.setLength(0);
                    if (i % 500_000 < 8000) {
                        peak = Math.max(peak, liveHeap() - before);
                    }
                }
            }
            out.write(ascii(chunk.toString()));
            chunk.setLength(0);
            out.flush();
            InputStream in = big.getInputStream();
            assertThat(readUntil(in, "x\r\n")).isEqualTo("VALUE k7 0 1\r\nx\r\n");
            // meanwhile another client is served
            CompletableFuture<String> answer = CompletableFuture.supplyAsync(() -> {
                try {
                    return call(other, "set o 0 0 2\r\nok\r\nget o\r\n", "END\r\n");
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            assertThat(answer.get(10, TimeUnit.SECONDS)).isEqualTo("STORED\r\nVALUE o 0 2\r\nok\r\nEND\r\n");
            for (; i < keys; i++) {
                chunk.append(" k").append(i);
                if (chunk.length() > 65536) {
                    out.write(ascii(chunk.toString()));
                    chunk.setLength(0);
                    if (i % 500_000 < 8000) {
                        peak = Math.max(peak, liveHeap() - before);
                    }
                }
            }
            chunk.append("\r\n");
            out.write(ascii(chunk.toString()));
            out.flush();
            assertThat(readUntil(in, "END\r\n")).isEqualTo("VALUE k1999999 0 1\r\ny\r\nEND\r\n");
            // the connection is still in step
            assertThat(call(big, "get k7\r\n", "END\r\n")).isEqualTo("VALUE k7 0 1\r\nx\r\nEND\r\n");
        }
        // an 18 MB line of 2 million keys: as arrays it would hold well over 100 MB
        assertThat(peak).isLessThan(32L << 20);
    }

    /** Keys starting "boom" make their handler throw an exception, keys starting "oom" an OutOfMemoryError. */
    void injectFailures() {
        server.memcached().onRequest(k -> {
            String key = new String(k, StandardCharsets.ISO_8859_1);
            if (key.startsWith("boom")) {
                throw new IllegalStateException("injected");
            }
            if (key.startsWith("oom")) {
                throw new OutOfMemoryError("injected");
            }
        });
    }

    @Test
    void aHandlerThatThrowsStillAnswersSoRepliesStayInStep() throws Exception {
        injectFailures();
        try (Socket s = connect()) {
            String reply = call(s, "set a 0 0 1\r\nx\r\nset boom 0 0 1\r\ny\r\nset oom 0 0 1\r\ny\r\nget boom\r\n"
                + "get oom\r\nget a oom a\r\nincr oom 1\r\nset boom 0 0 1 noreply\r\ny\r\nmg oom v\r\n"
                + "ms oom 1\r\nz\r\nmd boom q\r\nget a\r\nmn\r\n", "MN\r\n");
            assertThat(reply).isEqualTo("STORED\r\n"
                + "SERVER_ERROR internal error\r\n"
                + "SERVER_ERROR out of memory storing object\r\n"
                + "SERVER_ERROR internal error\r\n"
                + "SERVER_ERROR out of memory writing get response\r\n"
                + "SERVER_ERROR out of memory writing get response\r\n"
                + "SERVER_ERROR out of memory\r\n"
                + "SERVER_ERROR out of memory writing get response\r\n"
                + "SERVER_ERROR out of memory storing object\r\n"
                + "SERVER_ERROR internal error\r\n"
                + "VALUE a 0 1\r\nx\r\nEND\r\n"
                + "MN\r\n");
            // memcached counts stores that ran out of memory
            assertThat(call(s, "stats\r\n", "END\r\n")).contains("STAT store_no_memory 2\r\n");
            // a multiget whose second chunk fails: the values already sent, then the error in place of END
            StringBuilder get = new StringBuilder("get a");
            for (int i = 0; i < 40; i++) {
                get.append(" k").append(i);
            }
            get.append(" oom");
            for (int i = 0; i < 40; i++) {
                get.append(" k").append(i);
            }
            get.append(" a\r\nget a\r\n");
            assertThat(call(s, get.toString(), "x\r\nEND\r\n")).isEqualTo("VALUE a 0 1\r\nx\r\n"
                + "SERVER_ERROR out of memory writing get response\r\nVALUE a 0 1\r\nx\r\nEND\r\n");
        }
        try (Socket s = connect()) {
            // binary: status 0x82 with memcached's text, then the noop's reply
            byte[] get = new byte[24 + 3];
            get[0] = (byte) 0x80;
            get[3] = 3;
            get[11] = 3;
            get[15] = 7;
            System.arraycopy(ascii("oom"), 0, get, 24, 3);
            byte[] noop = new byte[24];
            noop[0] = (byte) 0x80;
            noop[1] = 0x0a;
            s.getOutputStream().write(get);
            s.getOutputStream().write(noop);
            byte[] text = ascii("out of memory writing get response");
            byte[] reply = s.getInputStream().readNBytes(24 + text.length + 24);
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(reply);
            assertThat(b.get(0) & 0xff).isEqualTo(0x81);
            assertThat(b.getShort(6)).isEqualTo((short) 0x82);
            assertThat(b.getInt(8)).isEqualTo(text.length);
            assertThat(b.getInt(12)).isEqualTo(7);
            assertThat(java.util.Arrays.copyOfRange(reply, 24, 24 + text.length)).isEqualTo(text);
            assertThat(reply[24 + text.length + 1]).isEqualTo((byte) 0x0a);
        }
    }

    static long allocatorMemory() {
        if (io.netty.buffer.ByteBufAllocator.DEFAULT instanceof io.netty.buffer.ByteBufAllocatorMetricProvider p) {
            return p.metric().usedDirectMemory() + p.metric().usedHeapMemory();
        }
        throw new IllegalStateException("no allocator metric");
    }

    @Test
    void pipelinedGetsOfLargeValuesWaitForAClientThatDoesNotRead() throws Exception {
        int value = 1_000_000;
        int gets = 400;
        try (Socket setup = connect()) {
            assertThat(call(setup, "set big 0 0 " + value + "\r\n" + "v".repeat(value) + "\r\n", "\r\n"))
                .isEqualTo("STORED\r\n");
        }
        long before = allocatorMemory();
        try (Socket s = connect()) {
            s.setReceiveBufferSize(64 * 1024);
            s.getOutputStream().write(ascii("get big\r\n".repeat(gets)));
            s.getOutputStream().flush();
            Thread.sleep(1500);
            // 400 MB of replies if they were all produced; only what the socket and one batch hold may wait
            assertThat(allocatorMemory() - before).isLessThan(64L << 20);
            InputStream in = s.getInputStream();
            byte[] buf = new byte[1 << 16];
            long total = 0;
            long want = (long) gets * ("VALUE big 0 " + value + "\r\n\r\nEND\r\n").length() + (long) gets * value;
            while (total < want) {
                int n = in.read(buf);
                if (n < 0) {
                    break;
                }
                total += n;
            }
            assertThat(total).isEqualTo(want);
        }
    }
}
