package io.ferrite.command.family;

import io.ferrite.testing.FerriteTest;
import io.ferrite.testing.RawClient;
import org.junit.jupiter.api.Test;

import static io.ferrite.testing.Replies.NIL;
import static io.ferrite.testing.Replies.NOT_INTEGER;
import static io.ferrite.testing.Replies.SYNTAX;
import static io.ferrite.testing.Replies.arity;
import static org.assertj.core.api.Assertions.assertThat;

class MemoryFamilyTest extends FerriteTest {

    private static long integer(String reply) {
        assertThat(reply).startsWith(":");
        return Long.parseLong(reply.substring(1, reply.length() - 2));
    }

    @Test
    void usageGrowsWithTheValue() {
        RawClient r = raw();
        r.call("SET", "small", "x");
        r.call("SET", "big", "x".repeat(10_000));
        long small = integer(r.call("MEMORY", "USAGE", "small"));
        long big = integer(r.call("MEMORY", "USAGE", "big"));
        assertThat(small).isPositive();
        assertThat(big).isGreaterThan(small + 10_000 - 64);

        for (int i = 0; i < 200; i++) {
            r.call("HSET", "h", "field" + i, "value" + i);
        }
        assertThat(integer(r.call("MEMORY", "USAGE", "h", "SAMPLES", "0"))).isGreaterThan(200 * 10);
    }

    @Test
    void missingKeyIsNullAndArgumentsAreCheckedFirst() {
        RawClient r = raw();
        assertThat(r.call("MEMORY", "USAGE", "nokey")).isEqualTo(NIL);
        assertThat(r.call("MEMORY", "USAGE", "nokey", "SAMPLES", "x"))
            .isEqualTo(NOT_INTEGER);
        assertThat(r.call("MEMORY", "USAGE", "nokey", "samples", "-1")).isEqualTo(SYNTAX);
        assertThat(r.call("MEMORY", "USAGE", "nokey", "SAMPLES")).isEqualTo(SYNTAX);
        assertThat(r.call("MEMORY", "USAGE", "nokey", "FOO", "1")).isEqualTo(SYNTAX);
        assertThat(r.call("MEMORY", "USAGE"))
            .isEqualTo(arity("memory|usage"));
    }

    @Test
    void usageLeavesTheIdleTimeAlone() throws InterruptedException {
        RawClient r = raw();
        r.call("SET", "k", "v");
        Thread.sleep(1100);
        r.call("MEMORY", "USAGE", "k");
        assertThat(integer(r.call("OBJECT", "IDLETIME", "k"))).isPositive();
    }
}
