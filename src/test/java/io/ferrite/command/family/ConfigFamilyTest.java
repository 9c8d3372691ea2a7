package io.ferrite.command.family;

import io.ferrite.server.Directive;
import io.ferrite.server.Server;
import io.ferrite.server.ServerConfig;
import io.ferrite.testing.FerriteTest;
import io.ferrite.testing.RawClient;
import io.ferrite.testing.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.ferrite.testing.Replies.EMPTY_ARRAY;
import static io.ferrite.testing.Replies.OK;
import static io.ferrite.testing.Replies.arity;
import static io.ferrite.testing.Replies.bulks;
import static org.assertj.core.api.Assertions.assertThat;

class ConfigFamilyTest extends FerriteTest {
    private static String failed(String arg, String why) {
        return "-ERR CONFIG SET failed (possibly related to argument '" + arg + "') - " + why + "\r\n";
    }

    @Test
    void getExactAndGlob() {
        RawClient r = raw();
        assertThat(r.call("CONFIG", "GET", "timeout")).isEqualTo(bulks("timeout", "0"));
        // an exact name is echoed as the client spelled it, once
        assertThat(r.call("CONFIG", "GET", "TIMEOUT", "timeout")).isEqualTo(bulks("TIMEOUT", "0"));
        assertThat(r.call("CONFIG", "GET", "nosuch")).isEqualTo(EMPTY_ARRAY);
        Map<String, String> m = redis.configGet("*max*");
        assertThat(m).containsEntry("maxclients", "10000").doesNotContainKey("timeout");
        Map<String, String> two = redis.configGet("time*", "LOGLEV?L");
        assertThat(two).containsOnlyKeys("timeout", "loglevel");
        // every name and every alias, the hidden ones (rdb-key-save-delay, ...) only by exact name
        long hidden = ServerConfig.directives().values().stream().filter(d -> d.has(Directive.Flag.HIDDEN)).count();
        assertThat(redis.configGet("*")).hasSize(ServerConfig.directives().size() + ServerConfig.aliases().size() - (int) hidden)
            .doesNotContainKey("rdb-key-save-delay");
        r.call("HELLO", "3");
        assertThat(r.call("CONFIG", "GET", "timeout")).isEqualTo("%1\r\n$7\r\ntimeout\r\n$1\r\n0\r\n");
        assertThat(r.call("CONFIG", "GET")).isEqualTo(arity("config|get"));
    }

    @Test
    void setSeveralAtOnce() {
        RawClient r = raw();
        try {
            assertThat(r.call("CONFIG", "SET", "timeout", "100", "maxclients", "500")).isEqualTo(OK);
            assertThat(redis.configGet("timeout")).containsEntry("timeout", "100");
            assertThat(redis.configGet("maxclients")).containsEntry("maxclients", "500");
            // all or nothing: timeout stays 100 when hz fails
            assertThat(r.call("CONFIG", "SET", "timeout", "5", "hz", "abc"))
                .isEqualTo(failed("hz", "argument couldn't be parsed into an integer"));
            assertThat(redis.configGet("timeout")).containsEntry("timeout", "100");
        } finally {
            r.call("CONFIG", "SET", "timeout", "0", "maxclients", "10000");
        }
        assertThat(redis.configGet("timeout")).containsEntry("timeout", "0");
    }

