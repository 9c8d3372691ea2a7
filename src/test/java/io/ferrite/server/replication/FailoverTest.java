package io.ferrite.server.replication;

import io.ferrite.compat.RedisProcess;
import io.ferrite.server.Server;
import io.ferrite.testing.Await;
import io.ferrite.testing.Digests;
import io.ferrite.testing.TestServers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * FAILOVER as Redis 7.0: a Ferrite primary hands over to a Ferrite replica (at another shard
 * count) and to a real redis-server 7.0 replica, each taking over the history by PSYNC FAILOVER
 * and the old primary continuing as its replica by partial resync, under a write load; writes go
 * on at the new primary and both sides end with the same DEBUG DIGEST. While a failover waits,
 * writes are paused and reads are not; a timeout and FAILOVER ABORT give up, and the replies
 * match a real redis-server's word for word.
 */
class FailoverTest {
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private Server ferrite(int shards) {
        Server s = TestServers.start(shards, Map.of("repl-diskless-sync-delay", "0"));
        open.add(s);
        return s;
    }

    private Jedis client(int port) {
        Jedis j = new Jedis("127.0.0.1", port, 10_000);
        open.add(j);
        return j;
    }

    private RedisProcess redis(String... args) throws Exception {
        var exe = RedisProcess.findExecutable();
        assumeTrue(exe != null, "redis-server not found");
        RedisProcess r = RedisProcess.start(exe, args);
        open.add(r);
        return r;
    }

    private static String info(Jedis j, String field) {
        for (String line : j.info("replication").split("\r\n")) {
            if (line.startsWith(field + ":")) {
                return line.substring(field.length() + 1);
            }
        }
        for (String line : j.info("stats").split("\r\n")) {
            if (line.startsWith(field + ":")) {
                return line.substring(field.length() + 1);
            }
        }
        return null;
    }

    private static void awaitSynced(Jedis primary, Jedis replica) throws InterruptedException {
        Await.until(() -> "up".equals(info(replica, "master_link_status")), "the replica's link");
        Await.until(() -> String.valueOf(info(primary, "slave0")).contains("state=online"), "the replica online");
        Await.until(() -> Digests.of(primary).equals(Digests.of(replica)), "equal digests");
    }

    private static void fill(Jedis j, String prefix, int n) {
        Pipeline p = j.pipelined();
        for (int i = 0; i < n; i++) {
            p.set(prefix + i, "v" + i);
            p.hset(prefix + "h" + (i % 50), "f" + i, "v" + i);
            p.zadd(prefix + "z" + (i % 20), i, "m" + i);
        }
        p.sync();
    }

    /** Writes to {@code port} until stopped; replies (OK, or -READONLY once it is a replica) are not looked at. */
    private static CompletableFuture<Integer> writeLoad(int port, AtomicBoolean stop) {
        return CompletableFuture.supplyAsync(() -> {
            int n = 0;
            try (Jedis j = new Jedis("127.0.0.1", port, 10_000)) {
                while (!stop.get()) {
                    try {
                        j.incr("load:" + (n % 100));
                    } catch (redis.clients.jedis.exceptions.JedisDataException e) {
                        // READONLY after the failover
                    }
                    n++;
                }
            }
            return n;
        });
    }

