package io.ferrite.engine;

import io.ferrite.server.Server;
import io.ferrite.testing.TestServers;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The engine's replica switch. Redis 7.0's expiry on a replica: logically expired keys are
 * hidden from reads, single-shard and cross-shard alike, but neither reads, scans nor the active
 * expiry delete them; once the server is a master again they go as usual. And
 * replica-ignore-maxmemory: a replica neither evicts nor refuses writes over maxmemory.
 */
class ReplicaSwitchTest {
    @ParameterizedTest(name = "shards={0}")
    @MethodSource("io.ferrite.testing.TestServers#shardCounts")
    void expiredKeysStayUntilTheServerIsAMasterAgain(int shards) throws Exception {
        try (Server s = TestServers.start(shards, Map.of("hz", "100")); Jedis j = new Jedis("127.0.0.1", s.respPort())) {
            // written while a master (as a master's stream would bring them): a writable replica
            // expires only the keys its own clients gave a TTL (slaveKeysWithExpire)
            for (int i = 0; i < 20; i++) {
                j.psetex("gone" + i, 250, "v");
            }
            j.set("stays", "v");
            s.engine().replica(true);
            Thread.sleep(600);
            assertEquals(21, j.dbSize(), "after the active expiry");
            assertNull(j.get("gone0"));
            assertEquals(21, j.dbSize(), "after GET");
            assertFalse(j.exists("gone1"));
            assertEquals(21, j.dbSize(), "after EXISTS");
            List<String> values = j.mget("gone2", "gone3", "stays", "gone4");
            assertEquals(java.util.Arrays.asList(null, null, "v", null), values);
            assertEquals(21, j.dbSize(), "after MGET");
            assertEquals(java.util.Set.of("stays"), j.keys("*"));
            assertEquals(21, j.dbSize(), "after KEYS");
            assertEquals(List.of("stays"), j.scan("0", new ScanParams().count(1000)).getResult());
            assertEquals(21, j.dbSize(), "hidden, not deleted, by reads, scans and the active expiry");
            s.engine().replica(false);
            assertNull(j.get("gone0"));
            Thread.sleep(300);
            assertEquals(1, j.dbSize(), "a master expires them");
        }
    }

    @ParameterizedTest(name = "shards={0}")
    @MethodSource("io.ferrite.testing.TestServers#shardCounts")
    void aReplicaLeavesMaxMemoryToItsMaster(int shards) {
        try (Server s = TestServers.start(shards, Map.of()); Jedis j = new Jedis("127.0.0.1", s.respPort())) {
            for (int i = 0; i < 100; i++) {
                j.set("k" + i, "v".repeat(100));
            }
            s.engine().replica(true);
            j.configSet("maxmemory-policy", "allkeys-random");
            j.configSet("maxmemory", "1");
            j.set("more", "v");
            assertEquals(101, j.dbSize(), "nothing evicted on a replica");
            j.configSet("replica-ignore-maxmemory", "no");
            try {
                j.set("evicting", "v");
            } catch (redis.clients.jedis.exceptions.JedisDataException e) {
                // every key evicted and still over a maxmemory of 1 byte: refused, as a master would
                assertTrue(e.getMessage().startsWith("OOM"), e.getMessage());
            }
            assertTrue(j.dbSize() < 101, "evicted once the replica follows maxmemory");
        }
    }
}
