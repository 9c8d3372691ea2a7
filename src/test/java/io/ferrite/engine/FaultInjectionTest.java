package io.ferrite.engine;

import io.ferrite.engine.command.Call;
import io.ferrite.testing.FerriteTest;
import io.ferrite.testing.RawClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;

import static io.ferrite.testing.Replies.NIL;
import static io.ferrite.testing.Replies.OK;
import static io.ferrite.testing.Replies.ZERO;
import static io.ferrite.testing.Replies.bulks;
import static io.ferrite.testing.Replies.integer;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An {@link Error} thrown inside a command (out of heap or direct memory), injected through
 * {@link Execution#faultForTests} for calls naming the key "boom": the failing client gets an error
 * reply, every hold ends, and the other clients go on, on one shard or across several.
 */
class FaultInjectionTest extends FerriteTest {
    private static final String BOOM = "boom";

    private static void failCallsNaming(String key) {
        Execution.faultForTests = (Call c) -> {
            for (int i = 1; i < c.args.length; i++) {
                if (new String(c.args[i]).equals(key)) {
                    return true;
                }
            }
            return false;
        };
    }

    @AfterEach
    void noMoreFaults() {
        Execution.faultForTests = null;
    }

    /** Every shard still answers, to a client that did not fail, with cross-shard commands too. */
    private void othersGoOn() {
        RawClient other = raw();
        assertThat(other.call("MSET", "a", "1", "b", "2", "c", "3", "d", "4")).isEqualTo(OK);
        assertThat(other.call("MGET", "a", "b", "c", "d")).isEqualTo(bulks("1", "2", "3", "4"));
        assertThat(other.call("DEL", "a", "b", "c", "d")).isEqualTo(integer(4));
        assertThat(other.call("DBSIZE")).isEqualTo(ZERO);
    }

    @Test
    void singleShardCommand() {
        failCallsNaming(BOOM);
        RawClient c = raw();
        assertThat(c.call("SET", BOOM, "x")).isEqualTo("-ERR internal error running 'set'\r\n");
        assertThat(c.call("GET", "k")).isEqualTo(NIL);
        othersGoOn();
    }

    @Test
    void crossShardMset() {
        failCallsNaming(BOOM);
        RawClient c = raw();
        assertThat(c.call("MSET", "a", "1", BOOM, "2", "c", "3")).isEqualTo("-ERR internal error running 'mset'\r\n");
        assertThat(c.call("MGET", "a", "c")).isEqualTo("*2\r\n$-1\r\n$-1\r\n");
        othersGoOn();
    }

    @Test
    void execAndPipelines() {
        failCallsNaming(BOOM);
        RawClient c = raw();
        c.call("MULTI");
        c.call("SET", "a", "1");
        c.call("MSET", "b", "2", BOOM, "x");
        c.call("GET", BOOM);
        c.call("MSET", "c", "3", "d", "4");
        assertThat(c.call("EXEC")).isEqualTo("*4\r\n+OK\r\n-ERR internal error running 'mset'\r\n"
            + "-ERR internal error running 'get'\r\n+OK\r\n");
        assertThat(c.call("MGET", "a", "b", "c", "d")).isEqualTo("*4\r\n$1\r\n1\r\n$-1\r\n$1\r\n3\r\n$1\r\n4\r\n");
        c.call("DEL", "a", "b", "c", "d");
        ByteArrayOutputStream batch = new ByteArrayOutputStream();
        batch.writeBytes(RawClient.encode("SET", "a", "1"));
        batch.writeBytes(RawClient.encode("GET", BOOM));
        batch.writeBytes(RawClient.encode("SET", "c", "3"));
        batch.writeBytes(RawClient.encode("MSET", "b", "1", BOOM, "2"));
        batch.writeBytes(RawClient.encode("DEL", "a", "c"));
        c.send(batch.toByteArray());
        assertThat(c.readReply()).isEqualTo(OK);
        assertThat(c.readReply()).isEqualTo("-ERR internal error running 'get'\r\n");
        assertThat(c.readReply()).isEqualTo(OK);
        assertThat(c.readReply()).isEqualTo("-ERR internal error running 'mset'\r\n");
        assertThat(c.readReply()).isEqualTo(integer(2));
        othersGoOn();
    }
}
