package io.ferrite.command.family;

import io.ferrite.engine.Shard;
import io.ferrite.testing.FerriteTest;
import io.ferrite.testing.RawClient;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import static io.ferrite.testing.Replies.NIL_ARRAY;
import static io.ferrite.testing.Replies.NOT_INTEGER;
import static io.ferrite.testing.Replies.OK;
import static io.ferrite.testing.Replies.ONE;
import static io.ferrite.testing.Replies.SYNTAX;
import static io.ferrite.testing.Replies.WRONGTYPE;
import static io.ferrite.testing.Replies.ZERO;
import static io.ferrite.testing.Replies.bulk;
import static io.ferrite.testing.Replies.bulks;
import static io.ferrite.testing.Replies.integer;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Blocking list and sorted-set commands. Keys are chosen so that with 4 shards they live on
 * different shards (k1 on shard 3, k2 on 0, k3 on 1; c1 on 3, c2 on 0), so wake-ups cross shards.
 */
class BlockingFamilyTest extends FerriteTest {
    /** Keys with blocked clients, summed over the shards (read on each shard's thread). */
    private int blockedKeys() throws Exception {
        int n = 0;
        for (int i = 0; i < server.engine().shardCount(); i++) {
            Shard s = server.engine().shard(i);
            n += s.loop.submit(s::blockedKeys).get(5, TimeUnit.SECONDS);
        }
        return n;
    }

    private void awaitNoBlockedKeys() throws Exception {
        for (int i = 0; i < 2000 && blockedKeys() > 0; i++) {
            Thread.sleep(5);
        }
        assertThat(blockedKeys()).isZero();
    }

    @Test
    void clientBlockedOnKeysOfSeveralShardsIsServedOnceFromTheKeyPushed() throws Exception {
        RawClient admin = raw();
        RawClient b = blockOn(admin, "BLPOP", "k1", "k2", "k3", "0");
        assertThat(admin.call("INFO", "clients")).contains("blocked_clients:1\r\n");
        assertThat(admin.call("CLIENT", "LIST", "ID", idOf(admin))).contains(" flags=N ");
        assertThat(admin.call("RPUSH", "k3", "x", "y")).isEqualTo(integer(2));
        assertThat(b.readReply()).isEqualTo(bulks("k3", "x"));
        assertThat(admin.call("LRANGE", "k3", "0", "-1")).isEqualTo(bulks("y"));
        // served once: a later push to another of its keys stays in the list
        assertThat(admin.call("RPUSH", "k1", "z")).isEqualTo(ONE);
        assertThat(b.call("LLEN", "k1")).isEqualTo(ONE);
        assertThat(admin.call("INFO", "clients")).contains("blocked_clients:0\r\n");
        awaitNoBlockedKeys();
    }

    @Test
    void waitersAreServedInArrivalOrder() throws Exception {
        RawClient admin = raw();
        RawClient first = blockOn(admin, "BRPOP", "q", "0");
        RawClient second = blockOn(admin, "BRPOP", "other", "q", "0");
        RawClient third = blockOn(admin, "BRPOP", "q", "0");
        assertThat(admin.call("RPUSH", "q", "1", "2")).isEqualTo(integer(2));
        assertThat(first.readReply()).isEqualTo(bulks("q", "2"));
        assertThat(second.readReply()).isEqualTo(bulks("q", "1"));
        assertThat(admin.call("EXISTS", "q")).isEqualTo(ZERO);
        assertThat(admin.call("LPUSH", "q", "3")).isEqualTo(ONE);
        assertThat(third.readReply()).isEqualTo(bulks("q", "3"));
        awaitNoBlockedKeys();
    }

