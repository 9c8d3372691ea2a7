package io.ferrite.server.replication.replica;

import io.ferrite.testing.Await;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.SetParams;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A writable replica (replica-read-only no) expires the keys its own clients gave a TTL, as
 * Redis's slaveKeysWithExpire: the master never hears of them, so no DEL would come. The master's
 * keys stay until the master's DEL, even when their time has passed.
 */
class WritableReplicaExpiryTest extends ReplicaPair {

    private long stat(Jedis j, String field) {
        for (String line : j.info("stats").split("\r\n")) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.substring(field.length() + 1));
            }
        }
        throw new AssertionError(field + " not in INFO stats");
    }

    @Test
    void aWritableReplicaExpiresItsOwnKeysButNotTheMasters() throws Exception {
        link();

        // the master's key, its time passed while the master's active expiry is off: the replica keeps it
        m.sendCommand(() -> "DEBUG".getBytes(), "SET-ACTIVE-EXPIRE".getBytes(), "0".getBytes());
        m.select(5);
        m.set("from-master", "v", SetParams.setParams().px(100));
        r.select(5);
        Await.until(() -> r.dbSize() == 1, "the master's key replicated");

        r.configSet("replica-read-only", "no");
        long expiredBefore = stat(r, "expired_keys");
        r.set("own1", "1", SetParams.setParams().px(1000));
        r.set("own2", "2", SetParams.setParams().px(1000));
        r.set("no-ttl", "3");
        r.select(7);
        r.set("own3", "3", SetParams.setParams().px(1000));
        assertThat(stat(r, "slave_expires_tracked_keys")).isEqualTo(3);

        r.select(5);
        // DBSIZE expires nothing itself: the keys must go by the replica's own cycle
        Await.until(() -> r.dbSize() == 2, "the replica's own keys expired in db 5");
        r.select(7);
        Await.until(() -> r.dbSize() == 0, "the replica's own key expired in db 7");
        assertThat(stat(r, "expired_keys") - expiredBefore).isEqualTo(3);
        assertThat(stat(r, "slave_expires_tracked_keys")).isZero();
        r.select(5);
        assertThat(r.exists("from-master")).isFalse();
        assertThat(r.get("no-ttl")).isEqualTo("3");
        Thread.sleep(300);
        assertThat(r.dbSize()).as("the master's expired key waits for the master's DEL").isEqualTo(2);
    }
}
