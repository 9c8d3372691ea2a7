package io.ferrite.testing;

import io.ferrite.server.Server;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;
import redis.clients.jedis.Jedis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Base of the command-family tests: each test class runs once per shard count (1 and 4), against a
 * shared in-process server flushed before every test, through Lettuce ({@link #redis}) and Jedis
 * ({@link #jedis()}), plus {@link #raw} for byte-exact replies.
 */
@ParameterizedClass(name = "shards={0}")
@MethodSource("io.ferrite.testing.TestServers#shardCounts")
public abstract class FerriteTest {
    @Parameter
    protected int shards;

    protected Server server;
    protected RedisClient lettuce;
    protected StatefulRedisConnection<String, String> connection;
    protected RedisCommands<String, String> redis;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @BeforeEach
    void connect() {
        server = TestServers.shared(shards);
        lettuce = RedisClient.create(RedisURI.builder().withHost("127.0.0.1").withPort(server.respPort())
            .withTimeout(Duration.ofSeconds(10)).build());
        connection = lettuce.connect();
        redis = connection.sync();
        redis.flushall();
    }

    @AfterEach
    void disconnect() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
        closeables.clear();
        connection.close();
        lettuce.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }

    protected int port() {
        return server.respPort();
    }

    protected Jedis jedis() {
        Jedis j = new Jedis("127.0.0.1", port(), 10_000);
        closeables.add(j);
        return j;
    }

    /** A raw RESP connection, for checking replies byte for byte. */
    protected RawClient raw() {
        return raw(port());
    }

    /** A raw connection to another server (a private one a test started), closed after the test. */
    protected RawClient raw(int port) {
        RawClient r = new RawClient("127.0.0.1", port);
        closeables.add(r);
        return r;
    }

    /** A server of the test's own, for tests that change its settings; closed after the test. */
    protected Server ownServer(Map<String, String> settings) {
        Server s = TestServers.start(shards, settings);
        closeables.add(s);
        return s;
    }

    /** The connection's CLIENT ID. */
    protected static String idOf(RawClient c) {
        String r = c.call("CLIENT", "ID");
        return r.substring(1, r.length() - 2);
    }

    /** Waits until client {@code id} is blocked (CLIENT LIST shows flag b). */
    protected static void awaitBlocked(RawClient admin, String id) throws InterruptedException {
        for (int i = 0; i < 2000; i++) {
            if (admin.call("CLIENT", "LIST", "ID", id).contains(" flags=b ")) {
                return;
            }
            Thread.sleep(5);
        }
        throw new AssertionError("client " + id + " never blocked");
    }

    /** Sends a blocking command on a new connection and waits until the server has blocked it. */
    protected RawClient blockOn(RawClient admin, String... cmd) throws InterruptedException {
        RawClient c = raw();
        String id = idOf(c);
        c.send(RawClient.encode(cmd));
        awaitBlocked(admin, id);
        return c;
    }

    /**
     * INFO's used_memory without the clients' buffers, which follow this connection's requests
     * and replies: the figure of the data alone, for tests that check memory is given back.
     */
    protected long dataMemory() {
        String info = redis.info("memory");
        return memoryField(info, "used_memory") - memoryField(info, "mem_clients_normal");
    }

    private static long memoryField(String info, String name) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^" + name + ":(\\d+)").matcher(info);
        if (!m.find()) {
            throw new AssertionError(name + " not in INFO memory");
        }
        return Long.parseLong(m.group(1));
    }
}