    @Test
    void fractionalTimeoutsReturnNull() {
        RawClient c = raw();
        assertThat(c.call("BLPOP", "none", "k2", "0.05")).isEqualTo(NIL_ARRAY);
        assertThat(c.call("BRPOP", "none", "0.001")).isEqualTo(NIL_ARRAY);
        assertThat(c.call("BLMOVE", "none", "k2", "LEFT", "RIGHT", "0.01")).isEqualTo(NIL_ARRAY);
        assertThat(c.call("BRPOPLPUSH", "none", "k2", "0.01")).isEqualTo(NIL_ARRAY);
        assertThat(c.call("BLMPOP", "0.01", "2", "none", "k3", "LEFT")).isEqualTo(NIL_ARRAY);
        assertThat(c.call("BZPOPMIN", "none", "k1", "0.01")).isEqualTo(NIL_ARRAY);
        assertThat(c.call("BZPOPMAX", "none", "1e-7")).isEqualTo(NIL_ARRAY);
        assertThat(c.call("BZMPOP", "0.01", "1", "none", "MAX", "COUNT", "2")).isEqualTo(NIL_ARRAY);
        c.call("HELLO", "3");
        assertThat(c.call("BLPOP", "none", "0.01")).isEqualTo("_\r\n");
        assertThat(c.call("INFO", "clients")).contains("blocked_clients:0\r\n");
    }

    @Test
    void timeoutErrorsAsRedis() {
        RawClient c = raw();
        assertThat(c.call("BLPOP", "k", "abc")).isEqualTo("-ERR timeout is not a float or out of range\r\n");
        assertThat(c.call("BLPOP", "k", "nan")).isEqualTo("-ERR timeout is not a float or out of range\r\n");
        assertThat(c.call("BLPOP", "k", " 1")).isEqualTo("-ERR timeout is not a float or out of range\r\n");
        assertThat(c.call("BLPOP", "k", "-1")).isEqualTo("-ERR timeout is negative\r\n");
        assertThat(c.call("BLPOP", "k", "1e300")).isEqualTo("-ERR timeout is negative\r\n");
        assertThat(c.call("BZPOPMIN", "k", "inf")).isEqualTo("-ERR timeout is negative\r\n");
        assertThat(c.call("BLMOVE", "a", "b", "UP", "LEFT", "x")).isEqualTo(SYNTAX);
        assertThat(c.call("BLMOVE", "a", "b", "LEFT", "LEFT", "x"))
            .isEqualTo("-ERR timeout is not a float or out of range\r\n");
        assertThat(c.call("BLMPOP", "x", "0", "a", "LEFT")).isEqualTo("-ERR numkeys should be greater than 0\r\n");
        assertThat(c.call("BLMPOP", "x", "1", "a", "LEFT")).isEqualTo("-ERR timeout is not a float or out of range\r\n");
        assertThat(c.call("BZMPOP", "0", "1", "a", "MIN", "COUNT", "0")).isEqualTo("-ERR count should be greater than 0\r\n");
        assertThat(c.call("SET", "s", "v")).isEqualTo(OK);
        assertThat(c.call("BLPOP", "none", "s", "0")).isEqualTo(WRONGTYPE);
        assertThat(c.call("BZPOPMIN", "s", "0")).isEqualTo(WRONGTYPE);
        assertThat(c.call("BLMOVE", "s", "x", "LEFT", "LEFT", "0")).isEqualTo(WRONGTYPE);
    }

    @Test
    void dataAlreadyPresentIsServedAtOnce() {
        RawClient c = raw();
        c.call("RPUSH", "k2", "a", "b", "c");
        assertThat(c.call("BLPOP", "none", "k2", "0")).isEqualTo(bulks("k2", "a"));
        assertThat(c.call("BLMPOP", "0", "2", "none", "k2", "RIGHT", "COUNT", "5"))
            .isEqualTo("*2\r\n$2\r\nk2\r\n*2\r\n$1\r\nc\r\n$1\r\nb\r\n");
        c.call("ZADD", "k3", "1", "a", "2", "b");
        assertThat(c.call("BZPOPMAX", "k3", "0")).isEqualTo(bulks("k3", "b", "2"));
        assertThat(c.call("BZMPOP", "0", "1", "k3", "MIN")).isEqualTo("*2\r\n$2\r\nk3\r\n*1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n");
        c.call("RPUSH", "c1", "v");
        assertThat(c.call("BRPOPLPUSH", "c1", "c2", "0")).isEqualTo(bulk("v"));
        assertThat(c.call("LRANGE", "c2", "0", "-1")).isEqualTo(bulks("v"));
    }