    @Test
    void setErrors() {
        RawClient r = raw();
        assertThat(r.call("CONFIG", "SET", "foo", "bar"))
            .isEqualTo("-ERR Unknown option or number of arguments for CONFIG SET - 'foo'\r\n");
        assertThat(r.call("CONFIG", "SET", "hz", "5", "HZ", "6")).isEqualTo(failed("HZ", "duplicate parameter"));
        assertThat(r.call("CONFIG", "SET", "hz", "5", "foo", "6"))
            .isEqualTo("-ERR Unknown option or number of arguments for CONFIG SET - 'foo'\r\n");
        assertThat(r.call("CONFIG", "SET", "hz", "5", "hz", "6", "foo", "bar")).isEqualTo(failed("hz", "duplicate parameter"));
        assertThat(r.call("CONFIG", "SET", "appendfilename", "x")).isEqualTo(failed("appendfilename", "can't set immutable config"));
        // fixed at start-up in Ferrite: writing back the current value is a no-op, as in Redis
        assertThat(r.call("CONFIG", "SET", "shards", Integer.toString(shards)))
            .isEqualTo(OK);
        assertThat(r.call("CONFIG", "SET", "memcached-port", "1")).isEqualTo(failed("memcached-port", "can't set immutable config"));
        assertThat(r.call("CONFIG", "SET", "dir", "/tmp")).isEqualTo(failed("dir", "can't set protected config"));
        assertThat(r.call("CONFIG", "SET", "loglevel", "bad"))
            .isEqualTo(failed("loglevel", "argument(s) must be one of the following: debug, verbose, notice, warning"));
        assertThat(r.call("CONFIG", "SET", "maxclients", "0"))
            .isEqualTo(failed("maxclients", "argument must be between 1 and 4294967295 inclusive"));
        assertThat(r.call("CONFIG", "SET", "timeout", "-1"))
            .isEqualTo(failed("timeout", "argument must be between 0 and 2147483647 inclusive"));
        assertThat(r.call("CONFIG", "SET", "proto-max-bulk-len", "abc"))
            .isEqualTo(failed("proto-max-bulk-len", "argument must be a memory value"));
        assertThat(r.call("CONFIG", "SET", "save", "a")).isEqualTo(failed("save", "Invalid save parameters"));
        assertThat(r.call("CONFIG", "SET", "timeout")).isEqualTo(arity("config|set"));
        assertThat(r.call("CONFIG", "SET", "timeout", "1", "hz"))
            .isEqualTo(arity("config|set"));
        assertThat(redis.configGet("hz")).containsEntry("hz", "10");
    }

    @Test
    void setAppliesValues() {
        RawClient r = raw();
        try {
            assertThat(r.call("CONFIG", "SET", "loglevel", "WARNING")).isEqualTo(OK);
            assertThat(redis.configGet("loglevel")).containsEntry("loglevel", "warning");
            assertThat(r.call("CONFIG", "SET", "proto-max-bulk-len", "2mb")).isEqualTo(OK);
            assertThat(redis.configGet("proto-max-bulk-len")).containsEntry("proto-max-bulk-len", "2097152");
            assertThat(r.call("CONFIG", "SET", "hz", "1000")).isEqualTo(OK);
            assertThat(redis.configGet("hz")).containsEntry("hz", "500");
        } finally {
            r.call("CONFIG", "SET", "loglevel", "notice", "proto-max-bulk-len", "512mb", "hz", "10");
        }
    }

    @Test
    void resetstatClearsInfoCounters() throws Exception {
        // a private server: the shared one may still be finishing other tests' pipelined commands
        try (Server s = TestServers.start(shards, Map.of()); RawClient r = new RawClient("127.0.0.1", s.respPort())) {
            resetstat(r);
        }
    }

    private static void resetstat(RawClient r) throws Exception {
        for (int i = 0; i < 20; i++) {
            r.call("SET", "key" + i, "v");
        }
        r.call("GET", "nokey");
        r.call("FOO");
        assertThat(r.call("INFO", "errorstats")).contains("errorstat_ERR:count=");
        assertThat(r.call("CONFIG", "RESETSTAT")).isEqualTo(OK);
        assertThat(r.call("INFO", "errorstats")).isEqualTo("$14\r\n# Errorstats\r\n\r\n");
        assertThat(r.call("INFO", "stats")).contains("total_error_replies:0\r\n");
        Thread.sleep(100);
        String cmds = r.call("INFO", "commandstats");
        assertThat(cmds).doesNotContain("cmdstat_get:").doesNotContain("cmdstat_set:")
            .contains("cmdstat_config|resetstat:calls=1,");
    }

    @Test
    void rewriteWithoutFile() {
        assertThat(raw().call("CONFIG", "REWRITE")).isEqualTo("-ERR The server is running without a config file\r\n");
    }

