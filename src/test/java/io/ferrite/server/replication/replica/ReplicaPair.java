package io.ferrite.server.replication.replica;

import io.ferrite.server.Server;
import io.ferrite.testing.Await;
import io.ferrite.testing.TestServers;
import org.junit.jupiter.api.AfterEach;
import redis.clients.jedis.Jedis;

import java.util.Map;

/** A Ferrite master and a Ferrite replica of it, linked, with a client on each; closed after each test. */
abstract class ReplicaPair {
    protected Server master;
    protected Server replica;
    protected Jedis m;
    protected Jedis r;

    /** Starts both (the master syncing without delay) and waits for the link. */
    protected void link() throws Exception {
        master = TestServers.start(1, Map.of("repl-diskless-sync-delay", "0"));
        replica = TestServers.start(2, Map.of());
        m = new Jedis("127.0.0.1", master.respPort());
        r = new Jedis("127.0.0.1", replica.respPort());
        r.replicaof("127.0.0.1", master.respPort());
        Await.until(() -> r.info("replication").contains("master_link_status:up"), "the link");
    }

    @AfterEach
    void stop() {
        for (AutoCloseable c : new AutoCloseable[] {r, m, replica, master}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // closing anyway
            }
        }
    }
}
