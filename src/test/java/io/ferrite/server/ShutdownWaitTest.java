package io.ferrite.server;

import io.ferrite.compat.RedisProcess;
import io.ferrite.testing.Await;
import io.ferrite.testing.Digests;
import io.ferrite.testing.RawClient;
import io.ferrite.testing.TestServers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * SHUTDOWN on a master whose replica lags (a real redis-server stopped by SIGSTOP), as Redis 7.0:
 * the SHUTDOWN clients wait (blocked_clients, INFO's shutdown_in_milliseconds) while writes are
 * paused and reads go on; the replica catching up lets the server save and exit, the timeout
 * (shutdown-timeout) ends the wait anyway, NOW skips it, and ABORT answers every waiting client
 * with Redis's error and lets the writes through.
 */
class ShutdownWaitTest {
    private static final String FAILED = "-ERR Errors trying to SHUTDOWN. Check logs.\r\n";

    private Server master;
    private Jedis client;
    private RedisProcess replica;
    private final CountDownLatch exited = new CountDownLatch(1);

    @BeforeEach
    void findRedis() {
        assumeTrue(RedisProcess.findExecutable() != null, "redis-server not found");
    }

    @AfterEach
    void stop() throws Exception {
        if (replica != null) {
            signal("CONT");
            replica.close();
        }
        if (client != null) {
            client.close();
        }
        if (master != null) {
            master.close();
        }
    }

    /** A master with a real replica synced, then stopped, and a write it has not acknowledged. */
    private void laggingReplica(Map<String, String> directives) throws Exception {
        master = TestServers.start(2, directives);
        master.onShutdown(exited::countDown);
        client = new Jedis("127.0.0.1", master.respPort(), 10_000);
        client.set("k", "1");
        replica = RedisProcess.start(RedisProcess.findExecutable(), "--replicaof", "127.0.0.1",
            Integer.toString(master.respPort()));
        try (Jedis r = new Jedis("127.0.0.1", replica.port)) {
            Await.until(() -> Digests.of(client).equals(Digests.of(r)) && "1".equals(r.get("k")), "the replica synced");
        }
        signal("STOP");
        client.incr("k");
    }

    private void signal(String sig) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + sig, Long.toString(replica.pid())).start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
    }

    private String infoField(String section, String field) {
        for (String line : client.info(section).split("\r\n")) {
            if (line.startsWith(field + ":")) {
                return line.substring(field.length() + 1);
            }
        }
        return null;
    }

    @Test
    void shutdownWaitsForTheReplicaWithWritesPausedThenSaves() throws Exception {
        laggingReplica(Map.of("shutdown-timeout", "300"));
        try (RawClient waiting = new RawClient("127.0.0.1", master.respPort())) {
            waiting.send(RawClient.encode("SHUTDOWN", "SAVE"));
            Await.until(() -> infoField("server", "shutdown_in_milliseconds") != null, "the shutdown waiting");
            assertThat(Long.parseLong(infoField("server", "shutdown_in_milliseconds"))).isBetween(1L, 300_000L);
            assertThat(infoField("clients", "blocked_clients")).isEqualTo("1");
            assertThat(client.get("k")).isEqualTo("2");
            CompletableFuture<String> write = CompletableFuture.supplyAsync(() -> {
                try (Jedis j = new Jedis("127.0.0.1", master.respPort(), 30_000)) {
                    return j.set("late", "x");
                }
            });
            Thread.sleep(300);
            assertThat(write).as("a write waits while the shutdown does").isNotDone();
            assertThat(exited.getCount()).isEqualTo(1);

            signal("CONT");
            assertThat(exited.await(20, TimeUnit.SECONDS)).as("the server exits once the replica caught up").isTrue();
            assertThat(waiting.closedByServer()).isTrue();
        }
        try (Jedis r = new Jedis("127.0.0.1", replica.port)) {
            assertThat(r.get("k")).isEqualTo("2");
            assertThat(r.get("late")).isNull();
        }
        assertThat(Files.exists(Path.of(master.config().get("dir"), "dump.rdb"))).isTrue();
    }

    @Test
    void abortAnswersEveryWaitingShutdownAndTheWritesGoOn() throws Exception {
        laggingReplica(Map.of("shutdown-timeout", "300"));
        try (RawClient r = new RawClient("127.0.0.1", master.respPort())) {
            assertThat(r.call("SHUTDOWN", "ABORT")).isEqualTo("-ERR No shutdown in progress.\r\n");
        }
        try (RawClient one = new RawClient("127.0.0.1", master.respPort());
             RawClient two = new RawClient("127.0.0.1", master.respPort());
             RawClient other = new RawClient("127.0.0.1", master.respPort())) {
            one.send(RawClient.encode("SHUTDOWN"));
            two.send(RawClient.encode("SHUTDOWN", "NOSAVE"));
            // INFO waits for what other loops had read, but cross-connection order is not Redis's
            // one thread's: its count may lag the sends by a moment
            Await.until(() -> "2".equals(infoField("clients", "blocked_clients")), "two SHUTDOWNs waiting");
            other.send(RawClient.encode("SET", "late", "x"));
            Thread.sleep(200);
            assertThat(other.available()).as("the write waits").isZero();

            assertThat(client.sendCommand(() -> "SHUTDOWN".getBytes(), "ABORT".getBytes())).isEqualTo("OK".getBytes());
            assertThat(one.readReply()).isEqualTo(FAILED);
            assertThat(two.readReply()).isEqualTo(FAILED);
            assertThat(other.readReply()).isEqualTo("+OK\r\n");
            assertThat(infoField("server", "shutdown_in_milliseconds")).isNull();
            assertThat(infoField("clients", "blocked_clients")).isEqualTo("0");
            assertThat(exited.getCount()).isEqualTo(1);
            assertThat(master.isClosed()).isFalse();
        }
    }

    @Test
    void theTimeoutEndsTheWait() throws Exception {
        laggingReplica(Map.of("shutdown-timeout", "1"));
        long start = System.nanoTime();
        try (RawClient waiting = new RawClient("127.0.0.1", master.respPort())) {
            waiting.send(RawClient.encode("SHUTDOWN", "NOSAVE"));
            assertThat(exited.await(20, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(900);
    }

    @Test
    void nowSkipsTheWait() throws Exception {
        laggingReplica(Map.of("shutdown-timeout", "300"));
        try (RawClient waiting = new RawClient("127.0.0.1", master.respPort())) {
            waiting.send(RawClient.encode("SHUTDOWN", "NOSAVE", "NOW"));
            assertThat(exited.await(20, TimeUnit.SECONDS)).isTrue();
        }
    }
}