    @Test
    void rewriteKeepsCommentsAndUpdates(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("ferrite.conf");
        Files.writeString(file, String.join("\n",
            "# my config",
            "bind 127.0.0.1",
            "port " + TestServers.freePort(),
            "",
            "",
            "timeout 10",
            "timeout 20",
            "# keep me",
            "memcached-port 0",
            "metrics-port 0",
            "shards " + shards,
            "") + "\n");
        ServerConfig cfg = ServerConfig.defaults();
        cfg.load(file);
        try (Server s = Server.start(cfg); RawClient r = new RawClient("127.0.0.1", s.respPort())) {
            assertThat(r.call("CONFIG", "GET", "timeout")).isEqualTo(bulks("timeout", "20"));
            assertThat(r.call("CONFIG", "SET", "timeout", "30", "maxclients", "77", "loglevel", "warning"))
                .isEqualTo(OK);
            assertThat(r.call("CONFIG", "REWRITE")).isEqualTo(OK);
            List<String> lines = Files.readAllLines(file);
            assertThat(lines.get(0)).isEqualTo("# my config");
            assertThat(lines.get(1)).isEqualTo("bind 127.0.0.1");
            assertThat(lines.get(3)).isEmpty();
            assertThat(lines.get(4)).isEqualTo("timeout 30");
            assertThat(lines).contains("# keep me", "# Generated by CONFIG REWRITE", "maxclients 77",
                "loglevel warning", "save 3600 1", "save 300 100", "save 60 10000");
            assertThat(lines.stream().filter(l -> l.startsWith("timeout")).count()).isEqualTo(1);
            assertThat(lines.indexOf("# Generated by CONFIG REWRITE")).isLessThan(lines.indexOf("maxclients 77"));
            assertThat(lines).anyMatch(l -> l.startsWith("dir \"/"));
            // the rewritten file loads back to the same values
            ServerConfig again = ServerConfig.defaults();
            again.load(file);
            assertThat(again.get("timeout")).isEqualTo("30");
            assertThat(again.get("maxclients")).isEqualTo("77");
            assertThat(again.get("loglevel")).isEqualTo("warning");
            r.call("CONFIG", "SET", "loglevel", "notice");
        }
    }

    @Test
    void help() {
        assertThat(raw().call("CONFIG", "HELP")).isEqualTo("*11\r\n"
            + "+CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n"
            + "+GET <pattern>\r\n"
            + "+    Return parameters matching the glob-like <pattern> and their values.\r\n"
            + "+SET <directive> <value>\r\n"
            + "+    Set the configuration <directive> to <value>.\r\n"
            + "+RESETSTAT\r\n"
            + "+    Reset statistics reported by the INFO command.\r\n"
            + "+REWRITE\r\n"
            + "+    Rewrite the configuration file.\r\n"
            + "+HELP\r\n"
            + "+    Prints this help.\r\n");
    }

    /** Redis 7.0 registers each alias as a config of its own: both come back when both match. */
    @Test
    void aliasesInGetAndSet() {
        RawClient r = raw();
        assertThat(r.call("CONFIG", "GET", "hash-max-ziplist-entries"))
            .isEqualTo(bulks("hash-max-ziplist-entries", "512"));
        assertThat(redis.configGet("*ziplist*")).containsOnlyKeys("list-max-ziplist-size", "hash-max-ziplist-entries",
            "hash-max-ziplist-value", "zset-max-ziplist-entries", "zset-max-ziplist-value");
        assertThat(redis.configGet("*max-*-entries")).containsOnlyKeys("hash-max-listpack-entries", "hash-max-ziplist-entries",
            "zset-max-listpack-entries", "zset-max-ziplist-entries", "set-max-intset-entries");
        assertThat(redis.configGet("slave*")).containsKeys("slaveof", "slave-read-only", "slave-priority");
        // one spelling once, whatever its case
        assertThat(r.call("CONFIG", "GET", "HASH-MAX-ZIPLIST-ENTRIES", "hash-max-ziplist-entries"))
            .isEqualTo(bulks("HASH-MAX-ZIPLIST-ENTRIES", "512"));
        try {
            assertThat(r.call("CONFIG", "SET", "hash-max-ziplist-entries", "5", "hash-max-listpack-entries", "7"))
                .isEqualTo(OK);
            assertThat(redis.configGet("hash-max-ziplist-entries")).containsEntry("hash-max-ziplist-entries", "7");
            assertThat(r.call("CONFIG", "SET", "hash-max-ziplist-entries", "1", "HASH-max-ziplist-entries", "3"))
                .isEqualTo(failed("HASH-max-ziplist-entries", "duplicate parameter"));
            assertThat(r.call("CONFIG", "SET", "hash-max-ziplist-entries", "abc"))
                .isEqualTo(failed("hash-max-ziplist-entries", "argument couldn't be parsed into an integer"));
            assertThat(r.call("CONFIG", "SET", "list-max-ziplist-size", "-3")).isEqualTo(OK);
            assertThat(redis.configGet("list-max-listpack-size")).containsEntry("list-max-listpack-size", "-3");
            assertThat(r.call("CONFIG", "SET", "slaveof", "a 1")).isEqualTo(failed("slaveof", "can't set immutable config"));
        } finally {
            r.call("CONFIG", "SET", "hash-max-listpack-entries", "512", "list-max-listpack-size", "-2");
        }
    }

