package io.ferrite.command.family;

import io.ferrite.testing.FerriteTest;
import io.ferrite.testing.RawClient;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** CLIENT LIST / CLIENT INFO print every field redis-server 7.0.15 prints, in its order. */
class ClientListFieldsTest extends FerriteTest {
    /** The field names of a redis-server 7.0.15 CLIENT INFO line. */
    private static final List<String> REDIS_7_0 = List.of("id", "addr", "laddr", "fd", "name", "age", "idle", "flags",
        "db", "sub", "psub", "ssub", "multi", "qbuf", "qbuf-free", "argv-mem", "multi-mem", "rbs", "rbp", "obl", "oll",
        "omem", "tot-mem", "events", "cmd", "user", "redir", "resp");

    private static List<String> names(String line) {
        List<String> n = new ArrayList<>();
        for (String kv : line.trim().split(" ")) {
            n.add(kv.substring(0, kv.indexOf('=')));
        }
        return n;
    }

    private static long value(String line, String field) {
        for (String kv : line.trim().split(" ")) {
            if (kv.startsWith(field + "=")) {
                return Long.parseLong(kv.substring(field.length() + 1));
            }
        }
        throw new AssertionError(field + " not in " + line);
    }

    @Test
    void everyFieldInRedisOrder() {
        RawClient r = raw();
        String info = r.call("CLIENT", "INFO");
        String line = info.substring(info.indexOf("\r\n") + 2, info.lastIndexOf('\n', info.length() - 3));
        assertThat(names(line)).isEqualTo(REDIS_7_0);
        String list = r.call("CLIENT", "LIST");
        for (String l : list.substring(list.indexOf("\r\n") + 2).split("\n")) {
            if (l.startsWith("id=")) {
                assertThat(names(l)).isEqualTo(REDIS_7_0);
            }
        }
    }

    @Test
    void multiMemCountsQueuedCommands() {
        RawClient r = raw();
        String id = r.call("CLIENT", "ID").substring(1).trim();
        r.call("MULTI");
        r.call("SET", "key", "value");
        // seen from another connection: inside MULTI, CLIENT INFO would only be queued
        String info = raw().call("CLIENT", "LIST", "ID", id);
        String line = info.substring(info.indexOf("\r\n") + 2);
        assertThat(value(line, "multi")).isEqualTo(1);
        assertThat(value(line, "multi-mem")).isEqualTo(11);
        assertThat(value(line, "tot-mem")).isGreaterThanOrEqualTo(value(line, "multi-mem"));
        r.call("DISCARD");
    }
}
