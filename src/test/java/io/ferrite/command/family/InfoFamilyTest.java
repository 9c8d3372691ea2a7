package io.ferrite.command.family;

import io.ferrite.testing.FerriteTest;
import io.ferrite.testing.RawClient;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.ferrite.testing.Replies.bulk;
import static org.assertj.core.api.Assertions.assertThat;

class InfoFamilyTest extends FerriteTest {
    private static List<String> headers(String info) {
        List<String> h = new ArrayList<>();
        for (String l : info.split("\r\n")) {
            if (l.startsWith("# ")) {
                h.add(l.substring(2));
            }
        }
        return h;
    }

    private static long field(String info, String name) {
        for (String l : info.split("\r\n")) {
            if (l.startsWith(name + ":")) {
                return Long.parseLong(l.substring(name.length() + 1));
            }
        }
        throw new AssertionError("no " + name + " in " + info);
    }

    @Test
    void defaultSections() {
        String info = redis.info();
        assertThat(headers(info)).containsExactly("Server", "Clients", "Memory", "Persistence", "Stats", "Replication",
            "CPU", "Modules", "Errorstats", "Cluster", "Keyspace");
        assertThat(info).contains("redis_version:7.0.15\r\n").contains("ferrite_version:")
            .contains("redis_mode:standalone\r\n").contains("tcp_port:" + port() + "\r\n")
            .contains("role:master\r\n").contains("connected_slaves:0\r\n").contains("cluster_enabled:0\r\n");
        assertThat(headers(redis.info("everything"))).containsExactly("Server", "Clients", "Memory", "Persistence",
            "Stats", "Replication", "CPU", "Modules", "Commandstats", "Errorstats", "Latencystats", "Cluster", "Keyspace");
        assertThat(headers(redis.info("all"))).contains("Commandstats");
        assertThat(headers(redis.info("default"))).doesNotContain("Commandstats");
    }

    @Test
    void chosenSectionsInRedisOrder() {
        RawClient r = raw();
        String both = r.call("INFO", "keyspace", "SERVER");
        assertThat(headers(both)).containsExactly("Server", "Keyspace");
        assertThat(both).contains("\r\n\r\n# Keyspace\r\n");
        assertThat(r.call("INFO", "foo")).isEqualTo(bulk(""));
        assertThat(r.call("INFO", "cluster")).isEqualTo("$30\r\n# Cluster\r\ncluster_enabled:0\r\n\r\n");
        r.call("HELLO", "3");
        assertThat(r.call("INFO", "cluster")).isEqualTo("=34\r\ntxt:# Cluster\r\ncluster_enabled:0\r\n\r\n");
    }

    @Test
    void keyspaceCountsKeysAndExpires() {
        RawClient r = raw();
        assertThat(r.call("INFO", "keyspace")).isEqualTo("$12\r\n# Keyspace\r\n\r\n");
        for (int i = 0; i < 20; i++) {
            redis.set("k" + i, "v");
        }
        redis.expire("k1", 100);
        redis.expire("k2", 100);
        redis.select(3);
        redis.set("other", "v");
        String ks = r.call("INFO", "keyspace");
        // avg_ttl is 0 until the expire cycle has sampled the two TTLs, which may already have happened
        assertThat(ks).containsPattern("# Keyspace\r\ndb0:keys=20,expires=2,avg_ttl=(0|9\\d{4}|100000)\r\n"
            + "db3:keys=1,expires=0,avg_ttl=0\r\n");
        redis.flushall();
    }

    @Test
    void clientsAndMemory() {
        RawClient a = raw();
        RawClient b = raw();
        b.call("PING");
        String clients = a.call("INFO", "clients");
        assertThat(field(clients, "connected_clients")).isGreaterThanOrEqualTo(3);
        assertThat(field(clients, "maxclients")).isEqualTo(10000);
        long before = field(a.call("INFO", "memory"), "used_memory");
        for (int i = 0; i < 200; i++) {
            redis.set("mem" + i, "x".repeat(1000));
        }
        String mem = a.call("INFO", "memory");
        assertThat(field(mem, "used_memory")).isGreaterThan(before + 150_000);
        assertThat(field(mem, "used_memory_dataset")).isGreaterThan(150_000);
        assertThat(mem).contains("used_memory_human:");
    }

