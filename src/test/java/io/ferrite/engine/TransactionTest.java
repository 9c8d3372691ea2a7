package io.ferrite.engine;

import io.ferrite.testing.FerriteTest;
import io.ferrite.testing.RawClient;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** MULTI/EXEC/WATCH semantics over keys on several shards, compared with Redis's replies. */
class TransactionTest extends FerriteTest {
    @Test
    void execRunsQueuedCommandsAcrossShardsInOrder() {
        RawClient c = raw();
        assertThat(c.call("MULTI")).isEqualTo("+OK\r\n");
        assertThat(c.call("SET", "a", "1")).isEqualTo("+QUEUED\r\n");
        assertThat(c.call("INCR", "b")).isEqualTo("+QUEUED\r\n");
        assertThat(c.call("MSET", "c", "x", "d", "y")).isEqualTo("+QUEUED\r\n");
        assertThat(c.call("RENAME", "a", "e")).isEqualTo("+QUEUED\r\n");
        assertThat(c.call("INCR", "c")).isEqualTo("+QUEUED\r\n");
        assertThat(c.call("MGET", "a", "b", "c", "d", "e")).isEqualTo("+QUEUED\r\n");
        assertThat(c.call("EXEC")).isEqualTo("*6\r\n+OK\r\n:1\r\n+OK\r\n+OK\r\n"
            + "-ERR value is not an integer or out of range\r\n"
            + "*5\r\n$-1\r\n$1\r\n1\r\n$1\r\nx\r\n$1\r\ny\r\n$1\r\n1\r\n");
    }

    @Test
    void queueTimeErrorAbortsExec() {
        RawClient c = raw();
        c.call("MULTI");
        assertThat(c.call("SET", "a")).isEqualTo("-ERR wrong number of arguments for 'set' command\r\n");
        assertThat(c.call("NOSUCH")).startsWith("-ERR unknown command 'NOSUCH'");
        assertThat(c.call("SET", "a", "1")).isEqualTo("+QUEUED\r\n");
        assertThat(c.call("EXEC")).isEqualTo("-EXECABORT Transaction discarded because of previous errors.\r\n");
        assertThat(c.call("GET", "a")).isEqualTo("$-1\r\n");
        assertThat(c.call("EXEC", "x")).isEqualTo(
            "-EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command\r\n");
    }

    @Test
    void watchIsBrokenByAnotherClientsWriteOnAnyShard() {
        RawClient c = raw();
        RawClient other = raw();
        c.call("SET", "w1", "1");
        assertThat(c.call("WATCH", "w1", "w2", "w3")).isEqualTo("+OK\r\n");
        other.call("SET", "w3", "changed");
        c.call("MULTI");
        c.call("SET", "w1", "2");
        assertThat(c.call("EXEC")).isEqualTo("*-1\r\n");
        assertThat(c.call("GET", "w1")).isEqualTo("$1\r\n1\r\n");
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
        assertThat(c.call("EXEC")).isEqualTo("*-1\r\n");

        c.call("SET", "k", "v");
        c.call("WATCH", "k");
        other.call("SWAPDB", "0", "1");
        c.call("MULTI");
        c.call("PING");
        assertThat(c.call("EXEC")).isEqualTo("*-1\r\n");
    }

    @Test
    void watchedKeyThatExpiresBreaksExec() throws Exception {
        RawClient c = raw();
        c.call("SET", "ttl", "v", "PX", "100");
        c.call("WATCH", "ttl");
        Thread.sleep(200);
        c.call("MULTI");
        c.call("PING");
        assertThat(c.call("EXEC")).isEqualTo("*-1\r\n");
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
        assertThat(c.call("DISCARD")).isEqualTo("+OK\r\n");
        assertThat(c.call("GET", "x")).isEqualTo("$-1\r\n");
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
}