    /** The directives Ferrite does not act on yet still answer and validate as Redis's do. */
    @Test
    void inertDirectivesAnswerAndValidate() {
        RawClient r = raw();
        assertThat(redis.configGet("maxmemory-policy")).containsEntry("maxmemory-policy", "noeviction");
        assertThat(redis.configGet("always-show-logo")).containsEntry("always-show-logo", "no");
        assertThat(redis.configGet("oom-score-adj-values")).containsEntry("oom-score-adj-values", "0 200 800");
        assertThat(redis.configGet("client-output-buffer-limit")).containsKey("client-output-buffer-limit");
        // hidden ones answer to their exact name only
        assertThat(r.call("CONFIG", "GET", "rdb-key-save-delay")).isEqualTo(bulks("rdb-key-save-delay", "0"));
        assertThat(r.call("CONFIG", "GET", "rdb-key-save-*")).isEqualTo(EMPTY_ARRAY);
        try {
            assertThat(r.call("CONFIG", "SET", "maxmemory-policy", "bad")).isEqualTo(failed("maxmemory-policy",
                "argument(s) must be one of the following: volatile-lru, volatile-lfu, volatile-random, volatile-ttl,"
                    + " allkeys-lru, allkeys-lfu, allkeys-random, noeviction"));
            assertThat(r.call("CONFIG", "SET", "activerehashing", "maybe")).isEqualTo(failed("activerehashing", "argument must be 'yes' or 'no'"));
            assertThat(r.call("CONFIG", "SET", "maxmemory", "-1")).isEqualTo(failed("maxmemory", "argument must be a memory value"));
            assertThat(r.call("CONFIG", "SET", "tracking-table-max-keys", "-1"))
                .isEqualTo(failed("tracking-table-max-keys", "argument must be between 0 and 9223372036854775807 inclusive"));
            assertThat(r.call("CONFIG", "SET", "maxmemory-clients", "-5"))
                .isEqualTo(failed("maxmemory-clients", "argument must be a memory or percent value"));
            assertThat(r.call("CONFIG", "SET", "shutdown-on-sigint", "save nosave"))
                .isEqualTo(failed("shutdown-on-sigint", "shutdown options SAVE and NOSAVE can't be used simultaneously"));
            assertThat(r.call("CONFIG", "SET", "daemonize", "yes")).isEqualTo(failed("daemonize", "can't set immutable config"));
            assertThat(r.call("CONFIG", "SET", "enable-debug-command", "yes"))
                .isEqualTo(failed("enable-debug-command", "can't set immutable config"));
            assertThat(r.call("CONFIG", "SET", "dbfilename", "x.rdb")).isEqualTo(failed("dbfilename", "can't set protected config"));
            assertThat(r.call("CONFIG", "SET", "maxmemory", "1gb", "shutdown-on-sigint", "now save", "oom-score-adj", "relative"))
                .isEqualTo(OK);
            assertThat(redis.configGet("maxmemory")).containsEntry("maxmemory", "1073741824");
            assertThat(redis.configGet("shutdown-on-sigint")).containsEntry("shutdown-on-sigint", "save now");
            assertThat(redis.configGet("oom-score-adj")).containsEntry("oom-score-adj", "yes");
        } finally {
            r.call("CONFIG", "SET", "maxmemory", "0", "shutdown-on-sigint", "default", "oom-score-adj", "no");
        }
    }

    /** enable-protected-configs local: dir and dbfilename may change from a loopback client. */
    @Test
    void protectedConfigsWhenEnabled(@TempDir Path dir) throws Exception {
        try (Server s = TestServers.start(shards, Map.of("enable-protected-configs", "local"));
             RawClient r = new RawClient("127.0.0.1", s.respPort())) {
            assertThat(r.call("CONFIG", "SET", "dir", dir.resolve("nosuch").toString()))
                .isEqualTo(failed("dir", "No such file or directory"));
            assertThat(r.call("CONFIG", "SET", "dbfilename", "a/b")).isEqualTo(failed("dbfilename", "dbfilename can't be a path, just a filename"));
            Files.createDirectory(dir.resolve("sub"));
            assertThat(r.call("CONFIG", "SET", "dir", dir.toString())).isEqualTo(OK);
            assertThat(r.call("CONFIG", "SET", "dir", "sub")).isEqualTo(OK);
            String sub = dir.resolve("sub").toString();
            assertThat(r.call("CONFIG", "GET", "dir")).isEqualTo("*2\r\n$3\r\ndir\r\n$" + sub.length() + "\r\n" + sub + "\r\n");
        }
    }
}
