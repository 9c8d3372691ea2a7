package io.ferrite.engine;

import io.ferrite.testing.FerriteTest;
import io.ferrite.testing.RawClient;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.ferrite.testing.Replies.NIL;
import static io.ferrite.testing.Replies.NIL_ARRAY;
import static io.ferrite.testing.Replies.NOT_INTEGER;
import static io.ferrite.testing.Replies.OK;
import static io.ferrite.testing.Replies.ZERO;
import static io.ferrite.testing.Replies.arity;
import static io.ferrite.testing.Replies.bulk;
import static org.assertj.core.api.Assertions.assertThat;

/** MULTI/EXEC/WATCH semantics over keys on several shards, compared with Redis's replies. */
class TransactionTest extends FerriteTest {
    @Test
    void execRunsQueuedCommandsAcrossShardsInOrder() {
        RawClient c = raw();
        assertThat(c.call("MULTI")).isEqualTo(OK);
        assertThat(c.call("SET", "a", "1")).isEqualTo("+QUEUED\r\n");
        assertThat(c.call("INCR", "b")).isEqualTo("+QUEUED\r\n");
        assertThat(c.call("MSET", "c", "x", "d", "y")).isEqualTo("+QUEUED\r\n");
        assertThat(c.call("RENAME", "a", "e")).isEqualTo("+QUEUED\r\n");
        assertThat(c.call("INCR", "c")).isEqualTo("+QUEUED\r\n");
        assertThat(c.call("MGET", "a", "b", "c", "d", "e")).isEqualTo("+QUEUED\r\n");
        assertThat(c.call("EXEC")).isEqualTo("*6\r\n+OK\r\n:1\r\n+OK\r\n+OK\r\n"
            + NOT_INTEGER
            + "*5\r\n$-1\r\n$1\r\n1\r\n$1\r\nx\r\n$1\r\ny\r\n$1\r\n1\r\n");
    }

    @Test
    void queueTimeErrorAbortsExec() {
        RawClient c = raw();
        c.call("MULTI");
        assertThat(c.call("SET", "a")).isEqualTo(arity("set"));
        assertThat(c.call("NOSUCH")).startsWith("-ERR unknown command 'NOSUCH'");
        assertThat(c.call("SET", "a", "1")).isEqualTo("+QUEUED\r\n");
        assertThat(c.call("EXEC")).isEqualTo("-EXECABORT Transaction discarded because of previous errors.\r\n");
        assertThat(c.call("GET", "a")).isEqualTo(NIL);
        assertThat(c.call("EXEC", "x")).isEqualTo(
            "-EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command\r\n");
    }

    @Test
    void watchIsBrokenByAnotherClientsWriteOnAnyShard() {
        RawClient c = raw();
        RawClient other = raw();
        c.call("SET", "w1", "1");
        assertThat(c.call("WATCH", "w1", "w2", "w3")).isEqualTo(OK);
        other.call("SET", "w3", "changed");
        c.call("MULTI");
        c.call("SET", "w1", "2");
        assertThat(c.call("EXEC")).isEqualTo(NIL_ARRAY);
        assertThat(c.call("GET", "w1")).isEqualTo(bulk("1"));
        // the failed EXEC unwatched everything
        c.call("MULTI");
        c.call("SET", "w1", "3");
        assertThat(c.call("EXEC")).isEqualTo("*1\r\n+OK\r\n");
    }

    @Test
    void watchIsBrokenByFlushallAndSwapdbButNotByUnrelatedKeys() {
        RawClient c = raw();
        RawClient other = raw();
        c.call("SET", "k", "v");
        c.call("WATCH", "k");
        other.call("SET", "unrelated", "x");
        c.call("MULTI");
        c.call("PING");
        assertThat(c.call("EXEC")).isEqualTo("*1\r\n+PONG\r\n");

        c.call("WATCH", "k");
        other.call("FLUSHALL");
        c.call("MULTI");
        c.call("PING");
        assertThat(c.call("EXEC")).isEqualTo(NIL_ARRAY);

        c.call("SET", "k", "v");
        c.call("WATCH", "k");
        other.call("SWAPDB", "0", "1");
        c.call("MULTI");
        c.call("PING");
        assertThat(c.call("EXEC")).isEqualTo(NIL_ARRAY);
    }

    @Test
    void watchedKeyThatExpiresBreaksExec() throws Exception {
        RawClient c = raw();
        c.call("SET", "ttl", "v", "PX", "100");
        c.call("WATCH", "ttl");
        Thread.sleep(200);
        c.call("MULTI");
        c.call("PING");
        assertThat(c.call("EXEC")).isEqualTo(NIL_ARRAY);
    }

