package io.ferrite.command.family;

import io.ferrite.testing.FerriteTest;
import io.ferrite.testing.RawClient;
import org.junit.jupiter.api.Test;

import static io.ferrite.testing.Replies.NIL;
import static io.ferrite.testing.Replies.OK;
import static io.ferrite.testing.Replies.ONE;
import static io.ferrite.testing.Replies.ZERO;
import static io.ferrite.testing.Replies.bulk;
import static io.ferrite.testing.Replies.integer;
import static org.assertj.core.api.Assertions.assertThat;

/** DEBUG subcommands, byte for byte as Redis 7.0.15 answers them (checked against redis-server). */
class DebugFamilyTest extends FerriteTest {
    private static final String ATTRIB_FOLLOW = bulk("Some real reply following the attribute");

    @Test
    void protocolInResp2() {
        RawClient c = raw();
        assertThat(c.call("DEBUG", "PROTOCOL", "string")).isEqualTo(bulk("Hello World"));
        assertThat(c.call("DEBUG", "PROTOCOL", "integer")).isEqualTo(integer(12345));
        assertThat(c.call("DEBUG", "PROTOCOL", "double")).isEqualTo(bulk("3.141"));
        assertThat(c.call("DEBUG", "PROTOCOL", "bignum")).isEqualTo(bulk("1234567999999999999999999999999999999"));
        assertThat(c.call("DEBUG", "PROTOCOL", "null")).isEqualTo(NIL);
        assertThat(c.call("DEBUG", "PROTOCOL", "array")).isEqualTo("*3\r\n:0\r\n:1\r\n:2\r\n");
        assertThat(c.call("DEBUG", "PROTOCOL", "SET")).isEqualTo("*3\r\n:0\r\n:1\r\n:2\r\n");
        assertThat(c.call("DEBUG", "PROTOCOL", "map")).isEqualTo("*6\r\n:0\r\n:0\r\n:1\r\n:1\r\n:2\r\n:0\r\n");
        assertThat(c.call("DEBUG", "PROTOCOL", "attrib")).isEqualTo(ATTRIB_FOLLOW);
        assertThat(c.call("DEBUG", "PROTOCOL", "push")).isEqualTo("-ERR RESP2 is not supported by this command\r\n");
        assertThat(c.call("DEBUG", "PROTOCOL", "verbatim")).isEqualTo("$25\r\nThis is a verbatim\nstring\r\n");
        assertThat(c.call("DEBUG", "PROTOCOL", "true")).isEqualTo(ONE);
        assertThat(c.call("DEBUG", "PROTOCOL", "false")).isEqualTo(ZERO);
        assertThat(c.call("DEBUG", "PROTOCOL", "bogus")).isEqualTo("-ERR Wrong protocol type name. Please use one of "
            + "the following: string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false\r\n");
    }

    @Test
    void protocolInResp3() {
        RawClient c = raw();
        c.call("HELLO", "3");
        assertThat(c.call("DEBUG", "PROTOCOL", "double")).isEqualTo(",3.141\r\n");
        assertThat(c.call("DEBUG", "PROTOCOL", "bignum")).isEqualTo("(1234567999999999999999999999999999999\r\n");
        assertThat(c.call("DEBUG", "PROTOCOL", "null")).isEqualTo("_\r\n");
        assertThat(c.call("DEBUG", "PROTOCOL", "set")).isEqualTo("~3\r\n:0\r\n:1\r\n:2\r\n");
        assertThat(c.call("DEBUG", "PROTOCOL", "map")).isEqualTo("%3\r\n:0\r\n#f\r\n:1\r\n#t\r\n:2\r\n#f\r\n");
        // the attribute and the push are frames of their own, each followed by the real reply
        c.send(RawClient.encode("DEBUG", "PROTOCOL", "attrib"));
        assertThat(c.readReply()).isEqualTo("|1\r\n$14\r\nkey-popularity\r\n*2\r\n$7\r\nkey:123\r\n:90\r\n");
        assertThat(c.readReply()).isEqualTo(ATTRIB_FOLLOW);
        c.send(RawClient.encode("DEBUG", "PROTOCOL", "push"));
        assertThat(c.readReply()).isEqualTo(">2\r\n$16\r\nserver-cpu-usage\r\n:42\r\n");
        assertThat(c.readReply()).isEqualTo(bulk("Some real reply following the push reply"));
        assertThat(c.call("DEBUG", "PROTOCOL", "verbatim")).isEqualTo("=29\r\ntxt:This is a verbatim\nstring\r\n");
        assertThat(c.call("DEBUG", "PROTOCOL", "true")).isEqualTo("#t\r\n");
        assertThat(c.call("DEBUG", "PROTOCOL", "false")).isEqualTo("#f\r\n");
    }

