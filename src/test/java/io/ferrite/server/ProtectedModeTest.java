package io.ferrite.server;

import io.ferrite.compat.RedisProcess;
import io.ferrite.testing.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Protected mode as Redis 7.0: with no password, a client from 127.0.0.2 (a loopback address, but
 * not one of the two Redis counts as local) gets the -DENIED line and is disconnected; the bytes
 * are compared with redis-server 7.0.15's. Linux routes all of 127/8 to the loopback interface, so
 * the client binds 127.0.0.2 as its source address.
 */
class ProtectedModeTest {
    private static Server ferrite;
    private static RedisProcess redis;

    @BeforeAll
    static void start() throws Exception {
        ferrite = TestServers.start(1, Map.of());
        Path exe = RedisProcess.findExecutable();
        if (exe == null) {
            fail("redis-server not found on PATH: protected mode is compared with a real Redis 7.0");
        }
        redis = RedisProcess.start(exe, "--protected-mode", "yes");
    }

    @AfterAll
    static void stop() throws Exception {
        TestServers.closeAll(ferrite, redis);
    }

    /** Connects from {@code source}, sends PING and returns everything read until the server closes or 2 s pass. */
    private static String pingFrom(String source, int port) {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            s.setSoTimeout(2000);
            s.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] buf = new byte[4096];
            StringBuilder out = new StringBuilder();
            try {
                int n;
                while ((n = s.getInputStream().read(buf)) > 0) {
                    out.append(new String(buf, 0, n, StandardCharsets.US_ASCII));
                    if (out.toString().equals("+PONG\r\n") || out.toString().startsWith("-NOAUTH")) {
                        break;
                    }
                }
            } catch (java.net.SocketTimeoutException e) {
                out.append("<no close>");
            } catch (java.net.SocketException e) {
                // a reset after the line (Redis closes with the client's PING unread): closed all the same
            }
            return out.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String cfg(int port, String name, String value) {
        try (var c = new io.ferrite.testing.RawClient("127.0.0.1", port)) {
            return c.call("CONFIG", "SET", name, value);
        }
    }

    @Test
    void aClientFrom127002IsDeniedWithRedissText() {
        String denied = pingFrom("127.0.0.2", ferrite.respPort());
        assertThat(denied).startsWith("-DENIED Redis is running in protected mode because protected mode is enabled")
            .endsWith("accepting connections from the outside.\r\n")
            .isEqualTo(pingFrom("127.0.0.2", redis.port));
        assertThat(pingFrom("127.0.0.1", ferrite.respPort())).isEqualTo("+PONG\r\n");
    }

    @Test
    void deniedClientsCountAsRejectedConnections() {
        long before = ferrite.stats().rejectedConnections.sum();
        pingFrom("127.0.0.2", ferrite.respPort());
        assertThat(ferrite.stats().rejectedConnections.sum()).isEqualTo(before + 1);
    }

    @Test
    void configSetProtectedModeNoOpensTheServerAtRunTime() {
        for (int port : new int[] {ferrite.respPort(), redis.port}) {
            assertThat(cfg(port, "protected-mode", "no")).isEqualTo("+OK\r\n");
        }
        try {
            assertThat(pingFrom("127.0.0.2", ferrite.respPort())).isEqualTo("+PONG\r\n")
                .isEqualTo(pingFrom("127.0.0.2", redis.port));
        } finally {
            for (int port : new int[] {ferrite.respPort(), redis.port}) {
                cfg(port, "protected-mode", "yes");
            }
        }
    }

    @Test
    void aPasswordLiftsProtectedMode() {
        for (int port : new int[] {ferrite.respPort(), redis.port}) {
            assertThat(cfg(port, "requirepass", "secret")).isEqualTo("+OK\r\n");
        }
        try {
            String f = pingFrom("127.0.0.2", ferrite.respPort());
            assertThat(f).startsWith("-NOAUTH").isEqualTo(pingFrom("127.0.0.2", redis.port));
        } finally {
            for (int port : new int[] {ferrite.respPort(), redis.port}) {
                try (var c = new io.ferrite.testing.RawClient("127.0.0.1", port)) {
                    c.call("AUTH", "secret");
                    c.call("CONFIG", "SET", "requirepass", "");
                }
            }
        }
    }
}