    @Test
    void discardAndNesting() {
        RawClient c = raw();
        assertThat(c.call("EXEC")).isEqualTo("-ERR EXEC without MULTI\r\n");
        assertThat(c.call("DISCARD")).isEqualTo("-ERR DISCARD without MULTI\r\n");
        c.call("MULTI");
        assertThat(c.call("MULTI")).isEqualTo("-ERR MULTI calls can not be nested\r\n");
        assertThat(c.call("WATCH", "x")).isEqualTo("-ERR WATCH inside MULTI is not allowed\r\n");
        c.call("SET", "x", "1");
        assertThat(c.call("DISCARD")).isEqualTo(OK);
        assertThat(c.call("GET", "x")).isEqualTo(NIL);
    }

    @Test
    void whole_keyspace_commands_inside_exec() {
        RawClient c = raw();
        c.call("MSET", "a", "1", "b", "2", "c", "3");
        c.call("MULTI");
        c.call("DBSIZE");
        c.call("DEL", "a", "b");
        c.call("DBSIZE");
        c.call("FLUSHALL");
        c.call("DBSIZE");
        assertThat(c.call("EXEC")).isEqualTo("*5\r\n:3\r\n:2\r\n:1\r\n+OK\r\n:0\r\n");
    }

    /**
     * A client sends EXEC and hangs up while the EXEC waits for its first shard; meanwhile a
     * WATCHed key on a later shard changes. The hang-up must not wipe the WATCH state the EXEC
     * still has to check: the transaction must not run.
     */
    @Test
    void execOfAClientThatLeftWhileItWaitedForItsShardsStillHonoursWatch() throws Exception {
        String watched = keyOn(shards - 1, "w");
        String first = keyOn(0, "s");
        RawClient a = clientAwayFrom(0);
        long id = Long.parseLong(idOf(a));
        RawClient writer = clientAwayFrom(0);
        a.call("WATCH", watched);
        a.call("MULTI");
        a.call("SET", watched, "tx");
        a.call("SET", first, "tx");
        CountDownLatch done = stall(0, 1000);
        a.send(RawClient.encode("EXEC"));
        a.close();
        awaitGone(id);
        assertThat(writer.call("SET", watched, "changed")).isEqualTo(OK);
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        Thread.sleep(200);
        assertThat(writer.call("GET", watched)).isEqualTo(bulk("changed"));
        if (shards > 1) {
            // (one shard serves every connection: there the EXEC has run before the write)
            assertThat(writer.call("GET", first)).isEqualTo(NIL);
        }
        awaitNoWatchedKeys();
    }

    /** A WATCH whose client hangs up before every shard has registered it leaves no entry behind. */
    @Test
    void watchRacingADisconnectLeavesNoWatchEntries() throws Exception {
        for (int round = 0; round < 3; round++) {
            RawClient a = clientAwayFrom(0);
            long id = Long.parseLong(idOf(a));
            CountDownLatch done = stall(0, 300);
            a.send(RawClient.encode("WATCH", keyOn(0, "x"), keyOn(shards - 1, "y"), keyOn(shards / 2, "z")));
            a.close();
            awaitGone(id);
            assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
            awaitNoWatchedKeys();
        }
    }

    /**
     * A SELECT queued inside MULTI changes the database of the commands after it, cross-shard
     * ones (MSET, MGET over two shards) and those naming a second database (MOVE, COPY ... DB,
     * SWAPDB) included; replies as Redis 7.0.15 gives them.
     */
    @Test
    void selectQueuedInsideMultiRoutesTheCommandsAfterIt() {
        String a = keyOn(0, "a");
        String b = keyOn(shards - 1, "b");
        RawClient c = raw();
        c.call("MULTI");
        for (String[] cmd : new String[][] {{"SELECT", "3"}, {"MSET", a, "1", b, "2"}, {"MGET", a, b}, {"MOVE", a, "5"},
            {"COPY", b, a, "DB", "6"}, {"SELECT", "7"}, {"SWAPDB", "3", "7"}, {"MGET", a, b}, {"SELECT", "99"},
            {"MGET", a, b}}) {
            assertThat(c.call(cmd)).isEqualTo("+QUEUED\r\n");
        }
        assertThat(c.call("EXEC")).isEqualTo("*10\r\n+OK\r\n+OK\r\n*2\r\n$1\r\n1\r\n$1\r\n2\r\n:1\r\n:1\r\n"
            + "+OK\r\n+OK\r\n*2\r\n$-1\r\n$1\r\n2\r\n-ERR DB index is out of range\r\n*2\r\n$-1\r\n$1\r\n2\r\n");
        assertThat(c.call("CLIENT", "INFO")).contains(" db=7 ");
        assertThat(c.call("SELECT", "0")).isEqualTo(OK);
        assertThat(c.call("DBSIZE")).isEqualTo(ZERO);
        c.call("SELECT", "3");
        assertThat(c.call("DBSIZE")).isEqualTo(ZERO);
        c.call("SELECT", "5");
        assertThat(c.call("GET", a)).isEqualTo(bulk("1"));
        c.call("SELECT", "6");
        assertThat(c.call("GET", a)).isEqualTo(bulk("2"));
        c.call("SELECT", "7");
        assertThat(c.call("MGET", a, b)).isEqualTo("*2\r\n$-1\r\n$1\r\n2\r\n");
        c.call("FLUSHALL");
    }