    @Test
    void helpListsOnlyWhatExists() {
        String help = raw().call("DEBUG", "HELP");
        assertThat(help).contains("DIGEST-VALUE <key>", "PROTOCOL <type>", "LOG <message>", "OBJECT <key>");
        assertThat(help).contains("RELOAD [option ...]").doesNotContain("LOADAOF", "SEGFAULT", "HTSTATS");
        assertThat(raw().call("DEBUG", "LOG", "hello")).isEqualTo(OK);
        // the test server's own directory holds no dump.rdb to load
        assertThat(raw().call("DEBUG", "RELOAD", "NOSAVE")).isEqualTo("-ERR Error trying to load the RDB dump, check server logs.\r\n");
    }

    /** Redis's list tests with plain nodes: every list command works on elements past the threshold. */
    @Test
    void quicklistPackedThresholdMakesPlainNodesThatListsHandle() {
        RawClient c = raw();
        assertThat(c.call("DEBUG", "QUICKLIST-PACKED-THRESHOLD", "5gb"))
            .isEqualTo("-ERR argument must be a memory value bigger than 1 and smaller than 4gb\r\n");
        assertThat(c.call("DEBUG", "QUICKLIST-PACKED-THRESHOLD", "abc"))
            .isEqualTo("-ERR argument must be a memory value bigger than 1 and smaller than 4gb\r\n");
        assertThat(c.call("DEBUG", "QUICKLIST-PACKED-THRESHOLD", "1b")).isEqualTo(OK);
        try {
            c.call("RPUSH", "l", "aa", "bbb", "cccc");
            c.call("LINSERT", "l", "AFTER", "bbb", "xx");
            c.call("LSET", "l", "0", "first");
            c.call("LPUSH", "l", "h");
            assertThat(redis.lrange("l", 0, -1)).containsExactly("h", "first", "bbb", "xx", "cccc");
            assertThat(redis.lrem("l", 0, "xx")).isEqualTo(1);
            assertThat(redis.lpos("l", "cccc")).isEqualTo(3);
            redis.ltrim("l", 1, -1);
            assertThat(redis.lmove("l", "l2", io.lettuce.core.LMoveArgs.Builder.leftRight())).isEqualTo("first");
            assertThat(redis.lrange("l", 0, -1)).containsExactly("bbb", "cccc");
            assertThat(redis.rpop("l")).isEqualTo("cccc");
            assertThat(redis.lindex("l", 0)).isEqualTo("bbb");
        } finally {
            assertThat(c.call("DEBUG", "QUICKLIST-PACKED-THRESHOLD", "0")).isEqualTo(OK);
        }
    }

    @Test
    void populateCreatesKeysOnEveryShardLikeRedis() {
        RawClient c = raw();
        c.call("SET", "key:7", "kept");
        String before = c.call("INFO", "persistence");
        assertThat(c.call("DEBUG", "POPULATE", "1000")).isEqualTo(OK);
        assertThat(redis.dbsize()).isEqualTo(1000);
        assertThat(redis.get("key:999")).isEqualTo("value:999");
        assertThat(redis.get("key:7")).isEqualTo("kept");
        assertThat(redis.objectEncoding("key:5")).isEqualTo("embstr");
        // Redis's populate does not count as changes
        assertThat(c.call("INFO", "persistence")).isEqualTo(before);
        assertThat(c.call("DEBUG", "POPULATE", "2", "p", "10")).isEqualTo(OK);
        assertThat(c.call("GET", "p:1")).isEqualTo("$10\r\nvalue:1\0\0\0\r\n");
        assertThat(c.call("DEBUG", "POPULATE", "2", "q", "3")).isEqualTo(OK);
        assertThat(c.call("GET", "q:1")).isEqualTo(bulk("val"));
        assertThat(c.call("DEBUG", "POPULATE", "2", "big", "50")).isEqualTo(OK);
        assertThat(redis.objectEncoding("big:0")).isEqualTo("raw");
        assertThat(c.call("DEBUG", "POPULATE", "-1")).isEqualTo("-ERR value is out of range, must be positive\r\n");
        assertThat(c.call("DEBUG", "POPULATE", "abc")).isEqualTo("-ERR value is out of range, must be positive\r\n");
        assertThat(c.call("DEBUG", "POPULATE", "3", "p", "-5")).isEqualTo("-ERR value is out of range, must be positive\r\n");
        assertThat(c.call("DEBUG", "POPULATE", "3", "p", "2", "x"))
            .startsWith("-ERR unknown subcommand or wrong number of arguments for 'POPULATE'");
        assertThat(redis.dbsize()).isEqualTo(1006);
    }
}
