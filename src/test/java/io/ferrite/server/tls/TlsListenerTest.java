package io.ferrite.server.tls;

import io.ferrite.compat.RedisProcess;
import io.ferrite.server.Server;
import io.ferrite.testing.TestServers;
import io.ferrite.testing.Tool;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslOptions;
import io.lettuce.core.SslVerifyMode;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.ferrite.server.tls.TlsClients.CERTS;
import static io.ferrite.server.tls.TlsClients.cli;
import static io.ferrite.server.tls.TlsClients.cliAs;
import static io.ferrite.server.tls.TlsClients.sClient;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The TLS port with certificates made at test time: redis-cli --tls with and without a client
 * certificate under each tls-auth-clients (differential against redis-server 7.0.15 with the same
 * certificates), openssl s_client, Lettuce over SSL, CONFIG SET reloading the certificates, and
 * the memcached and metrics ports over TLS.
 */
class TlsListenerTest {
    private static Server ferrite;
    private static RedisProcess redis;
    private static int redisTls;

    @BeforeAll
    static void start() throws Exception {
        Map<String, String> d = new HashMap<>(TlsClients.serverDirectives());
        // only the TLS port: `port 0` with a tls-port is a server that speaks TLS alone
        d.put("port", "0");
        d.put("tls-port", Integer.toString(TestServers.freePort()));
        ferrite = TestServers.start(1, d);
        Path exe = RedisProcess.findExecutable();
        if (exe == null) {
            fail("redis-server not found on PATH: TLS is compared with a real Redis 7.0");
        }
        redisTls = TestServers.freePort();
        List<String> args = new ArrayList<>(TlsClients.serverArgs());
        args.addAll(List.of("--tls-port", Integer.toString(redisTls)));
        redis = RedisProcess.start(exe, args.toArray(String[]::new));
    }

    @AfterAll
    static void stop() throws Exception {
        TestServers.closeAll(ferrite, redis);
    }

    private static int port() {
        return ferrite.tlsPort();
    }

    @Test
    void onlyTheTlsPortListensAndInfoShowsIt() {
        assertThat(ferrite.respPort()).isZero();
        assertThat(cli(port(), "PING").out()).isEqualTo("PONG\n");
        assertThat(cli(port(), "INFO", "server").out()).contains("tcp_port:" + port() + "\r\n");
    }

    @Test
    void redisCliWithAndWithoutClientCertificateAsRedis() {
        for (String auth : List.of("yes", "optional", "no")) {
            for (int p : new int[] {port(), redisTls}) {
                assertThat(cli(p, "CONFIG", "SET", "tls-auth-clients", auth).out()).isEqualTo("OK\n");
            }
            for (String cert : new String[] {"client", "redis", null}) {
                Tool.Result f = cliAs(port(), cert, "PING");
                Tool.Result r = cliAs(redisTls, cert, "PING");
                // a refused handshake reads as a reset or as a close, by timing, from either server
                assertThat(f.exit()).as("tls-auth-clients %s, certificate %s", auth, cert).isEqualTo(r.exit());
                if (r.exit() == 0) {
                    assertThat(f.out()).isEqualTo(r.out()).isEqualTo("PONG\n");
                } else {
                    assertThat(f.out()).startsWith("Error: ").doesNotContain("PONG");
                }
            }
        }
        Tool.Result without = cliAs(port(), null, "PING");
        assertThat(without.out()).isEqualTo("PONG\n");
        cli(port(), "CONFIG", "SET", "tls-auth-clients", "yes");
        cli(redisTls, "CONFIG", "SET", "tls-auth-clients", "yes");
        assertThat(cliAs(port(), null, "PING").exit()).isEqualTo(1);
    }

    @Test
    void aPlainClientIsResetByTheTlsPortAsByRedis() {
        Tool.Result plain = Tool.run(10, "redis-cli", "-h", "127.0.0.1", "-p", Integer.toString(port()), "PING");
        assertThat(plain).isEqualTo(Tool.run(10, "redis-cli", "-h", "127.0.0.1", "-p", Integer.toString(redisTls), "PING"));
        assertThat(plain.out()).isEqualTo("Error: Connection reset by peer\n");
    }

