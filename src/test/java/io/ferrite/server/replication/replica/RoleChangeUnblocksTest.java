package io.ferrite.server.replication.replica;

import io.ferrite.server.Server;
import io.ferrite.testing.Await;
import io.ferrite.testing.Digests;
import io.ferrite.testing.RawClient;
import io.ferrite.testing.TestServers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A master turning replica (REPLICAOF, or the last step of FAILOVER) unblocks its blocked clients
 * with Redis's error and closes them (disconnectAllBlockedClients, Redis issue #2473), so none of
 * them pops what the new master sends.
 */
class RoleChangeUnblocksTest {
    private Server a;
    private Server b;

    @AfterEach
    void stop() {
        if (b != null) {
            b.close();
        }
        if (a != null) {
            a.close();
        }
    }

    @Test
    void aBlockedPopEndsWithRedisErrorWhenTheMasterTurnsReplica() throws Exception {
        a = TestServers.start(2, Map.of("repl-diskless-sync-delay", "0"));
        b = TestServers.start(2, Map.of());
        try (RawClient blocked = new RawClient("127.0.0.1", b.respPort());
             Jedis ja = new Jedis("127.0.0.1", a.respPort()); Jedis jb = new Jedis("127.0.0.1", b.respPort())) {
            blocked.send(RawClient.encode("BLPOP", "foo", "0"));
            Await.until(() -> jb.info("clients").contains("blocked_clients:1"), "the client blocked");
            jb.replicaof("127.0.0.1", a.respPort());
            assertThat(blocked.readReply()).isEqualTo(
                "-UNBLOCKED force unblock from blocking operation, instance state changed (master -> replica?)\r\n");
            assertThat(blocked.closedByServer()).isTrue();
            Await.until(() -> jb.info("replication").contains("master_link_status:up"), "the link");
            ja.rpush("foo", "a", "b", "c");
            Await.until(() -> Digests.of(ja).equals(Digests.of(jb)), "equal digests");
            assertThat(jb.lrange("foo", 0, -1)).isEqualTo(List.of("a", "b", "c"));
        }
    }
}