    /**
     * A key that had already expired when it was WATCHed is stale: deleting it (lazily, by
     * FLUSHDB) or swapping it for nothing or another stale key is no logical change, as in Redis
     * 7.0 (multi.tcl's stale-key tests); a live watched key that expires still dooms the EXEC.
     */
    @Test
    void staleWatchedKeysDoNotFailExec() throws Exception {
        RawClient c = raw();
        String pong = "*1\r\n+PONG\r\n";
        c.call("SET", "x", "foo", "PX", "1");
        Thread.sleep(5);
        c.call("WATCH", "x");
        assertThat(c.call("EXISTS", "x")).isEqualTo(ZERO);
        assertThat(execPing(c)).isEqualTo(pong);

        c.call("SET", "x", "foo", "PX", "1");
        Thread.sleep(5);
        c.call("WATCH", "x");
        c.call("FLUSHDB");
        assertThat(execPing(c)).isEqualTo(pong);

        c.call("SELECT", "1");
        c.call("SET", "x", "foo", "PX", "1");
        Thread.sleep(5);
        c.call("WATCH", "x");
        c.call("SWAPDB", "0", "1");
        assertThat(execPing(c)).isEqualTo(pong);

        // a missing key replaced by a stale one
        c.call("FLUSHALL");
        c.call("SELECT", "0");
        c.call("WATCH", "x");
        c.call("SELECT", "1");
        c.call("SET", "x", "foo", "PX", "1");
        Thread.sleep(5);
        c.call("SWAPDB", "0", "1");
        c.call("SELECT", "0");
        assertThat(execPing(c)).isEqualTo(pong);

        c.call("SET", "x", "foo", "PX", "30");
        c.call("WATCH", "x");
        Thread.sleep(50);
        assertThat(c.call("EXISTS", "x")).isEqualTo(ZERO);
        assertThat(execPing(c)).isEqualTo(NIL_ARRAY);
        c.call("FLUSHALL");
    }

    private static String execPing(RawClient c) {
        c.call("MULTI");
        c.call("PING");
        return c.call("EXEC");
    }

    /** A key named {@code prefix<n>} that lives on shard {@code shard}. */
    private String keyOn(int shard, String prefix) {
        for (int i = 0; ; i++) {
            String k = prefix + i;
            if (server.engine().shardOf(k.getBytes()).id == shard) {
                return k;
            }
        }
    }

    /** A new connection served by a shard other than {@code shard} (any connection with one shard). */
    private RawClient clientAwayFrom(int shard) {
        while (true) {
            RawClient c = raw();
            if (shards == 1 || server.client(Long.parseLong(idOf(c))).client().home.id != shard) {
                return c;
            }
        }
    }

    /**
     * Keeps shard {@code shard}'s thread busy for {@code millis} (with several shards; one shard
     * serves every connection, so it is not stalled); returns a latch released when it is free again.
     */
    private CountDownLatch stall(int shard, long millis) throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        if (shards == 1) {
            done.countDown();
            return done;
        }
        server.engine().shard(shard).loop.execute(() -> {
            started.countDown();
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            done.countDown();
        });
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        return done;
    }

    private void awaitGone(long id) throws InterruptedException {
        for (int i = 0; i < 2000 && server.client(id) != null; i++) {
            Thread.sleep(2);
        }
        assertThat(server.client(id)).isNull();
    }

    private int watchedKeys() throws Exception {
        int n = 0;
        for (int i = 0; i < server.engine().shardCount(); i++) {
            Shard s = server.engine().shard(i);
            n += s.loop.submit(s::watchedKeys).get(5, TimeUnit.SECONDS);
        }
        return n;
    }

    private void awaitNoWatchedKeys() throws Exception {
        for (int i = 0; i < 500 && watchedKeys() > 0; i++) {
            Thread.sleep(5);
        }
        assertThat(watchedKeys()).isZero();
    }
}
