package io.ferrite.compat;

import io.ferrite.server.Server;
import io.ferrite.testing.FerriteTest;
import io.ferrite.testing.RawClient;
import io.ferrite.testing.TestServers;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real Redis 7.0 writes RDB_OPCODE_IDLE before each key under an LRU policy and RDB_OPCODE_FREQ
 * under an LFU one; loading its file, Ferrite gives each key the idle time or the counter the file
 * carries (objectSetLRUOrLFU), as OBJECT IDLETIME and OBJECT FREQ show.
 */
class LruLfuLoadTest extends FerriteTest {
    @TempDir
    Path dir;

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A real redis-server on dir/dump.rdb under {@code policy}: stores "fresh" and "old" (restored with {@code option}), saves. */
    private void writeWithRedis(String policy, String... option) throws Exception {
        Path exe = RedisProcess.findExecutable();
        if (exe == null) {
            Assumptions.abort("redis-server not found: the IDLE/FREQ round trip needs a real Redis 7.0");
        }
        int port = RedisProcess.freePort();
        Process p = new ProcessBuilder(List.of(exe.toString(), "--port", String.valueOf(port), "--bind", "127.0.0.1",
            "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--maxmemory-policy", policy))
            .redirectErrorStream(true).redirectOutput(new File(dir.toFile(), "redis.log")).start();
        try {
            for (int i = 0; i < 500 && !RedisProcess.ping(port); i++) {
                Thread.sleep(20);
            }
            try (Jedis j = new Jedis("127.0.0.1", port, 10_000)) {
                j.set("fresh", "v");
                byte[] payload = j.dump("fresh");
                byte[][] args = new byte[4 + option.length][];
                args[0] = b("old");
                args[1] = b("0");
                args[2] = payload;
                args[3] = b("REPLACE");
                for (int i = 0; i < option.length; i++) {
                    args[4 + i] = b(option[i]);
                }
                assertThat(j.sendCommand(() -> b("RESTORE"), args)).isEqualTo(b("OK"));
                assertThat(j.save()).isEqualTo("OK");
            }
        } finally {
            p.destroy();
            p.waitFor();
        }
    }

    private Server ferrite(String policy) throws IOException {
        return TestServers.start(shards, Map.of("dir", dir.toString(), "maxmemory-policy", policy));
    }

    private static long integer(String reply) {
        assertThat(reply).startsWith(":");
        return Long.parseLong(reply.substring(1).trim());
    }

    @Test
    void idleTimesOfAnLruFileAreKept() throws Exception {
        writeWithRedis("allkeys-lru", "IDLETIME", "1000");
        Server s = ferrite("allkeys-lru");
        try (RawClient r = new RawClient("127.0.0.1", s.respPort())) {
            assertThat(integer(r.call("OBJECT", "IDLETIME", "old"))).isBetween(1000L, 1010L);
            assertThat(integer(r.call("OBJECT", "IDLETIME", "fresh"))).isLessThan(10L);
        } finally {
            s.close();
        }
    }

    @Test
    void countersOfAnLfuFileAreKeptUnderAnLfuPolicy() throws Exception {
        writeWithRedis("allkeys-lfu", "FREQ", "77");
        Server s = ferrite("allkeys-lfu");
        try (RawClient r = new RawClient("127.0.0.1", s.respPort())) {
            assertThat(r.call("OBJECT", "FREQ", "old")).isEqualTo(":77\r\n");
        } finally {
            s.close();
        }
        // under an LRU policy the counter has no meaning and is dropped, as Redis drops it
        Server lru = ferrite("allkeys-lru");
        try (RawClient r = new RawClient("127.0.0.1", lru.respPort())) {
            assertThat(integer(r.call("OBJECT", "IDLETIME", "old"))).isLessThan(10L);
        } finally {
            lru.close();
        }
    }
}
