package io.ferrite.command.family;

import io.ferrite.server.Server;
import io.ferrite.testing.FerriteTest;
import io.ferrite.testing.RawClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.ferrite.testing.Replies.ONE;
import static org.assertj.core.api.Assertions.assertThat;

/** INFO's lazyfree fields count what Redis's background freeing would (unit/lazyfree), on a private server. */
class LazyFreeTest extends FerriteTest {
    private Server own;
    private RawClient r;

    @BeforeEach
    void start() {
        own = ownServer(Map.of());
        r = raw(own.respPort());
    }

    @Test
    void unlinkCountsOnlyValuesAboveTheThreshold() {
        r.call("CONFIG", "RESETSTAT");
        assertThat(info("lazyfree_pending_objects")).isZero();
        r.call("SADD", "small", "a", "b");
        assertThat(r.call("UNLINK", "small")).isEqualTo(ONE);
        assertThat(info("lazyfreed_objects")).isZero();
        String[] members = new String[202];
        members[0] = "SADD";
        members[1] = "big";
        for (int i = 2; i < members.length; i++) {
            members[i] = "m" + i;
        }
        r.call(members);
        // DEL frees at once in Redis too (lazyfree-lazy-user-del no)
        assertThat(r.call("DEL", "big")).isEqualTo(ONE);
        assertThat(info("lazyfreed_objects")).isZero();
        r.call(members);
        assertThat(r.call("UNLINK", "big", "nosuch")).isEqualTo(ONE);
        assertThat(info("lazyfreed_objects")).isEqualTo(1);
    }

    @Test
    void streamEffortCountsNodesAndGroups() {
        r.call("CONFIG", "RESETSTAT");
        r.call("CONFIG", "SET", "stream-node-max-entries", "5");
        for (int j = 0; j < 1000; j++) {
            r.call("XADD", "stream", "*", "foo", String.valueOf(j));
        }
        r.call("XGROUP", "CREATE", "stream", "g", "0");
        r.call("UNLINK", "stream");
        assertThat(info("lazyfreed_objects")).isEqualTo(1);
        r.call("XADD", "s", "*", "a", "b");
        r.call("XGROUP", "CREATE", "s", "bla", "$");
        r.call("XGROUP", "DESTROY", "s", "bla");
        r.call("UNLINK", "s");
        assertThat(info("lazyfreed_objects")).isEqualTo(1);
    }

    @Test
    void flushAsyncCountsEveryKey() {
        r.call("CONFIG", "RESETSTAT");
        r.call("MSET", "a", "1", "b", "2", "c", "3");
        r.call("FLUSHDB");
        assertThat(info("lazyfreed_objects")).isZero();
        r.call("MSET", "a", "1", "b", "2", "c", "3");
        r.call("SELECT", "1");
        r.call("SET", "d", "4");
        r.call("FLUSHALL", "ASYNC");
        assertThat(info("lazyfreed_objects")).isEqualTo(4);
        r.call("CONFIG", "RESETSTAT");
        assertThat(info("lazyfreed_objects")).isZero();
    }

    private long info(String field) {
        String s = r.call("INFO", "memory");
        int at = s.indexOf(field + ":");
        assertThat(at).as(field).isPositive();
        at += field.length() + 1;
        return Long.parseLong(s.substring(at, s.indexOf("\r\n", at)));
    }
}
