package io.ferrite.command.family;

import io.ferrite.testing.FerriteTest;
import io.ferrite.testing.RawClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.ferrite.testing.Replies.OK;
import static io.ferrite.testing.Replies.ONE;
import static io.ferrite.testing.Replies.ZERO;
import static io.ferrite.testing.Replies.bulk;
import static org.assertj.core.api.Assertions.assertThat;

/** maxmemory with Redis's noeviction policy: writes are refused with OOM once over it, on a private server. */
class MaxMemoryTest extends FerriteTest {
    private static final String OOM = "-OOM command not allowed when used memory > 'maxmemory'.\r\n";
    private RawClient r;
    private RawClient admin;

    @BeforeEach
    void start() {
        int port = ownServer(Map.of()).respPort();
        r = raw(port);
        admin = raw(port);
        r.call("SET", "x", "value");
    }

    @Test
    void writesAreRefusedOverTheLimitAndReadsAndDeletesStillRun() {
        assertThat(admin.call("CONFIG", "SET", "maxmemory", "1")).isEqualTo(OK);
        assertThat(r.call("SET", "y", "1")).isEqualTo(OOM);
        assertThat(r.call("LPUSH", "l", "1")).isEqualTo(OOM);
        assertThat(r.call("GET", "x")).isEqualTo(bulk("value"));
        assertThat(r.call("DEL", "x")).isEqualTo(ONE);
        assertThat(r.call("INFO", "memory")).contains("maxmemory:1\r\nmaxmemory_human:1B\r\nmaxmemory_policy:noeviction\r\n");
        assertThat(admin.call("CONFIG", "SET", "maxmemory", "0")).isEqualTo(OK);
        assertThat(r.call("SET", "y", "1")).isEqualTo(OK);
        assertThat(r.call("INFO", "memory")).contains("maxmemory:0\r\n");
    }

    @Test
    void transactionsOverTheLimitAsRedis() {
        // queueing over the limit is refused and aborts the transaction
        r.call("MULTI");
        r.call("SET", "a", "1");
        admin.call("CONFIG", "SET", "maxmemory", "1");
        assertThat(r.call("GET", "x")).isEqualTo(OOM);
        admin.call("CONFIG", "SET", "maxmemory", "0");
        assertThat(r.call("EXEC")).startsWith("-EXECABORT");
        assertThat(r.call("EXISTS", "a")).isEqualTo(ZERO);
        // DISCARD still works
        admin.call("CONFIG", "SET", "maxmemory", "1");
        r.call("MULTI");
        assertThat(r.call("SET", "a", "1")).isEqualTo(OOM);
        assertThat(r.call("DISCARD")).isEqualTo(OK);
        admin.call("CONFIG", "SET", "maxmemory", "0");
        // an EXEC of reads only runs; one holding a write is refused with the OOM reason
        r.call("MULTI");
        r.call("GET", "x");
        r.call("PING");
        admin.call("CONFIG", "SET", "maxmemory", "1");
        assertThat(r.call("EXEC")).isEqualTo("*2\r\n$5\r\nvalue\r\n+PONG\r\n");
        admin.call("CONFIG", "SET", "maxmemory", "0");
        r.call("MULTI");
        r.call("SET", "x", "1");
        r.call("GET", "x");
        admin.call("CONFIG", "SET", "maxmemory", "1");
        assertThat(r.call("EXEC")).isEqualTo("-EXECABORT Transaction discarded because of: "
            + "OOM command not allowed when used memory > 'maxmemory'.\r\n");
        admin.call("CONFIG", "SET", "maxmemory", "0");
        assertThat(r.call("GET", "x")).isEqualTo(bulk("value"));
    }

    @Test
    void theLfuPoliciesAreRefused() {
        assertThat(admin.call("CONFIG", "SET", "maxmemory-policy", "allkeys-lfu")).isEqualTo("-ERR CONFIG SET failed "
            + "(possibly related to argument 'maxmemory-policy') - Ferrite keeps no LFU counters yet: maxmemory-policy can be"
            + " noeviction, allkeys-lru, volatile-lru, allkeys-random, volatile-random or volatile-ttl\r\n");
        assertThat(admin.call("CONFIG", "SET", "maxmemory-policy", "allkeys-lru")).isEqualTo(OK);
        assertThat(admin.call("CONFIG", "SET", "maxmemory-policy", "bad")).startsWith("-ERR CONFIG SET failed "
            + "(possibly related to argument 'maxmemory-policy') - argument(s) must be one of the following:");
        assertThat(admin.call("CONFIG", "SET", "maxmemory-policy", "noeviction")).isEqualTo(OK);
    }

    @Test
    void anLfuPolicyFromTheConfigFileBehavesAsNoeviction() {
        RawClient c = raw(ownServer(Map.of("maxmemory-policy", "allkeys-lfu")).respPort());
        c.call("SET", "kept", "1");
        assertThat(c.call("CONFIG", "SET", "maxmemory", "1")).isEqualTo(OK);
        assertThat(c.call("SET", "more", "1")).isEqualTo(OOM);
        assertThat(c.call("EXISTS", "kept")).isEqualTo(ONE);
        assertThat(c.call("CONFIG", "GET", "maxmemory-policy")).contains("allkeys-lfu");
    }
}