    @Test
    void pushInsideMultiExecWakesAfterTheTransaction() throws Exception {
        RawClient admin = raw();
        RawClient b = blockOn(admin, "BLPOP", "k1", "0");
        // popped again inside the same transaction: nothing to serve afterwards
        admin.call("MULTI");
        admin.call("RPUSH", "k1", "gone");
        admin.call("LPOP", "k1");
        assertThat(admin.call("EXEC")).isEqualTo("*2\r\n:1\r\n$4\r\ngone\r\n");
        admin.call("MULTI");
        admin.call("RPUSH", "k1", "a");
        admin.call("LLEN", "k1");
        admin.call("RPUSH", "k2", "z");
        // the waiter is served after EXEC, so LLEN inside still sees the element
        assertThat(admin.call("EXEC")).isEqualTo("*3\r\n:1\r\n:1\r\n:1\r\n");
        assertThat(b.readReply()).isEqualTo(bulks("k1", "a"));
        awaitNoBlockedKeys();
    }

    @Test
    void transactionReadyingKeysOfSeveralShardsServesFromTheFirstReadied() throws Exception {
        RawClient admin = raw();
        for (String[] order : new String[][] {{"k1", "k2"}, {"k2", "k1"}, {"k3", "k2", "k1"}}) {
            for (int round = 0; round < 3; round++) {
                RawClient b = blockOn(admin, "BLPOP", "k1", "k2", "k3", "0");
                admin.call("MULTI");
                for (String k : order) {
                    admin.call("RPUSH", k, k + "v");
                }
                admin.call("EXEC");
                String first = order[0];
                assertThat(b.readReply()).isEqualTo("*2\r\n$2\r\n" + first + "\r\n$3\r\n" + first + "v\r\n");
                assertThat(admin.call("EXISTS", "k1", "k2", "k3")).isEqualTo(":" + (order.length - 1) + "\r\n");
                admin.call("DEL", "k1", "k2", "k3");
            }
        }
        awaitNoBlockedKeys();
    }

    @Test
    void lmoveAndRenameIntoTheKeyWake() throws Exception {
        RawClient admin = raw();
        RawClient b = blockOn(admin, "BLPOP", "k2", "0");
        admin.call("RPUSH", "k1", "v1");
        assertThat(admin.call("LMOVE", "k1", "k2", "LEFT", "LEFT")).isEqualTo(bulk("v1"));
        assertThat(b.readReply()).isEqualTo(bulks("k2", "v1"));
        b = blockOn(admin, "BLPOP", "{t}dst", "0");
        admin.call("RPUSH", "{t}tmp", "r");
        assertThat(admin.call("RENAME", "{t}tmp", "{t}dst")).isEqualTo(OK);
        assertThat(b.readReply()).isEqualTo(bulks("{t}dst", "r"));
        RawClient z = blockOn(admin, "BZPOPMIN", "k3", "0");
        admin.call("ZADD", "k1", "3", "m");
        assertThat(admin.call("ZUNIONSTORE", "k3", "1", "k1")).isEqualTo(ONE);
        assertThat(z.readReply()).isEqualTo(bulks("k3", "m", "3"));
        awaitNoBlockedKeys();
    }

    @Test
    void blmoveServingAnotherBlockedClientChains() throws Exception {
        RawClient admin = raw();
        RawClient mover = blockOn(admin, "BLMOVE", "c1", "c2", "LEFT", "RIGHT", "0");
        RawClient popper = blockOn(admin, "BLPOP", "c2", "0");
        assertThat(admin.call("RPUSH", "c1", "chain")).isEqualTo(ONE);
        assertThat(mover.readReply()).isEqualTo(bulk("chain"));
        assertThat(popper.readReply()).isEqualTo(bulks("c2", "chain"));
        assertThat(admin.call("EXISTS", "c1", "c2")).isEqualTo(ZERO);
        // a wrong-typed destination is the waiter's answer; the element stays
        admin.call("SET", "k2", "s");
        RawClient w = blockOn(admin, "BRPOPLPUSH", "c1", "k2", "0");
        admin.call("RPUSH", "c1", "x");
        assertThat(w.readReply()).isEqualTo(WRONGTYPE);
        assertThat(admin.call("LLEN", "c1")).isEqualTo(ONE);
        awaitNoBlockedKeys();
    }