    @Test
    void statsCountCommandsConnectionsHitsAndErrors() throws Exception {
        RawClient r = raw();
        String s0 = r.call("INFO", "stats");
        redis.set("a", "1");
        redis.get("a");
        redis.get("missing");
        r.call("NOSUCHCOMMAND");
        raw().call("PING");
        Thread.sleep(50);
        String s1 = r.call("INFO", "stats");
        assertThat(field(s1, "total_commands_processed")).isGreaterThanOrEqualTo(field(s0, "total_commands_processed") + 3);
        assertThat(field(s1, "keyspace_hits")).isGreaterThanOrEqualTo(field(s0, "keyspace_hits") + 1);
        assertThat(field(s1, "keyspace_misses")).isGreaterThanOrEqualTo(field(s0, "keyspace_misses") + 1);
        assertThat(field(s1, "total_error_replies")).isGreaterThan(field(s0, "total_error_replies"));
        assertThat(field(s1, "total_connections_received")).isGreaterThan(field(s0, "total_connections_received"));
        assertThat(field(s1, "total_net_input_bytes")).isGreaterThan(field(s0, "total_net_input_bytes"));
        assertThat(field(s1, "total_net_output_bytes")).isGreaterThan(field(s0, "total_net_output_bytes"));
    }

    @Test
    void commandstatsAndErrorstats() throws Exception {
        // a private server: the shared one may still be finishing other tests' pipelined commands
        try (io.ferrite.server.Server s = io.ferrite.testing.TestServers.start(shards, java.util.Map.of());
             RawClient r = new RawClient("127.0.0.1", s.respPort())) {
            commandstatsAndErrorstats(r);
        }
    }

    private static void commandstatsAndErrorstats(RawClient r) throws Exception {
        r.call("SET", "k", "v");
        r.call("CONFIG", "RESETSTAT");
        Thread.sleep(50);
        r.call("ECHO", "a");
        r.call("ECHO", "b");
        r.call("SELECT", "99");
        r.call("HELLO", "9");
        r.call("GET");
        String cs = r.call("INFO", "commandstats");
        assertThat(cs).containsPattern("cmdstat_echo:calls=2,usec=\\d+,usec_per_call=\\d+\\.\\d\\d,rejected_calls=0,failed_calls=0\r\n");
        assertThat(cs).containsPattern("cmdstat_select:calls=1,usec=\\d+,usec_per_call=\\d+\\.\\d\\d,rejected_calls=0,failed_calls=1\r\n");
        assertThat(cs).containsPattern("cmdstat_get:calls=0,usec=0,usec_per_call=0\\.00,rejected_calls=1,failed_calls=0\r\n");
        // SET ran (perhaps on another shard) before the reset: its count is gone
        assertThat(cs).doesNotContain("cmdstat_set:");
        assertThat(cs).contains("cmdstat_config|resetstat:calls=1,");
        String es = r.call("INFO", "errorstats");
        assertThat(es).contains("# Errorstats\r\nerrorstat_ERR:count=2\r\nerrorstat_NOPROTO:count=1\r\n");
    }

    private long changes() {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("rdb_changes_since_last_save:(\\d+)")
            .matcher(raw().call("INFO", "persistence"));
        assertThat(m.find()).isTrue();
        return Long.parseLong(m.group(1));
    }

