package io.ferrite.command.family;

import io.ferrite.server.Server;
import io.ferrite.server.ServerConfig;
import io.ferrite.testing.FerriteTest;
import io.ferrite.testing.MemoryInfo;
import io.ferrite.testing.RawClient;
import io.ferrite.testing.TestServers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static io.ferrite.testing.Replies.OK;
import static io.ferrite.testing.Replies.ONE;
import static io.ferrite.testing.Replies.bulks;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * maxmemory-admission tinylfu (W-TinyLFU on top of the policy): a write is never refused or lost,
 * but a newcomer asked for less often than the policy's victim is evicted in its place.
 */
class AdmissionTest extends FerriteTest {
    private static final String VALUE = "v".repeat(1000);
    private RawClient r;
    private RawClient admin;

    @BeforeEach
    void start() {
        Server own = ownServer(Map.of("maxmemory-eviction-tenacity", "100"));
        r = raw(own.respPort());
        admin = raw(own.respPort());
    }


    private void set(String prefix, int from, int to) {
        for (int i = from; i < to; i++) {
            assertThat(r.call("SET", prefix + i, VALUE)).isEqualTo(OK);
        }
    }

    private long present(String prefix, int n) {
        long present = 0;
        for (int i = 0; i < n; i++) {
            present += r.call("EXISTS", prefix + i).equals(ONE) ? 1 : 0;
        }
        return present;
    }

    /**
     * 1000 keys read three times each fill memory; then 300 keys written once each. Returns the
     * hot keys left; {@code star}, written 11 times among them, is checked by the caller.
     */
    private long hotKeysLeftAfterColdWrites(String admission) throws InterruptedException {
        assertThat(admin.call("CONFIG", "SET", "maxmemory-policy", "allkeys-lru")).isEqualTo(OK);
        assertThat(admin.call("CONFIG", "SET", "maxmemory-admission", admission)).isEqualTo(OK);
        assertThat(admin.call("CONFIG", "SET", "maxmemory", "1gb")).isEqualTo(OK);
        set("hot", 0, 1000);
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 1000; i++) {
                assertThat(r.call("GET", "hot" + i)).startsWith("$1000");
            }
        }
        long used = MemoryInfo.settledUsedMemory(r);
        assertThat(admin.call("CONFIG", "SET", "maxmemory", Long.toString(used + 20_000))).isEqualTo(OK);
        for (int i = 0; i < 300; i++) {
            // never refused: a newcomer is written, and evicted later if it loses its contest
            assertThat(r.call("SET", "cold" + i, VALUE)).isEqualTo(OK);
            if (i == 100) {
                for (int w = 0; w < 11; w++) {
                    assertThat(r.call("SET", "star", VALUE)).isEqualTo(OK);
                }
            }
        }
        assertThat(MemoryInfo.field(r, "evicted_keys")).isGreaterThanOrEqualTo(250);
        admin.call("CONFIG", "SET", "maxmemory", "0");
        assertThat(present("cold", 300)).as("cold keys left").isLessThan(admission.equals("none") ? 301 : 100);
        return present("hot", 1000);
    }

    @Test
    void coldNewcomersAreEvictedInsteadOfFrequentKeys() throws InterruptedException {
        long hot = hotKeysLeftAfterColdWrites("tinylfu");
        // only the window's last newcomers of the fill (1% of the keys), as frequent as the victims, lose their contest
        assertThat(hot).isGreaterThanOrEqualTo(970);
        // written 11 times: more frequent than the victims (read 3 times), so admitted
        assertThat(r.call("EXISTS", "star")).isEqualTo(ONE);
    }

    @Test
    void withoutAdmissionTheSameWritesPushFrequentKeysOut() throws InterruptedException {
        long hot = hotKeysLeftAfterColdWrites("none");
        assertThat(hot).isLessThanOrEqualTo(900);
    }

    @Test
    void theDirectiveIsAConfigChoiceOffByDefault() {
        assertThat(admin.call("CONFIG", "GET", "maxmemory-admission")).isEqualTo(bulks("maxmemory-admission", "none"));
        assertThat(admin.call("CONFIG", "SET", "maxmemory-admission", "tinylfu")).isEqualTo(OK);
        assertThat(admin.call("CONFIG", "GET", "maxmemory-admission")).isEqualTo(bulks("maxmemory-admission", "tinylfu"));
        assertThat(admin.call("CONFIG", "SET", "maxmemory-admission", "lru")).startsWith("-ERR CONFIG SET failed");
        assertThat(admin.call("CONFIG", "GET", "maxmemory-admission")).isEqualTo(bulks("maxmemory-admission", "tinylfu"));
    }

    @Test
    void configRewriteKeepsIt(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("ferrite.conf");
        Files.writeString(file, String.join("\n", "bind 127.0.0.1", "port " + TestServers.freePort(),
            "memcached-port 0", "metrics-port 0", "shards " + shards, "") + "\n");
        ServerConfig cfg = ServerConfig.defaults();
        cfg.load(file);
        try (Server s = Server.start(cfg); RawClient c = new RawClient("127.0.0.1", s.respPort())) {
            assertThat(c.call("CONFIG", "SET", "maxmemory-admission", "tinylfu")).isEqualTo(OK);
            assertThat(c.call("CONFIG", "REWRITE")).isEqualTo(OK);
            assertThat(Files.readAllLines(file)).contains("maxmemory-admission tinylfu");
        }
    }
}
