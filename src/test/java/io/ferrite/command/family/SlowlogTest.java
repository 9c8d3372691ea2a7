package io.ferrite.command.family;

import io.ferrite.server.Server;
import io.ferrite.testing.FerriteTest;
import io.ferrite.testing.RawClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.ferrite.testing.Replies.NIL_ARRAY;
import static io.ferrite.testing.Replies.ONE;
import static io.ferrite.testing.Replies.ZERO;
import static io.ferrite.testing.Replies.arity;
import static io.ferrite.testing.Replies.bulk;
import static io.ferrite.testing.Replies.bulks;
import static io.ferrite.testing.Replies.integer;
import static org.assertj.core.api.Assertions.assertThat;

/** SLOWLOG with Redis 7.0's entries, trimming and errors, on a private server (its settings change). */
class SlowlogTest extends FerriteTest {
    private Server own;
    private RawClient r;

    @BeforeEach
    void start() {
        own = ownServer(Map.of("slowlog-log-slower-than", "0"));
        r = raw(own.respPort());
    }

    @Test
    void logsEveryCommandAtZeroNewestFirst() {
        r.call("SLOWLOG", "RESET");
        r.call("CLIENT", "SETNAME", "worker");
        r.call("SET", "foo", "bar");
        String get = r.call("SLOWLOG", "GET", "2");
        // newest first: SET foo bar, then CLIENT SETNAME (named after it ran, as in Redis)
        assertThat(get).startsWith("*2\r\n*6\r\n:");
        assertThat(get).contains("*3\r\n$3\r\nSET\r\n$3\r\nfoo\r\n$3\r\nbar\r\n$15\r\n127.0.0.1:")
            .contains(bulks("CLIENT", "SETNAME", "worker"));
        assertThat(get.indexOf("SET\r\n$3\r\nfoo")).isLessThan(get.indexOf("SETNAME"));
        assertThat(get).endsWith("\r\n$6\r\nworker\r\n");
    }

    @Test
    void blockedCommandIsLoggedWhenItsWaitEnds() throws InterruptedException {
        RawClient waiter = raw(own.respPort());
        String id = idOf(waiter);
        waiter.send(RawClient.encode("BLPOP", "l", "0"));
        awaitBlocked(r, id);
        r.call("MULTI");
        r.call("LPUSH", "l", "foo");
        r.call("SLOWLOG", "RESET");
        r.call("EXEC");
        assertThat(waiter.readReply()).isEqualTo(bulks("l", "foo"));
        // newest first: the served BLPOP with its own arguments, logged after the EXEC that served it
        String get = r.call("SLOWLOG", "GET", "1");
        assertThat(get).contains(bulks("BLPOP", "l", "0"));
        r.call("SLOWLOG", "RESET");
        assertThat(r.call("BLPOP", "none", "0.01")).isEqualTo(NIL_ARRAY);
        assertThat(r.call("SLOWLOG", "GET", "1")).contains("$5\r\nBLPOP\r\n$4\r\nnone\r\n");
    }

    @Test
    void lenResetAndMaxLen() {
        r.call("SLOWLOG", "RESET");
        // the RESET itself is logged once it has run, as in Redis
        assertThat(r.call("SLOWLOG", "LEN")).isEqualTo(ONE);
        for (int i = 0; i < 10; i++) {
            r.call("SET", "k" + i, "v");
        }
        assertThat(r.call("SLOWLOG", "LEN")).isEqualTo(integer(12));
        r.call("CONFIG", "SET", "slowlog-max-len", "3");
        r.call("PING");
        assertThat(r.call("SLOWLOG", "LEN")).isEqualTo(integer(3));
        assertThat(count(r.call("SLOWLOG", "GET", "-1"))).isEqualTo(3);
        assertThat(count(r.call("SLOWLOG", "GET", "1"))).isEqualTo(1);
        assertThat(count(r.call("SLOWLOG", "GET", "0"))).isEqualTo(0);
        r.call("CONFIG", "SET", "slowlog-log-slower-than", "-1");
        r.call("SLOWLOG", "RESET");
        r.call("SET", "x", "y");
        assertThat(r.call("SLOWLOG", "LEN")).isEqualTo(ZERO);
    }