    /** Writes count as Redis's dirty counter counts them, on one shard or several; reads and no-ops do not. */
    @Test
    void changesSinceLastSaveCountWrites() {
        RawClient r = raw();
        long d0 = changes();
        r.call("SET", "a", "1");
        r.call("GET", "a");
        r.call("DEL", "nokey");
        assertThat(changes()).isEqualTo(d0 + 1);
        r.call("MSET", "k1", "v", "k2", "v", "k3", "v", "k4", "v");
        assertThat(changes()).isEqualTo(d0 + 5);
        r.call("DEL", "k1", "k2", "k3", "k4");
        r.call("EXPIRE", "a", "100");
        assertThat(changes()).isEqualTo(d0 + 10);
    }

    @Test
    void persistenceHasRedisFieldsInRedisOrder() {
        String p = raw().call("INFO", "persistence");
        // no fork, so no copy-on-write: those figures are 0; a save's progress counts keys
        assertThat(p).containsPattern("# Persistence\r\nloading:0\r\nasync_loading:0\r\ncurrent_cow_peak:0\r\n"
            + "current_cow_size:0\r\ncurrent_cow_size_age:0\r\ncurrent_fork_perc:0.00\r\n"
            + "current_save_keys_processed:0\r\ncurrent_save_keys_total:0\r\n"
            + "rdb_changes_since_last_save:\\d+\r\nrdb_bgsave_in_progress:0\r\n"
            + "rdb_last_save_time:\\d+\r\nrdb_last_bgsave_status:ok\r\nrdb_last_bgsave_time_sec:-1\r\n"
            + "rdb_current_bgsave_time_sec:-1\r\nrdb_saves:\\d+\r\nrdb_last_cow_size:0\r\n"
            + "rdb_last_load_keys_expired:\\d+\r\nrdb_last_load_keys_loaded:\\d+\r\naof_enabled:0\r\n");
    }

    @Test
    void severalSectionsAndAliases() {
        RawClient r = raw();
        r.call("SET", "a", "1");
        String s = r.call("INFO", "latencystats", "replication", "commandstats", "default");
        assertThat(headers(s)).containsExactly("Server", "Clients", "Memory", "Persistence", "Stats", "Replication",
            "CPU", "Modules", "Commandstats", "Errorstats", "Latencystats", "Cluster", "Keyspace");
        assertThat(s).contains("latency_percentiles_usec_set:p50=").contains("master_failover_state:no-failover\r\n");
    }

    @Test
    void statsRatesAndMemoryPeak() {
        RawClient r = raw();
        String info = r.call("INFO", "stats", "memory", "clients");
        assertThat(info).containsPattern("instantaneous_ops_per_sec:\\d+\r\n")
            .containsPattern("instantaneous_input_kbps:\\d+\\.\\d{2}\r\n")
            .containsPattern("instantaneous_output_kbps:\\d+\\.\\d{2}\r\n")
            .containsPattern("mem_fragmentation_ratio:\\d+\\.\\d{2}\r\n")
            .containsPattern("used_memory_peak_perc:\\d+\\.\\d{2}%\r\n")
            .contains("blocked_clients:0\r\n");
        assertThat(field(info, "used_memory_peak")).isGreaterThanOrEqualTo(field(info, "used_memory"));
    }

    @Test
    void avgTtlIsSampledByTheExpireCycle() throws InterruptedException {
        RawClient r = raw();
        for (int i = 0; i < 50; i++) {
            r.call("SET", "ttl" + i, "v", "EX", "1000");
        }
        String ks = "";
        for (int tries = 0; tries < 50 && !ks.matches("(?s).*avg_ttl=[1-9].*"); tries++) {
            Thread.sleep(100);
            ks = r.call("INFO", "keyspace");
        }
        assertThat(ks).contains("db0:keys=50,expires=50,avg_ttl=");
        long avg = Long.parseLong(ks.substring(ks.indexOf("avg_ttl=") + 8, ks.indexOf("\r\n", ks.indexOf("avg_ttl="))));
        assertThat(avg).isBetween(900_000L, 1_000_000L);
    }
}