    private static void failOverUnderLoad(Jedis primary, int primaryPort, Jedis replica) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        CompletableFuture<Integer> load = writeLoad(primaryPort, stop);
        Await.until(() -> Long.parseLong(primary.info("stats").split("total_commands_processed:")[1].split("\r\n")[0])
            > 500, "writes on the primary");
        assertThat(primary.sendCommand(() -> "FAILOVER".getBytes())).isEqualTo("OK".getBytes());
        Await.until(() -> "no-failover".equals(info(primary, "master_failover_state")), "the failover's end");
        stop.set(true);
        assertThat(load.get(30, TimeUnit.SECONDS)).isPositive();
        assertThat(info(primary, "role")).isEqualTo("slave");
        assertThat(info(replica, "role")).isEqualTo("master");
        Await.until(() -> "up".equals(info(primary, "master_link_status")), "the old primary following");
    }

    @Test
    void ferriteHandsOverToAFerriteReplica() throws Exception {
        Server p = ferrite(2);
        Server r = ferrite(1);
        Jedis primary = client(p.respPort());
        Jedis replica = client(r.respPort());
        fill(primary, "k", 2000);
        replica.replicaof("127.0.0.1", p.respPort());
        awaitSynced(primary, replica);
        long fullBefore = Long.parseLong(info(replica, "sync_full"));

        failOverUnderLoad(primary, p.respPort(), replica);

        // the old primary continued by partial resync; nothing was synced in full
        assertThat(info(replica, "sync_partial_ok")).isEqualTo("1");
        assertThat(Long.parseLong(info(replica, "sync_full"))).isEqualTo(fullBefore);
        assertThat(info(replica, "master_replid2")).isEqualTo(info(primary, "master_replid2"));
        fill(replica, "after", 500);
        assertThat(command(primary, "SET x y")).startsWith("READONLY");
        Await.until(() -> Digests.of(primary).equals(Digests.of(replica)), "equal digests after the failover");
        assertThat(Digests.of(primary)).isEqualTo(Digests.of(replica)).isNotEqualTo("0".repeat(40));
        assertThat(primary.get("after499")).isEqualTo("v499");
    }

    @Test
    void ferriteHandsOverToARealRedisReplica() throws Exception {
        Server p = ferrite(2);
        Jedis primary = client(p.respPort());
        fill(primary, "k", 2000);
        RedisProcess rp = redis("--replicaof", "127.0.0.1", Integer.toString(p.respPort()));
        Jedis replica = client(rp.port);
        awaitSynced(primary, replica);

        failOverUnderLoad(primary, p.respPort(), replica);

        assertThat(info(replica, "sync_partial_ok")).isEqualTo("1");
        assertThat(rp.log()).contains("MASTER MODE enabled (failover request from");
        fill(replica, "after", 500);
        Await.until(() -> Digests.of(primary).equals(Digests.of(replica)), "equal digests after the failover");
        assertThat(Digests.of(primary)).isNotEqualTo("0".repeat(40));
        assertThat(primary.get("after499")).isEqualTo("v499");
    }

    @Test
    void aRealRedisPrimaryHandsOverToAFerriteReplica() throws Exception {
        RedisProcess rp = redis();
        Jedis primary = client(rp.port);
        fill(primary, "k", 2000);
        Server r = ferrite(2);
        Jedis replica = client(r.respPort());
        replica.replicaof("127.0.0.1", rp.port);
        awaitSynced(primary, replica);

        failOverUnderLoad(primary, rp.port, replica);

        assertThat(info(replica, "sync_partial_ok")).isEqualTo("1");
        fill(replica, "after", 500);
        Await.until(() -> Digests.of(primary).equals(Digests.of(replica)), "equal digests after the failover");
        assertThat(primary.get("after499")).isEqualTo("v499");
    }

    /** A replica stopped by SIGSTOP never catches up: writes wait, reads do not, and the failover is given up. */
    @Test
    void writesWaitWhileAFailoverWaitsAndATimeoutOrAbortEndsIt() throws Exception {
        Server p = ferrite(2);
        Jedis primary = client(p.respPort());
        RedisProcess rp = redis("--replicaof", "127.0.0.1", Integer.toString(p.respPort()));
        Jedis replica = client(rp.port);
        primary.set("k", "1");
        awaitSynced(primary, replica);
        String target = "127.0.0.1 " + rp.port;
        signal(rp, "STOP");
        try {
            primary.set("k", "2");
            assertThat(command(primary, "FAILOVER TO " + target + " TIMEOUT 60000")).isEqualTo("OK");
            assertThat(info(primary, "master_failover_state")).isEqualTo("waiting-for-sync");
            assertThat(command(primary, "FAILOVER")).isEqualTo("ERR FAILOVER already in progress.");
            assertThat(command(primary, "REPLICAOF NO ONE")).isEqualTo("ERR REPLICAOF not allowed while failing over.");
            assertThat(primary.get("k")).isEqualTo("2");
            CompletableFuture<String> write = CompletableFuture.supplyAsync(() -> {
                try (Jedis j = new Jedis("127.0.0.1", p.respPort(), 10_000)) {
                    return j.set("k", "3");
                }
            });
            Thread.sleep(300);
            assertThat(write).isNotDone();
            assertThat(command(primary, "FAILOVER ABORT")).isEqualTo("OK");
            assertThat(write.get(10, TimeUnit.SECONDS)).isEqualTo("OK");
            assertThat(info(primary, "master_failover_state")).isEqualTo("no-failover");
            assertThat(command(primary, "FAILOVER ABORT")).isEqualTo("ERR No failover in progress.");

            assertThat(command(primary, "FAILOVER TO " + target + " TIMEOUT 300")).isEqualTo("OK");
            Await.until(() -> "no-failover".equals(info(primary, "master_failover_state")), "the timeout");
            assertThat(info(primary, "role")).isEqualTo("master");
            assertThat(primary.set("k", "4")).isEqualTo("OK");
        } finally {
            signal(rp, "CONT");
        }
        Await.until(() -> Digests.of(primary).equals(Digests.of(replica)), "the replica caught up");
        assertThat(replica.get("k")).isEqualTo("4");
    }

    /** The refusals, with a Ferrite and a real redis-server in the same situations, word for word. */
    @Test
    void refusalsReadAsRedisOnes() throws Exception {
        Server p = ferrite(2);
        Server r = ferrite(1);
        RedisProcess rp = redis();
        RedisProcess rr = redis();
        List<String> ferrite = refusals(client(p.respPort()), p.respPort(), client(r.respPort()), r.respPort());
        List<String> real = refusals(client(rp.port), rp.port, client(rr.port), rr.port);
        assertThat(ferrite).isEqualTo(real);
        assertThat(ferrite).contains("ERR FAILOVER requires connected replicas.",
            "ERR FAILOVER target HOST and PORT is not a replica.",
            "ERR FAILOVER with force option requires both a timeout and target HOST and IP.");
    }

    private List<String> refusals(Jedis primary, int primaryPort, Jedis replica, int replicaPort) throws Exception {
        List<String> out = new ArrayList<>();
        String[] before = {"FAILOVER", "FAILOVER ABORT", "FAILOVER TO 127.0.0.1 " + replicaPort, "FAILOVER TIMEOUT 0",
            "FAILOVER TIMEOUT x", "FAILOVER TO h x", "FAILOVER FORCE FORCE", "FAILOVER TO a 1 TO b 2", "FAILOVER foo"};
        for (String c : before) {
            out.add(command(primary, c));
        }
        replica.replicaof("127.0.0.1", primaryPort);
        awaitSynced(primary, replica);
        String[] after = {"FAILOVER TO 127.0.0.1 1", "FAILOVER TO 127.0.0.1 " + replicaPort + " FORCE",
            "FAILOVER FORCE TIMEOUT 10", "FAILOVER TIMEOUT -5"};
        for (String c : after) {
            out.add(command(primary, c));
        }
        out.add(command(replica, "FAILOVER"));
        out.add(command(primary, "PSYNC x 1 FAILOVER"));
        return out;
    }

    private static String command(Jedis j, String line) {
        String[] w = line.split(" ");
        byte[][] args = new byte[w.length - 1][];
        for (int i = 1; i < w.length; i++) {
            args[i - 1] = w[i].getBytes();
        }
        try {
            Object o = j.sendCommand(() -> w[0].getBytes(), args);
            return o instanceof byte[] b ? new String(b) : String.valueOf(o);
        } catch (redis.clients.jedis.exceptions.JedisDataException e) {
            return e.getMessage();
        }
    }

    private static void signal(RedisProcess p, String sig) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + sig, Long.toString(p.pid())).start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).isZero();
    }
}
