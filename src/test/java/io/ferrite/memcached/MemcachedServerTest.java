package io.ferrite.memcached;

import io.ferrite.server.Server;
import io.ferrite.testing.TestServers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/** Base of the memcached tests that need a server of their own per test, run once per shard count. */
@ParameterizedClass(name = "shards={0}")
@MethodSource("io.ferrite.testing.TestServers#shardCounts")
abstract class MemcachedServerTest {
    @Parameter
    int shards;
    Server server;

    @BeforeEach
    void start() {
        server = TestServers.startWithMemcached(shards);
    }

    @AfterEach
    void stop() {
        server.close();
    }
}
