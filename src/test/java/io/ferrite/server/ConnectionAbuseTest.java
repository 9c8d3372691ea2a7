package io.ferrite.server;

import io.ferrite.testing.Await;
import io.ferrite.testing.FerriteProcess;
import io.ferrite.testing.RawClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.ferrite.testing.Replies.OK;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Clients that try to exhaust the server (Redis's "bounded under abuse"): thousands of idle and
 * half-open connections, a sender that sends one byte at a time, a query that never ends, and a
 * reader that never reads. The server is a process of its own with a small heap, so memory is
 * its resident size and a leak ends in an OutOfMemoryError rather than in the test JVM; one IO
 * thread, so a client that could hold the loop would hold everyone.
 */
class ConnectionAbuseTest {
    /** The connections of the crowd test: Redis's default maxclients. */
    private static final int CROWD = 10_000;
    /** Resident memory a connection may cost, idle or holding a partial request (Redis: about 20 KB). */
    private static final long BYTES_PER_CONNECTION = 48 * 1024;

    @TempDir
    static Path dir;
    private static FerriteProcess server;
    private static RawClient admin;

    @BeforeAll
    static void start() throws Exception {
        server = FerriteProcess.start(dir, dir.resolve("ferrite.log"), "--io-threads", "1", "--shards", "2",
            "--save", "", "--maxclients", Integer.toString(CROWD + 100));
        admin = new RawClient("127.0.0.1", server.port());
    }

    @AfterAll
    static void stop() throws Exception {
        admin.close();
        server.close();
    }

    @AfterEach
    void resetLimits() {
        admin.call("CONFIG", "SET", "client-query-buffer-limit", "1gb");
        admin.call("CONFIG", "SET", "client-output-buffer-limit", "normal 0 0 0");
    }

    private static long info(String field) {
        Matcher m = Pattern.compile("(?m)^" + field + ":(\\d+)").matcher(admin.call("INFO", "everything"));
        assertThat(m.find()).as(field).isTrue();
        return Long.parseLong(m.group(1));
    }

    /** The server's resident memory (VmRSS), in bytes. */
    private static long rss() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + server.process().pid() + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        throw new AssertionError("no VmRSS");
    }

    /** How many connections this JVM can still open to a server of its own (each costs a descriptor on both sides). */
    private static int connectionsAffordable() {
        var os = (com.sun.management.UnixOperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        return (int) Math.min(CROWD, os.getMaxFileDescriptorCount() - os.getOpenFileDescriptorCount() - 500);
    }

    @Test
    void tenThousandIdleAndHalfOpenConnectionsAreServedInBoundedMemory() throws Exception {
        int n = connectionsAffordable();
        assertThat(n).as("file descriptors for the connections (ulimit -n)").isGreaterThanOrEqualTo(CROWD / 2);
        long clientsBefore = info("connected_clients");
        long rssBefore = rss();
        List<SocketChannel> crowd = new ArrayList<>(n);
        ByteBuffer partial = ByteBuffer.wrap("*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$10\r\nabc".getBytes(StandardCharsets.US_ASCII));
        try {
            for (int i = 0; i < n; i++) {
                SocketChannel c = SocketChannel.open(new InetSocketAddress("127.0.0.1", server.port()));
                if (i % 2 == 1) {
                    // half-open: a command begun and never finished
                    c.write(partial.duplicate());
                }
                crowd.add(c);
            }
            Await.until(() -> info("connected_clients") == clientsBefore + n, n + " more clients connected",
                java.time.Duration.ofSeconds(60));
            // everyone else is still served at once, and the crowd costs a bounded amount each
            try (RawClient other = new RawClient("127.0.0.1", server.port())) {
                assertThat(other.call("SET", "after-crowd", "v")).isEqualTo(OK);
                assertThat(other.call("GET", "after-crowd")).isEqualTo("$1\r\nv\r\n");
            }
            long perConnection = (rss() - rssBefore) / n;
            assertThat(perConnection).as("resident bytes per connection").isLessThan(BYTES_PER_CONNECTION);
            // a half-open connection still finishes its command when the rest arrives
            SocketChannel last = crowd.get(n - 1);
            last.write(ByteBuffer.wrap("defghij\r\n".getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer reply = ByteBuffer.allocate(5);
            while (reply.hasRemaining() && last.read(reply) >= 0) {
                // "+OK\r\n"
            }
            assertThat(new String(reply.array(), StandardCharsets.US_ASCII)).isEqualTo(OK);
        } finally {
            for (SocketChannel c : crowd) {
                c.close();
            }
        }
        Await.until(() -> info("connected_clients") == clientsBefore, "the crowd's connections closed",
            java.time.Duration.ofSeconds(60));
    }

    @Test
    void aSenderOfOneByteAtATimeHoldsNobodyUp() throws Exception {
        byte[] command = RawClient.encode("SET", "slow", "loris");
        try (RawClient slow = new RawClient("127.0.0.1", server.port());
             RawClient other = new RawClient("127.0.0.1", server.port())) {
            for (int i = 0; i < command.length - 1; i++) {
                slow.send(new byte[] {command[i]});
                // between every byte the slow sender's loop serves another client in full
                assertThat(other.call("INCR", "served")).isEqualTo(":" + (i + 1) + "\r\n");
            }
            assertThat(slow.available()).isZero();
            slow.send(new byte[] {command[command.length - 1]});
            assertThat(slow.readReply()).isEqualTo(OK);
            assertThat(other.call("GET", "slow")).isEqualTo("$5\r\nloris\r\n");
        }
    }

    @Test
    void aQueryThatNeverEndsIsClosedAtTheQueryBufferLimitAndLogged() throws Exception {
        admin.call("CONFIG", "SET", "client-query-buffer-limit", "1mb");
        // one bulk argument announced at 100 MB (within proto-max-bulk-len) and sent slowly in pieces
        try (RawClient c = new RawClient("127.0.0.1", server.port())) {
            c.send("*2\r\n$4\r\nECHO\r\n$100000000\r\n");
            byte[] piece = new byte[64 * 1024];
            java.util.Arrays.fill(piece, (byte) 'x');
            try {
                for (int i = 0; i < 64; i++) {
                    c.send(piece);
                }
            } catch (java.io.UncheckedIOException closed) {
                // the server closed it mid-way: what is expected
            }
            assertThat(c.closedBeforeTimeout()).as("closed by the server").isTrue();
        }
        Await.until(() -> logHas("Closing client that reached max query buffer length"), "the close logged");
        // Redis's line names the client with the query buffer it had: just past the limit, not the 4 MB sent
        Matcher qbuf = Pattern.compile("max query buffer length: .* qbuf=(\\d+) ").matcher(server.logText());
        assertThat(qbuf.find()).isTrue();
        assertThat(Long.parseLong(qbuf.group(1))).isBetween(1L << 20, 2L << 20);
        assertThat(admin.call("PING")).isEqualTo("+PONG\r\n");
    }

    @Test
    void aClientThatNeverReadsIsClosedAtTheNormalHardLimit() throws Exception {
        admin.call("CONFIG", "SET", "client-output-buffer-limit", "normal 1mb 0 0");
        admin.call("SET", "big", "v".repeat(100_000));
        long before = info("total_connections_received");
        try (Socket s = stalledReader()) {
            OutputStream out = s.getOutputStream();
            byte[] get = RawClient.encode("GET", "big");
            try {
                for (int i = 0; i < 200; i++) {
                    out.write(get);
                }
                out.flush();
            } catch (IOException closed) {
                // closed while still sending: fine
            }
            Await.until(() -> logHas("scheduled to be closed ASAP for overcoming of output buffer limits"),
                "the disconnection logged");
            assertThat(drainsToEof(s.getInputStream())).as("the server closed the connection").isTrue();
        }
        assertThat(info("total_connections_received")).isGreaterThan(before);
    }

    @Test
    void withNoLimitAClientThatNeverReadsCostsABoundedBufferAndIsServedInFull() throws Exception {
        int value = 100_000;
        int gets = 1000; // 100 MB of replies, more than Ferrite buffers for one connection (64 MB)
        admin.call("SET", "big", "v".repeat(value));
        try (Socket s = stalledReader()) {
            OutputStream out = s.getOutputStream();
            Thread sender = new Thread(() -> {
                byte[] get = RawClient.encode("GET", "big");
                try {
                    for (int i = 0; i < gets; i++) {
                        out.write(get);
                    }
                    out.flush();
                } catch (IOException ignored) {
                    // the assertions below report what went wrong
                }
            });
            sender.start();
            // the server stops reading the client once its unread replies reach the write watermark
            Thread.sleep(2000);
            long omem = maxOmem();
            assertThat(omem).as("reply bytes held for the client").isLessThan(80L << 20);
            assertThat(admin.call("PING")).isEqualTo("+PONG\r\n");
            // and everything is delivered once the client reads
            InputStream in = new java.io.BufferedInputStream(s.getInputStream());
            long expected = (long) gets * (value + ("$" + value + "\r\n\r\n").length());
            long got = 0;
            byte[] buf = new byte[1 << 16];
            while (got < expected) {
                int r = in.read(buf);
                assertThat(r).as("the connection stays open").isPositive();
                got += r;
            }
            sender.join(10_000);
            assertThat(got).isEqualTo(expected);
        }
    }

    /** A connection with a small receive window whose replies the test does not read. */
    private static Socket stalledReader() throws IOException {
        Socket s = new Socket();
        s.setReceiveBufferSize(4096);
        s.setSoTimeout(30_000);
        s.connect(new InetSocketAddress("127.0.0.1", server.port()));
        return s;
    }

    /** The largest omem among the clients (CLIENT LIST), the output held for one client. */
    private static long maxOmem() {
        Matcher m = Pattern.compile(" omem=(\\d+) ").matcher(admin.call("CLIENT", "LIST"));
        long max = 0;
        while (m.find()) {
            max = Math.max(max, Long.parseLong(m.group(1)));
        }
        return max;
    }

    private static boolean drainsToEof(InputStream in) {
        byte[] buf = new byte[1 << 16];
        try {
            while (in.read(buf) >= 0) {
                // replies written before the close
            }
            return true;
        } catch (java.net.SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    private static boolean logHas(String text) {
        try {
            return server.logText().contains(text);
        } catch (IOException e) {
            return false;
        }
    }
}
