package io.ferrite.server.replication;

import io.ferrite.server.Server;
import io.ferrite.testing.Await;
import io.ferrite.testing.TestServers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.Jedis;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * rdb-del-sync-files: with no persistence of their own, a primary and its replica do not keep the
 * RDB file a disk-based full sync wrote and read; without the directive (Redis's default) both keep it.
 */
class SyncFilesTest {
    private Server primary;
    private Server replica;

    @AfterEach
    void stop() {
        if (replica != null) {
            replica.close();
        }
        if (primary != null) {
            primary.close();
        }
    }

    private static Path dump(Server s) {
        return Path.of(s.config().get("dir"), s.config().get("dbfilename"));
    }

    @ParameterizedTest(name = "rdb-del-sync-files {0}")
    @ValueSource(strings = {"yes", "no"})
    void filesOfADiskSyncStayOnlyWhenAskedTo(String delete) throws Exception {
        Map<String, String> d = Map.of("rdb-del-sync-files", delete, "repl-diskless-sync", "no", "repl-diskless-load", "disabled");
        primary = TestServers.start(2, d);
        try (Jedis p = new Jedis("127.0.0.1", primary.respPort())) {
            for (int i = 0; i < 100; i++) {
                p.set("k" + i, "v" + i);
            }
        }
        Map<String, String> r = new java.util.HashMap<>(d);
        r.put("replicaof", "127.0.0.1 " + primary.respPort());
        replica = TestServers.start(1, r);
        try (Jedis j = new Jedis("127.0.0.1", replica.respPort())) {
            Await.until(() -> j.info("replication").contains("master_link_status:up"), "the replica's link");
            assertThat(j.dbSize()).isEqualTo(100);
        }
        if (delete.equals("yes")) {
            Await.until(() -> !Files.exists(dump(primary)), "the primary removing the file it wrote for the replica");
            assertThat(dump(replica)).doesNotExist();
        } else {
            // the primary's cron, which would remove it, runs every second
            Thread.sleep(2_500);
            assertThat(dump(primary)).exists();
            assertThat(dump(replica)).exists();
        }
    }
}