    @Test
    void clientUnblockWithTimeoutOrError() throws Exception {
        RawClient admin = raw();
        RawClient b = raw();
        String id = idOf(b);
        admin.call("CONFIG", "RESETSTAT");
        assertThat(admin.call("CLIENT", "UNBLOCK", id)).isEqualTo(ZERO);
        b.send(RawClient.encode("BZPOPMIN", "k1", "k2", "0"));
        awaitBlocked(admin, id);
        assertThat(admin.call("CLIENT", "LIST", "ID", id)).contains(" cmd=bzpopmin ");
        assertThat(admin.call("CLIENT", "UNBLOCK", id, "FOO")).isEqualTo("-ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR\r\n");
        assertThat(admin.call("CLIENT", "UNBLOCK", "x")).isEqualTo(NOT_INTEGER);
        assertThat(admin.call("CLIENT", "UNBLOCK", id, "ERROR")).isEqualTo(ONE);
        assertThat(b.readReply()).isEqualTo("-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n");
        b.send(RawClient.encode("BLMOVE", "k1", "k2", "LEFT", "LEFT", "0"));
        awaitBlocked(admin, id);
        assertThat(admin.call("CLIENT", "UNBLOCK", id, "timeout")).isEqualTo(ONE);
        assertThat(b.readReply()).isEqualTo(NIL_ARRAY);
        assertThat(admin.call("CLIENT", "UNBLOCK", id)).isEqualTo(ZERO);
        // counted once when they blocked, and as failed when unblocked (Redis's updateStatsOnUnblock)
        String stats = "";
        for (int i = 0; i < 2000 && !stats.contains("cmdstat_blmove:calls=1,"); i++) {
            stats = admin.call("INFO", "commandstats");
        }
        assertThat(stats).containsPattern("cmdstat_bzpopmin:calls=1,.*failed_calls=1\r\n")
            .containsPattern("cmdstat_blmove:calls=1,.*failed_calls=1\r\n");
        awaitNoBlockedKeys();
    }

    @Test
    void disconnectWhileBlockedLeavesNothingBehind() throws Exception {
        RawClient admin = raw();
        RawClient b = blockOn(admin, "BLPOP", "k1", "k2", "k3", "0");
        RawClient z = blockOn(admin, "BZPOPMIN", "k1", "0");
        assertThat(blockedKeys()).isEqualTo(3);
        b.close();
        z.close();
        awaitNoBlockedKeys();
        for (int i = 0; i < 2000 && !admin.call("INFO", "clients").contains("blocked_clients:0\r\n"); i++) {
            Thread.sleep(5);
        }
        assertThat(admin.call("INFO", "clients")).contains("blocked_clients:0\r\n");
        assertThat(admin.call("RPUSH", "k2", "kept")).isEqualTo(ONE);
        assertThat(admin.call("LLEN", "k2")).isEqualTo(ONE);
    }

