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

    /** The names of a flat RESP2 reply of name/value pairs, nested db.N maps flattened in place. */
    private static java.util.List<String> names(String reply) {
        java.util.List<String> names = new java.util.ArrayList<>();
        String[] lines = reply.split("\r\n");
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].startsWith("$") && i + 1 < lines.length && lines[i + 1].matches("[a-z][a-z0-9.-]*")) {
                names.add(lines[i + 1]);
                i++;
            }
        }
        return names;
    }

    private static String after(String reply, String name) {
        String[] lines = reply.split("\r\n");
        for (int i = 0; i + 2 < lines.length; i++) {
            if (lines[i].equals(name)) {
                return lines[i + 1].startsWith("$") ? lines[i + 2] : lines[i + 1].substring(1);
            }
        }
        throw new AssertionError("no " + name + " in " + reply);
    }

    @Test
    void statsHasRedisFieldsInRedisOrder() {
        RawClient r = raw();
        for (int i = 0; i < 50; i++) {
            r.call("SET", "k" + i, "v", "EX", "1000");
        }
        r.call("SELECT", "2");
        r.call("SET", "other", "v");
        String stats = r.call("MEMORY", "STATS");
        assertThat(names(stats)).containsExactly("peak.allocated", "total.allocated", "startup.allocated",
            "replication.backlog", "clients.slaves", "clients.normal", "cluster.links", "aof.buffer", "lua.caches",
            "functions.caches", "db.0", "overhead.hashtable.main", "overhead.hashtable.expires",
            "overhead.hashtable.slot-to-keys", "db.2", "overhead.hashtable.main", "overhead.hashtable.expires",
            "overhead.hashtable.slot-to-keys", "overhead.total", "keys.count", "keys.bytes-per-key", "dataset.bytes",
            "dataset.percentage", "peak.percentage", "fragmentation", "fragmentation.bytes");
        assertThat(stats).startsWith("*40\r\n");
        assertThat(Long.parseLong(after(stats, "keys.count"))).isEqualTo(51);
        long total = Long.parseLong(after(stats, "total.allocated"));
        long startup = Long.parseLong(after(stats, "startup.allocated"));
        assertThat(Long.parseLong(after(stats, "keys.bytes-per-key"))).isEqualTo((total - startup) / 51);
        // 50 entries with a TTL: the expiry index holds them, db.2's holds none
        assertThat(Long.parseLong(after(stats, "overhead.hashtable.main"))).isGreaterThanOrEqualTo(50 * 48);
        assertThat(Double.parseDouble(after(stats, "dataset.percentage"))).isBetween(0.0, 100.0);
        assertThat(Long.parseLong(after(stats, "peak.allocated"))).isGreaterThanOrEqualTo(total);
    }

    @Test
    void doctorOnAnAlmostEmptyInstance() {
        assertThat(raw().call("MEMORY", "DOCTOR")).startsWith("$").contains(
            "Hi Sam, this instance is empty or is using very little memory, my issues detector can't be used");
    }
}