    @Test
    void idsAreUniqueAndDescending() {
        r.call("SLOWLOG", "RESET");
        for (int i = 0; i < 20; i++) {
            r.call("SET", "key" + i, "v");
        }
        String all = r.call("SLOWLOG", "GET", "-1");
        List<Long> ids = new ArrayList<>();
        for (String entry : all.split("\\*6\r\n")) {
            if (entry.startsWith(":")) {
                ids.add(Long.parseLong(entry.substring(1, entry.indexOf("\r\n"))));
            }
        }
        assertThat(ids).hasSize(21).doesNotHaveDuplicates();
        if (shards == 1) {
            assertThat(ids).isSortedAccordingTo(java.util.Comparator.reverseOrder());
        }
    }

    @Test
    void argumentsTrimmedAsRedis() {
        r.call("SLOWLOG", "RESET");
        String[] many = new String[40];
        many[0] = "DEL";
        for (int i = 1; i < 40; i++) {
            many[i] = "{t}k" + i;
        }
        r.call(many);
        String e = r.call("SLOWLOG", "GET", "1");
        assertThat(e).contains("*32\r\n$3\r\nDEL\r\n").contains(bulk("... (9 more arguments)"))
            .doesNotContain("{t}k31");
        r.call("SET", "big", "x".repeat(200));
        e = r.call("SLOWLOG", "GET", "1");
        assertThat(e).contains("$147\r\n" + "x".repeat(128) + "... (72 more bytes)\r\n");
    }

    @Test
    void secretsRedactedAndSkipSlowlogCommandsLeftOut() {
        r.call("SLOWLOG", "RESET");
        r.call("AUTH", "nobody", "pw");
        assertThat(r.call("SLOWLOG", "GET", "1")).contains("$4\r\nAUTH\r\n$10\r\n(redacted)\r\n$10\r\n(redacted)\r\n");
        // MIGRATE's AUTH password and AUTH2's user and password (the key is missing: NOKEY, no connection)
        r.call("MIGRATE", "127.0.0.1", "1", "nokey", "9", "5000", "COPY", "AUTH", "pw");
        assertThat(r.call("SLOWLOG", "GET", "1")).contains("$4\r\nCOPY\r\n$4\r\nAUTH\r\n$10\r\n(redacted)\r\n");
        r.call("MIGRATE", "127.0.0.1", "1", "nokey", "9", "5000", "AUTH2", "user", "pw");
        assertThat(r.call("SLOWLOG", "GET", "1")).contains("$5\r\nAUTH2\r\n$10\r\n(redacted)\r\n$10\r\n(redacted)\r\n");
        r.call("MULTI");
        r.call("SET", "a", "1");
        r.call("EXEC");
        // EXEC is skip_slowlog; the command it ran is logged
        String e = r.call("SLOWLOG", "GET", "1");
        assertThat(e).contains("$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n");
    }

    @Test
    void errors() {
        assertThat(r.call("SLOWLOG", "GET", "-2")).isEqualTo("-ERR count should be greater than or equal to -1\r\n");
        assertThat(r.call("SLOWLOG", "GET", "abc")).isEqualTo("-ERR count should be greater than or equal to -1\r\n");
        assertThat(r.call("SLOWLOG", "GET", "1", "2"))
            .isEqualTo("-ERR unknown subcommand or wrong number of arguments for 'GET'. Try SLOWLOG HELP.\r\n");
        assertThat(r.call("SLOWLOG", "LEN", "x")).isEqualTo(arity("slowlog|len"));
        assertThat(r.call("SLOWLOG", "FOO")).isEqualTo("-ERR unknown subcommand 'FOO'. Try SLOWLOG HELP.\r\n");
        assertThat(r.call("SLOWLOG", "HELP")).startsWith("*12\r\n+SLOWLOG <subcommand>");
        assertThat(r.call("CONFIG", "SET", "slowlog-log-slower-than", "-2")).isEqualTo("-ERR CONFIG SET failed (possibly "
            + "related to argument 'slowlog-log-slower-than') - argument must be between -1 and 9223372036854775807 inclusive\r\n");
    }

    private static int count(String reply) {
        return Integer.parseInt(reply.substring(1, reply.indexOf("\r\n")));
    }
}
