package io.ferrite.memcached;

import io.ferrite.server.Server;
import io.ferrite.testing.Await;
import io.ferrite.testing.TestServers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.ferrite.memcached.McHardeningTest.ascii;
import static io.ferrite.memcached.McHardeningTest.call;
import static io.ferrite.memcached.McHardeningTest.readUntil;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The memcached listener against clients that try to exhaust it, answered as memcached 1.6
 * answers them: a crowd of idle and half-open connections, memcached-max-connections, a storage
 * command announcing a value far over item-size-max, a line that never ends, a one-byte-at-a-time
 * sender.
 */
class McConnectionAbuseTest {
    private static final int CROWD = 2000;
    private static final int MAX_CONNECTIONS = CROWD + 20;
    private Server server;

    @BeforeEach
    void start() {
        server = TestServers.start(2, Map.of("memcached-port", Integer.toString(TestServers.freePort()),
            "memcached-max-connections", Integer.toString(MAX_CONNECTIONS), "io-threads", "1"));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Socket connect() throws Exception {
        Socket s = new Socket("127.0.0.1", server.memcachedPort());
        s.setSoTimeout(20_000);
        return s;
    }

    private long stat(String name) throws Exception {
        try (Socket s = connect()) {
            Matcher m = Pattern.compile("STAT " + name + " (\\d+)\r\n").matcher(call(s, "stats\r\n", "END\r\n"));
            assertThat(m.find()).as(name).isTrue();
            return Long.parseLong(m.group(1));
        }
    }

    @Test
    void aCrowdOfIdleAndHalfOpenConnectionsThenTheLimitRefusesAsMemcachedDoes() throws Exception {
        List<SocketChannel> crowd = new ArrayList<>();
        try {
            for (int i = 0; i < CROWD; i++) {
                SocketChannel c = SocketChannel.open(new InetSocketAddress("127.0.0.1", server.memcachedPort()));
                if (i % 2 == 1) {
                    // a value announced and never sent in full
                    c.write(ByteBuffer.wrap(ascii("set half" + i + " 0 0 10\r\nabc")));
                }
                crowd.add(c);
            }
            // stats opens one more connection of its own
            Await.until(() -> statOrZero("curr_connections") == CROWD + 1, "the crowd connected");
            try (Socket s = connect()) {
                assertThat(call(s, "set k 0 0 1\r\nv\r\n", "\r\n")).isEqualTo("STORED\r\n");
                assertThat(call(s, "get k\r\n", "END\r\n")).isEqualTo("VALUE k 0 1\r\nv\r\nEND\r\n");
            }
            // fill up to memcached-max-connections; the next one gets memcached's error, then EOF
            List<Socket> more = new ArrayList<>();
            try {
                for (int i = CROWD; i < MAX_CONNECTIONS; i++) {
                    Socket s = connect();
                    assertThat(call(s, "version\r\n", "\r\n")).startsWith("VERSION ");
                    more.add(s);
                }
                try (Socket refused = connect()) {
                    InputStream in = refused.getInputStream();
                    assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII))
                        .isEqualTo("ERROR Too many open connections\r\n");
                }
            } finally {
                for (Socket s : more) {
                    s.close();
                }
            }
        } finally {
            for (SocketChannel c : crowd) {
                c.close();
            }
        }
        Await.until(() -> statOrZero("curr_connections") == 1, "the crowd's connections closed");
        assertThat(stat("rejected_connections")).isEqualTo(1);
        // the half-open sets never ran
        try (Socket s = connect()) {
            assertThat(call(s, "get half1\r\n", "END\r\n")).isEqualTo("END\r\n");
        }
    }

    private long statOrZero(String name) {
        try {
            return stat(name);
        } catch (Exception | AssertionError e) {
            return 0;
        }
    }

    @Test
    void aValueFarOverItemSizeMaxIsRefusedAndSwallowedNotHeld() throws Exception {
        int announced = 20 << 20; // item-size-max is 1 MB
        try (Socket s = connect()) {
            OutputStream out = s.getOutputStream();
            out.write(ascii("set big 0 0 " + announced + "\r\n"));
            byte[] chunk = new byte[1 << 20];
            java.util.Arrays.fill(chunk, (byte) 'v');
            for (int i = 0; i < announced / chunk.length; i++) {
                out.write(chunk);
            }
            out.write(ascii("\r\n"));
            // as memcached 1.6, the error goes out once the data block has been read (and dropped)
            assertThat(readUntil(s.getInputStream(), "\r\n")).isEqualTo("SERVER_ERROR object too large for cache\r\n");
            // the next command is a command again
            assertThat(call(s, "get big\r\n", "END\r\n")).isEqualTo("END\r\n");
            assertThat(call(s, "set k 0 0 -1\r\n", "\r\n")).isEqualTo("CLIENT_ERROR bad command line format\r\n");
        }
        assertThat(stat("store_too_large")).isEqualTo(1);
    }

    @Test
    void aLineThatNeverEndsIsClosedAfterTwoKilobytes() throws Exception {
        try (Socket s = connect()) {
            OutputStream out = s.getOutputStream();
            out.write(ascii("set "));
            byte[] key = new byte[64 * 1024];
            java.util.Arrays.fill(key, (byte) 'k');
            try {
                for (int i = 0; i < 4; i++) {
                    out.write(key);
                }
            } catch (java.io.IOException closed) {
                // closed part way: what is expected
            }
            byte[] buf = new byte[4096];
            int r;
            try {
                r = s.getInputStream().read(buf);
            } catch (java.net.SocketException reset) {
                r = -1;
            }
            assertThat(r).as("memcached closes a client whose line passes 2 KB without a newline").isEqualTo(-1);
        }
        try (Socket s = connect()) {
            assertThat(call(s, "version\r\n", "\r\n")).startsWith("VERSION ");
        }
    }

    @Test
    void aSenderOfOneByteAtATimeHoldsNobodyUp() throws Exception {
        byte[] command = ascii("set slow 0 0 5\r\nloris\r\n");
        try (Socket slow = connect(); Socket other = connect()) {
            for (int i = 0; i < command.length - 1; i++) {
                slow.getOutputStream().write(command[i]);
                // the slow sender shares the one IO thread; every other client is still served in full
                assertThat(call(other, "incr served 1\r\n", "\r\n")).isIn("NOT_FOUND\r\n", i + "\r\n");
                if (i == 0) {
                    assertThat(call(other, "set served 0 0 1\r\n0\r\n", "\r\n")).isEqualTo("STORED\r\n");
                }
            }
            assertThat(slow.getInputStream().available()).isZero();
            slow.getOutputStream().write(command[command.length - 1]);
            assertThat(readUntil(slow.getInputStream(), "\r\n")).isEqualTo("STORED\r\n");
            assertThat(call(other, "get slow\r\n", "END\r\n")).isEqualTo("VALUE slow 0 5\r\nloris\r\nEND\r\n");
        }
    }
}