    @Test
    void opensslClientTalksResp() {
        Tool.Result r = sClient(port(), "PING\r\nSET tls:k v\r\nGET tls:k\r\nQUIT\r\n", "-quiet");
        assertThat(r.out()).contains("+PONG\r\n+OK\r\n$1\r\nv\r\n+OK\r\n");
    }

    @Test
    void lettuceOverSsl() {
        SslOptions ssl = SslOptions.builder().jdkSslProvider()
            .trustManager(new File(CERTS.ca()))
            .keyManager(new File(CERTS.crt("client")), new File(CERTS.key("client")), null)
            .build();
        RedisURI uri = RedisURI.builder().withHost("127.0.0.1").withPort(port()).withSsl(true)
            .withVerifyPeer(SslVerifyMode.CA).build();
        RedisClient client = RedisClient.create(uri);
        client.setOptions(ClientOptions.builder().sslOptions(ssl).build());
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            c.sync().set("lettuce:tls", "over-tls");
            assertThat(c.sync().get("lettuce:tls")).isEqualTo("over-tls");
            assertThat(c.sync().ping()).isEqualTo("PONG");
        } finally {
            client.shutdown();
        }
    }

    @Test
    void aTlsConnectionMovesToTheShardItUsesAndKeepsWorking() {
        Map<String, String> d = new HashMap<>(TlsClients.serverDirectives());
        d.put("port", "0");
        d.put("tls-port", Integer.toString(TestServers.freePort()));
        Server s = TestServers.start(2, d);
        SslOptions ssl = SslOptions.builder().jdkSslProvider().trustManager(new File(CERTS.ca()))
            .keyManager(new File(CERTS.crt("client")), new File(CERTS.key("client")), null).build();
        RedisClient client = RedisClient.create(RedisURI.builder().withHost("127.0.0.1").withPort(s.tlsPort())
            .withSsl(true).withVerifyPeer(SslVerifyMode.CA).build());
        client.setOptions(ClientOptions.builder().sslOptions(ssl).build());
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            long id = c.sync().clientId();
            var home = s.client(id).client().home();
            var other = s.engine().shard(1 - home.id);
            String there = null;
            for (int i = 0; there == null; i++) {
                if (s.engine().shardOf(("there" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8)) == other) {
                    there = "there" + i;
                }
            }
            // the channel is deregistered from one loop and registered on another with its TLS handler
            for (int i = 0; i < 300; i++) {
                assertThat(c.sync().incr(there)).isEqualTo(i + 1);
            }
            assertThat(s.client(id).client().home()).isSameAs(other);
            assertThat(c.sync().get(there)).isEqualTo("300");
        } finally {
            client.shutdown();
            s.close();
        }
    }

    @Test
    void configSetReloadsTheCertificatesForNewConnections() {
        assertThat(sClient(port(), "QUIT\r\n").out()).contains("CN = Server-only").doesNotContain("CN = Generic-cert");
        assertThat(cli(port(), "CONFIG", "SET", "tls-cert-file", CERTS.crt("redis"), "tls-key-file", CERTS.key("redis"))
            .out()).isEqualTo("OK\n");
        try {
            assertThat(sClient(port(), "QUIT\r\n").out()).contains("CN = Generic-cert");
            // a key that does not load leaves the contexts in force, with Redis's error
            String encrypted = CERTS.encryptedKey("redis", "1234");
            Tool.Result refused = cli(port(), "CONFIG", "SET", "tls-key-file", encrypted);
            assertThat(refused).isEqualTo(cli(redisTls, "CONFIG", "SET", "tls-key-file", encrypted));
            assertThat(refused.out()).startsWith("ERR CONFIG SET failed "
                + "(possibly related to argument 'tls-key-file') - Unable to update TLS configuration. Check server logs.\n");
            assertThat(cli(port(), "CONFIG", "GET", "tls-key-file").out()).contains(CERTS.key("redis"));
            assertThat(cli(port(), "PING").out()).isEqualTo("PONG\n");
            assertThat(cli(port(), "CONFIG", "SET", "tls-key-file-pass", "1234").out()).isEqualTo("OK\n");
            assertThat(cli(port(), "CONFIG", "SET", "tls-key-file", encrypted).out()).isEqualTo("OK\n");
            assertThat(cli(port(), "PING").out()).isEqualTo("PONG\n");
        } finally {
            cli(port(), "CONFIG", "SET", "tls-cert-file", CERTS.crt("server"), "tls-key-file", CERTS.key("server"),
                "tls-key-file-pass", "");
        }
        assertThat(sClient(port(), "QUIT\r\n").out()).contains("CN = Server-only");
    }

    @Test
    void tlsProtocolsLimitWhatClientsMayUse() {
        assertThat(cli(port(), "CONFIG", "SET", "tls-protocols", "TLSv1.2").out()).isEqualTo("OK\n");
        try {
            assertThat(sClient(port(), "PING\r\n", "-quiet", "-tls1_3").out()).doesNotContain("+PONG");
            assertThat(sClient(port(), "PING\r\n", "-quiet", "-tls1_2").out()).contains("+PONG");
            assertThat(cli(port(), "CONFIG", "SET", "tls-protocols", "TLSv1.4").out())
                .startsWith("ERR CONFIG SET failed (possibly related to argument 'tls-protocols') - Unable to update TLS");
        } finally {
            cli(port(), "CONFIG", "SET", "tls-protocols", "");
        }
        assertThat(sClient(port(), "PING\r\n", "-quiet", "-tls1_3").out()).contains("+PONG");
    }

    @Test
    void cipherStringsAreOpenSslsAndServerPreferenceWins() {
        cli(port(), "CONFIG", "SET", "tls-protocols", "TLSv1.2", "tls-ciphers", "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384");
        try {
            String offer = "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256";
            assertThat(sClient(port(), "QUIT\r\n", "-cipher", offer).out()).contains("ECDHE-RSA-AES256-GCM-SHA384");
            cli(port(), "CONFIG", "SET", "tls-prefer-server-ciphers", "yes");
            assertThat(sClient(port(), "QUIT\r\n", "-cipher", offer).out()).contains("ECDHE-RSA-AES128-GCM-SHA256");
            assertThat(sClient(port(), "PING\r\n", "-quiet", "-cipher", "ECDHE-RSA-CHACHA20-POLY1305").out()).doesNotContain("+PONG");
        } finally {
            cli(port(), "CONFIG", "SET", "tls-protocols", "", "tls-ciphers", "", "tls-prefer-server-ciphers", "no");
        }
    }

    @Test
    void switchingBetweenThePlainAndTheTlsPort() {
        int plain = TestServers.freePort();
        assertThat(cli(port(), "CONFIG", "SET", "port", Integer.toString(plain)).out()).isEqualTo("OK\n");
        try {
            assertThat(Tool.run(10, "redis-cli", "-p", Integer.toString(plain), "PING").out()).isEqualTo("PONG\n");
            assertThat(cli(port(), "INFO", "server").out()).contains("tcp_port:" + plain + "\r\n");
        } finally {
            assertThat(cli(port(), "CONFIG", "SET", "port", "0").out()).isEqualTo("OK\n");
        }
        assertThat(Tool.run(10, "redis-cli", "-p", Integer.toString(plain), "PING").exit()).isEqualTo(1);
    }

    @Test
    void memcachedAndMetricsOverTls() {
        Map<String, String> d = new HashMap<>(TlsClients.serverDirectives());
        d.put("memcached-port", Integer.toString(TestServers.freePort()));
        d.put("memcached-tls", "yes");
        d.put("metrics-port", Integer.toString(TestServers.freePort()));
        d.put("metrics-tls", "yes");
        Server s = TestServers.start(1, d);
        try {
            assertThat(sClient(s.memcachedPort(), "version\r\nquit\r\n", "-quiet").out()).contains("\nVERSION 1.6");
            assertThat(sClient(s.metricsPort(), "GET /metrics HTTP/1.0\r\n\r\n", "-quiet").out())
                .contains("HTTP/1.1 200").contains("ferrite_connected_clients");
            // the RESP port stays plain: no tls-port was asked for
            assertThat(Tool.run(10, "redis-cli", "-p", Integer.toString(s.respPort()), "PING").out()).isEqualTo("PONG\n");
        } finally {
            s.close();
        }
    }

    @Test
    void aTlsPortWithoutCertificatesStopsTheStartAsRedis() {
        assertThatThrownBy(() -> TestServers.start(1, Map.of("tls-port", Integer.toString(TestServers.freePort()))))
            .hasMessage("Failed to configure TLS. Check logs for more info.");
    }
}