    /**
     * Clients that send BLPOP for another shard's key and hang up at once: whether the hang-up is
     * seen before or after the BLPOP reaches the key's shard, no element may later be popped for
     * them, and nothing stays registered.
     */
    @Test
    void clientsGoneBeforeTheirBlpopArrivesAreNeverServed() throws Exception {
        RawClient admin = raw();
        int clients = 300;
        byte[] blpop = RawClient.encode("BLPOP", "k2", "0");
        for (int i = 0; i < clients; i++) {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", port())) {
                s.getOutputStream().write(blpop);
                s.getOutputStream().flush();
            }
        }
        for (int i = 0; i < 2000 && !admin.call("INFO", "clients").contains("connected_clients:2\r\n"); i++) {
            Thread.sleep(5);
        }
        Thread.sleep(100);
        for (int i = 0; i < clients; i++) {
            admin.call("RPUSH", "k2", "e" + i);
        }
        assertThat(admin.call("LLEN", "k2")).isEqualTo(":" + clients + "\r\n");
        awaitNoBlockedKeys();
        assertThat(admin.call("INFO", "clients")).contains("blocked_clients:0\r\n");
    }

    @Test
    void blockingCommandsInsideMultiReturnAtOnce() {
        RawClient c = raw();
        c.call("MULTI");
        for (String[] cmd : new String[][] {{"BLPOP", "none", "0"}, {"BLMOVE", "none", "x", "LEFT", "LEFT", "0"},
            {"BRPOPLPUSH", "none", "x", "0"}, {"BZPOPMIN", "none", "0"}, {"BLMPOP", "0", "1", "none", "LEFT"},
            {"BZMPOP", "0", "1", "none", "MIN"}, {"BLPOP", "none", "-1"}}) {
            assertThat(c.call(cmd)).isEqualTo("+QUEUED\r\n");
        }
        assertThat(c.call("EXEC"))
            .isEqualTo("*7\r\n*-1\r\n$-1\r\n$-1\r\n*-1\r\n*-1\r\n*-1\r\n-ERR timeout is negative\r\n");
    }

    @Test
    void pipelinedRequestsWaitBehindABlockedOne() throws Exception {
        RawClient admin = raw();
        RawClient b = raw();
        String id = idOf(b);
        byte[] burst = concat(RawClient.encode("BLPOP", "k1", "0"), RawClient.encode("LLEN", "k1"),
            RawClient.encode("PING"));
        b.send(burst);
        awaitBlocked(admin, id);
        assertThat(admin.call("LPUSH", "k1", "a", "b")).isEqualTo(integer(2));
        assertThat(b.readReply()).isEqualTo(bulks("k1", "b"));
        assertThat(b.readReply()).isEqualTo(ONE);
        assertThat(b.readReply()).isEqualTo("+PONG\r\n");
    }

    @Test
    void everyElementIsDeliveredExactlyOnceUnderConcurrency() throws Exception {
        String[] keys = {"k1", "k2", "k3", "c1", "c2", "a", "b", "c"};
        int consumers = 8;
        int perProducer = 150;
        ConcurrentLinkedQueue<String> received = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < consumers; i++) {
            RawClient c = raw();
            ids.add(idOf(c));
            int me = i;
            threads.add(new Thread(() -> {
                while (true) {
                    String r = me % 2 == 0 ? c.call("BRPOP", keys[me], keys[(me + 3) % 8], keys[(me + 5) % 8], "0")
                        : c.call("BLMOVE", keys[me], "done{" + me + "}", "LEFT", "RIGHT", "0");
                    if (r.contains("stop")) {
                        return;
                    }
                    received.add(r.startsWith("$") ? r.substring(r.indexOf('\n') + 1).trim()
                        : r.substring(r.lastIndexOf('$')).split("\r\n")[1]);
                }
            }));
        }
        threads.forEach(Thread::start);
        RawClient admin = raw();
        for (int i = 0; i < consumers; i++) {
            awaitBlocked(admin, ids.get(i));
        }
        List<Thread> producers = new ArrayList<>();
        for (int p = 0; p < 3; p++) {
            RawClient c = raw();
            int me = p;
            producers.add(new Thread(() -> {
                for (int j = 0; j < perProducer; j++) {
                    String key = keys[(me * 7 + j) % 8];
                    if (j % 4 == 0) {
                        c.call("MULTI");
                        c.call("RPUSH", key, "v" + me + "-" + j);
                        c.call("EXEC");
                    } else {
                        c.call("LPUSH", key, "v" + me + "-" + j);
                    }
                }
            }));
        }
        producers.forEach(Thread::start);
        for (Thread t : producers) {
            t.join();
        }
        for (int i = 0; i < 4000 && received.size() < 3 * perProducer; i++) {
            Thread.sleep(5);
        }
        // then stop tokens on every key until every consumer has taken one
        for (int round = 0; round < 1000 && threads.stream().anyMatch(Thread::isAlive); round++) {
            for (String k : keys) {
                admin.call("RPUSH", k, "stop");
            }
            Thread.sleep(5);
        }
        for (Thread t : threads) {
            t.join(10_000);
        }
        Set<String> unique = new HashSet<>(received);
        assertThat(received).hasSize(3 * perProducer);
        assertThat(unique).hasSize(3 * perProducer);
        awaitNoBlockedKeys();
    }

    @Test
    void clientPostponedByClientPauseCountsAsBlocked() throws Exception {
        RawClient admin = raw();
        RawClient b = raw();
        String id = idOf(b);
        assertThat(admin.call("CLIENT", "PAUSE", "20000", "WRITE")).isEqualTo(OK);
        try {
            b.send(RawClient.encode("LPUSH", "k1", "x"));
            awaitBlocked(admin, id);
            assertThat(admin.call("CLIENT", "LIST", "ID", id)).contains(" flags=b ").contains(" cmd=lpush ");
            assertThat(admin.call("INFO", "clients")).contains("blocked_clients:1\r\n");
            // Redis 7.0 crashes unblocking a postponed client; Ferrite leaves it postponed
            assertThat(admin.call("CLIENT", "UNBLOCK", id)).isEqualTo(ZERO);
        } finally {
            admin.call("CLIENT", "UNPAUSE");
        }
        assertThat(b.readReply()).isEqualTo(ONE);
        assertThat(admin.call("INFO", "clients")).contains("blocked_clients:0\r\n");
    }

    @Test
    void swapdbAndMoveWakeClientsOfTheKeyThatAppears() throws Exception {
        RawClient admin = raw();
        RawClient b = blockOn(admin, "BLPOP", "k1", "0");
        RawClient other = raw();
        other.call("SELECT", "1");
        other.call("RPUSH", "k1", "from1");
        assertThat(admin.call("SWAPDB", "0", "1")).isEqualTo(OK);
        assertThat(b.readReply()).isEqualTo(bulks("k1", "from1"));
        admin.call("SWAPDB", "0", "1");
        // a client of database 1 is not woken by database 0
        b.call("SELECT", "1");
        String id = idOf(b);
        b.send(RawClient.encode("BLPOP", "k2", "0"));
        awaitBlocked(admin, id);
        admin.call("RPUSH", "k2", "db0");
        other.call("RPUSH", "m", "moved");
        assertThat(other.call("RENAME", "m", "k2")).isEqualTo(OK);
        assertThat(b.readReply()).isEqualTo(bulks("k2", "moved"));
        assertThat(admin.call("LLEN", "k2")).isEqualTo(ONE);
        awaitNoBlockedKeys();
    }

    @Test
    void circularAndSelfReferentialMoves() throws Exception {
        RawClient admin = raw();
        RawClient one = blockOn(admin, "BRPOPLPUSH", "c1", "c2", "0");
        RawClient two = blockOn(admin, "BRPOPLPUSH", "c2", "c1", "0");
        admin.call("RPUSH", "c1", "foo");
        assertThat(one.readReply()).isEqualTo(bulk("foo"));
        assertThat(two.readReply()).isEqualTo(bulk("foo"));
        assertThat(admin.call("LRANGE", "c1", "0", "-1")).isEqualTo(bulks("foo"));
        assertThat(admin.call("EXISTS", "c2")).isEqualTo(ZERO);
        RawClient self = blockOn(admin, "BRPOPLPUSH", "k3", "k3", "0");
        admin.call("RPUSH", "k3", "a", "b", "c");
        assertThat(self.readReply()).isEqualTo(bulk("c"));
        assertThat(admin.call("LRANGE", "k3", "0", "-1")).isEqualTo(bulks("c", "a", "b"));
        awaitNoBlockedKeys();
    }

    @Test
    void servedClientGetsItsOwnProtocol() throws Exception {
        RawClient admin = raw();
        RawClient b = raw();
        b.call("HELLO", "3");
        String id = idOf(b);
        b.send(RawClient.encode("BZPOPMAX", "k1", "k2", "0"));
        awaitBlocked(admin, id);
        admin.call("ZADD", "k2", "2.5", "m");
        assertThat(b.readReply()).isEqualTo("*3\r\n$2\r\nk2\r\n$1\r\nm\r\n,2.5\r\n");
        b.send(RawClient.encode("BLMPOP", "0.01", "1", "k1", "LEFT"));
        assertThat(b.readReply()).isEqualTo("_\r\n");
    }

    @Test
    void lettuceAndJedisBlockingCalls() throws Exception {
        RawClient admin = raw();
        Jedis j = jedis();
        String jid = Long.toString(j.clientId());
        java.util.concurrent.CompletableFuture<List<String>> popped =
            java.util.concurrent.CompletableFuture.supplyAsync(() -> j.brpop(5, "k1", "k2"));
        awaitBlocked(admin, jid);
        redis.lpush("k2", "hello");
        assertThat(popped.get(5, TimeUnit.SECONDS)).containsExactly("k2", "hello");
        redis.rpush("k3", "a", "b");
        assertThat(redis.blmove("k3", "k1", io.lettuce.core.LMoveArgs.Builder.leftRight(), 1.0)).isEqualTo("a");
        assertThat(redis.blpop(0.05, "none")).isNull();
        redis.zadd("k1z", 4.0, "m");
        assertThat(redis.bzpopmin(1.0, "k1z").getValue().getScore()).isEqualTo(4.0);
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
