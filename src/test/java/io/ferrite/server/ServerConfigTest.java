package io.ferrite.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Config file and command line are read as redis-server reads them; bad input stops start-up naming the directive. */
class ServerConfigTest {
    @TempDir
    Path dir;

    @Test
    void fileThenCommandLineOverrides() throws Exception {
        Path f = dir.resolve("ferrite.conf");
        Files.writeString(f, """
            # a comment
            port 7000
            save "900 1 300 10"
            proto-max-bulk-len 1mb
            appendonly yes
            bind 127.0.0.1 -::1
            """);
        ServerConfig c = ServerConfig.defaults();
        c.load(f);
        c.applyArgs(List.of("--port", "7001", "--save", "", "--shards", "3"));
        assertThat(c.get("port")).isEqualTo("7001");
        assertThat(c.get("save")).isEmpty();
        assertThat(c.get("proto-max-bulk-len")).isEqualTo("1048576");
        assertThat(c.get("appendonly")).isEqualTo("yes");
        assertThat(c.get("bind")).isEqualTo("127.0.0.1 -::1");
        assertThat(c.getInt("shards")).isEqualTo(3);
        assertThat(c.file()).isEqualTo(f.toAbsolutePath());
    }

    @Test
    void unknownDirectiveInFileNamesLineAndDirective() throws Exception {
        Path f = dir.resolve("bad.conf");
        Files.writeString(f, "port 7000\nnosuch-directive 5\n");
        ServerConfig c = ServerConfig.defaults();
        assertThatThrownBy(() -> c.load(f))
            .isInstanceOf(ServerConfig.ConfigError.class)
            .hasMessageContaining("FATAL CONFIG FILE ERROR")
            .hasMessageContaining("at line 2")
            .hasMessageContaining(">>> 'nosuch-directive 5'")
            .hasMessageContaining("Bad directive or wrong number of arguments");
    }

    @Test
    void malformedValuesOnTheCommandLine() {
        ServerConfig c = ServerConfig.defaults();
        assertThatThrownBy(() -> c.applyArgs(List.of("--port", "abc")))
            .hasMessageContaining(">>> 'port \"abc\"'").hasMessageContaining("argument couldn't be parsed into an integer");
        assertThatThrownBy(() -> c.applyArgs(List.of("--maxclients", "0")))
            .hasMessageContaining("'maxclients \"0\"'").hasMessageContaining("between 1 and");
        assertThatThrownBy(() -> c.applyArgs(List.of("--appendonly", "maybe")))
            .hasMessageContaining("argument must be 'yes' or 'no'");
        assertThatThrownBy(() -> c.applyArgs(List.of("--loglevel", "loud")))
            .hasMessageContaining("one of the following: debug, verbose, notice, warning");
        assertThatThrownBy(() -> c.applyArgs(List.of("--save", "1", "2", "3")))
            .hasMessageContaining("Invalid save parameters");
        assertThatThrownBy(() -> c.applyArgs(List.of("--nope", "1")))
            .hasMessageContaining("'nope \"1\"'").hasMessageContaining("Bad directive");
        // as redis-server's main() reads them
        assertThatThrownBy(() -> c.applyArgs(List.of("--port"))).hasMessageContaining("'port'").hasMessageContaining("wrong number of arguments");
        assertThatThrownBy(() -> c.applyArgs(List.of("--port", "6379", "6380")))
            .hasMessageContaining("'port \"6379\" \"6380\"'").hasMessageContaining("wrong number of arguments");
        assertThatThrownBy(() -> c.applyArgs(List.of("--port", "--loglevel", "verbose")))
            .hasMessageContaining("'port \"--loglevel\" \"verbose\"'");
        assertThatThrownBy(() -> c.applyArgs(List.of("--port", "--bla", "--loglevel", "verbose")))
            .hasMessageContaining("'port \"--bla\"'").hasMessageContaining("argument couldn't be parsed into an integer");
    }

    @Test
    void launcherDefaultsGiveWayToFileAndCommandLine() throws Exception {
        Path f = dir.resolve("m.conf");
        Files.writeString(f, "memcached-port 11300\n");
        ServerConfig c = ServerConfig.defaults();
        c.applyDefaults("memcached-port 0\nmetrics-port 0\n");
        c.load(f);
        c.applyArgs(List.of("--port", "7000"));
        assertThat(c.get("memcached-port")).isEqualTo("11300");
        assertThat(c.get("metrics-port")).isEqualTo("0");
    }

    @Test
    void commandLineAsRedisServerReadsIt() {
        ServerConfig c = ServerConfig.defaults();
        c.applyArgs(List.of("--maxmemory 700mb", "--maxmemory-policy volatile-lru"));
        assertThat(c.get("maxmemory")).isEqualTo("734003200");
        assertThat(c.get("maxmemory-policy")).isEqualTo("volatile-lru");
        c.applyArgs(List.of("loglevel", "verbose", "--maxmemory '1mb'"));
        assertThat(c.get("loglevel")).isEqualTo("verbose");
        assertThat(c.get("maxmemory")).isEqualTo("1048576");
        c.applyArgs(List.of("--proc-title-template", "--my--title--template", "--loglevel", "notice"));
        assertThat(c.get("proc-title-template")).isEqualTo("--my--title--template");
        assertThat(c.get("loglevel")).isEqualTo("notice");
        c.applyArgs(List.of("--save", "--loglevel", "verbose"));
        assertThat(c.get("save")).isEmpty();
        c.applyArgs(List.of("--loglevel", "warning", "--save"));
        assertThat(c.get("save")).isEmpty();
        assertThat(c.get("loglevel")).isEqualTo("warning");
        c.applyArgs(List.of("--shutdown-on-sigint", "nosave", "force", "now", "--shutdown-on-sigterm", "nosave force"));
        assertThat(c.get("shutdown-on-sigint")).isEqualTo("nosave now force");
        assertThat(c.get("shutdown-on-sigterm")).isEqualTo("nosave force");
    }

    @Test
    void portZeroDisablesTheRespListener() {
        ServerConfig c = ServerConfig.defaults();
        c.set("port", "0");
        c.set("memcached-port", Integer.toString(io.ferrite.testing.TestServers.freePort()));
        c.set("metrics-port", "0");
        c.set("shards", "1");
        try (Server s = Server.start(c)) {
            assertThat(s.respPort()).isZero();
            assertThat(s.memcachedPort()).isPositive();
        }
        // nothing at all to listen on stops the start, as Redis's "Configured to not listen anywhere"
        c.set("memcached-port", "0");
        assertThatThrownBy(() -> Server.start(c)).hasMessage("Configured to not listen anywhere, exiting.");
    }

    /** Redis's own test suite starts every server from this file (tests/assets/default.conf, as written). */
    @Test
    void loadsTheRedisTestSuitesDefaultConf() throws Exception {
        Path f = dir.resolve("default.conf");
        Files.writeString(f, """
            always-show-logo yes
            notify-keyspace-events KEA
            daemonize no
            pidfile /var/run/redis.pid
            port 6379
            timeout 0
            bind 127.0.0.1
            loglevel verbose
            logfile ''
            databases 16
            latency-monitor-threshold 1
            repl-diskless-sync-delay 0
            save 900 1
            rdbcompression yes
            dbfilename dump.rdb
            dir ./
            slave-serve-stale-data yes
            appendonly no
            appendfsync everysec
            no-appendfsync-on-rewrite no
            activerehashing yes
            enable-protected-configs yes
            enable-debug-command yes
            enable-module-command yes
            propagation-error-behavior panic
            """);
        ServerConfig c = ServerConfig.defaults();
        c.load(f);
        assertThat(c.getBool("always-show-logo")).isTrue();
        assertThat(c.get("enable-debug-command")).isEqualTo("yes");
        assertThat(c.get("replica-serve-stale-data")).isEqualTo("yes");
        assertThat(c.get("propagation-error-behavior")).isEqualTo("panic");
        assertThat(c.get("save")).isEqualTo("900 1");
        assertThat(c.get("logfile")).isEmpty();
        // each directive without effect yet is reported once, under the name the file used
        assertThat(c.inertGiven()).contains("propagation-error-behavior", "enable-module-command")
            .doesNotContain("port", "loglevel", "pidfile", "dir", "enable-debug-command", "always-show-logo",
                "rdbcompression", "dbfilename", "appendfsync", "appendonly", "slave-serve-stale-data",
                "repl-diskless-sync-delay");
    }

    @Test
    void aliasesSetTheDirectiveTheyName() {
        ServerConfig c = ServerConfig.defaults();
        c.applyArgs(List.of("--list-max-ziplist-size", "-3", "--hash-max-ziplist-entries", "64", "--hash-max-ziplist-value", "1kb",
            "--zset-max-ziplist-entries", "32", "--zset-max-ziplist-value", "16", "--slaveof", "10.0.0.1", "6380",
            "--slave-read-only", "no", "--lua-time-limit", "100", "--min-slaves-to-write", "2"));
        assertThat(c.get("list-max-listpack-size")).isEqualTo("-3");
        assertThat(c.get("hash-max-listpack-entries")).isEqualTo("64");
        assertThat(c.get("hash-max-listpack-value")).isEqualTo("1024");
        assertThat(c.get("zset-max-listpack-entries")).isEqualTo("32");
        assertThat(c.get("zset-max-listpack-value")).isEqualTo("16");
        assertThat(c.get("replicaof")).isEqualTo("10.0.0.1 6380");
        assertThat(c.get("replica-read-only")).isEqualTo("no");
        assertThat(c.get("busy-reply-threshold")).isEqualTo("100");
        assertThat(c.get("min-replicas-to-write")).isEqualTo("2");
        assertThat(c.getInt("hash-max-listpack-entries")).isEqualTo(64);
        // a directive that gains an effect keeps its alias: the engine reads the current name
        assertThat(ServerConfig.lookup("list-max-ziplist-size").name()).isEqualTo("list-max-listpack-size");
    }

    @Test
    void inertDirectivesValidateAsRedisDoes() {
        ServerConfig c = ServerConfig.defaults();
        assertThatThrownBy(() -> c.applyArgs(List.of("--rdbcompression", "maybe"))).hasMessageContaining("argument must be 'yes' or 'no'");
        assertThatThrownBy(() -> c.applyArgs(List.of("--io-threads", "129")))
            .hasMessageContaining("argument must be between 0 and 128 inclusive");
        assertThatThrownBy(() -> c.applyArgs(List.of("--maxmemory-policy", "lru")))
            .hasMessageContaining("argument(s) must be one of the following: volatile-lru, volatile-lfu, volatile-random,"
                + " volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction");
        assertThatThrownBy(() -> c.applyArgs(List.of("--maxmemory", "lots"))).hasMessageContaining("argument must be a memory value");
        assertThatThrownBy(() -> c.applyArgs(List.of("--maxmemory-clients", "200%")))
            .hasMessageContaining("percentage argument must be less or equal to 100");
        assertThatThrownBy(() -> c.applyArgs(List.of("--dbfilename", "a/b")))
            .hasMessageContaining("dbfilename can't be a path, just a filename");
        assertThatThrownBy(() -> c.applyArgs(List.of("--shutdown-on-sigterm", "save", "nosave")))
            .hasMessageContaining("shutdown options SAVE and NOSAVE can't be used simultaneously");
        assertThatThrownBy(() -> c.applyArgs(List.of("--oom-score-adj-values", "0", "200", "3000")))
            .hasMessageContaining("Invalid oom-score-adj-values, elements must be between -2000 and 2000.");
        assertThatThrownBy(() -> c.applyArgs(List.of("--enable-debug-command", "always")))
            .hasMessageContaining("argument(s) must be one of the following: no, yes, local");
        assertThatThrownBy(() -> c.applyArgs(List.of("--rdbcompression", "yes", "no"))).hasMessageContaining("wrong number of arguments");
        c.applyArgs(List.of("--maxmemory", "1gb", "--maxmemory-clients", "10%", "--unixsocketperm", "700",
            "--oom-score-adj", "relative", "--shutdown-on-sigint", "now", "save", "--tls-port", "6380"));
        assertThat(c.get("maxmemory")).isEqualTo("1073741824");
        assertThat(c.get("maxmemory-clients")).isEqualTo("10%");
        assertThat(c.get("unixsocketperm")).isEqualTo("700");
        assertThat(c.get("oom-score-adj")).isEqualTo("yes");
        assertThat(c.get("shutdown-on-sigint")).isEqualTo("save now");
        // unixsocketperm and tls-port take effect: no start-up warning about them
        assertThat(c.inertGiven()).contains("oom-score-adj").doesNotContain("tls-port", "unixsocketperm");
        // maxmemory and maxmemory-clients take effect, so start-up does not warn about them
        assertThat(c.inertGiven()).doesNotContain("maxmemory", "maxmemory-clients");
    }

    @Test
    void fileKeywordsBesideTheTable() throws Exception {
        Path extra = dir.resolve("extra.conf");
        Files.writeString(extra, "maxclients 77\n");
        Path f = dir.resolve("main.conf");
        Files.writeString(f, """
            save 900 1
            save 300 10
            include %s
            list-max-ziplist-entries 512
            lua-replicate-commands yes
            """.formatted(extra));
        ServerConfig c = ServerConfig.defaults();
        c.load(f);
        // redis.conf's save lines add up; the first one drops the default
        assertThat(c.get("save")).isEqualTo("900 1 300 10");
        // the command line reads as more lines of the file: its save adds up too, "" clears
        c.applyArgs(List.of("--save", "100", "100"));
        assertThat(c.get("save")).isEqualTo("900 1 300 10 100 100");
        c.applyArgs(List.of("--save", ""));
        assertThat(c.get("save")).isEmpty();
        ServerConfig alone = ServerConfig.defaults();
        alone.applyArgs(List.of("--save", "100", "100"));
        assertThat(alone.get("save")).isEqualTo("100 100");
        assertThat(c.getInt("maxclients")).isEqualTo(77);
        assertThat(c.inertGiven()).contains("list-max-ziplist-entries", "lua-replicate-commands");
        for (String refused : List.of("loadmodule /x.so", "mymodule.opt 1")) {
            Path r = dir.resolve("refused.conf");
            Files.writeString(r, refused + "\n");
            assertThatThrownBy(() -> ServerConfig.defaults().load(r))
                .hasMessageContaining("is not supported by Ferrite").hasMessageContaining(">>> '" + refused + "'");
        }
    }

    @Test
    void dirIsTheDirectoryOfEveryFileWritten() throws Exception {
        Path sub = Files.createDirectory(dir.resolve("data"));
        ServerConfig c = ServerConfig.defaults();
        c.set("dir", dir.toString());
        // relative to the current dir, as Redis's chdir
        c.set("dir", "data");
        assertThat(c.get("dir")).isEqualTo(sub.toString());
        assertThat(c.resolve("server.pid")).isEqualTo(sub.resolve("server.pid"));
        assertThatThrownBy(() -> c.set("dir", "nosuch")).hasMessageContaining("No such file or directory");
        c.set("pidfile", "server.pid");
        Path written = Main.writePidFile(c);
        assertThat(written).isEqualTo(sub.resolve("server.pid"));
        assertThat(Files.readString(written).trim()).isEqualTo(Long.toString(ProcessHandle.current().pid()));
        assertThat(Main.writePidFile(ServerConfig.defaults())).isNull();
    }

    @Test
    void protectedActionsAllowLoopbackOnlyWhenLocal() {
        ServerConfig c = ServerConfig.defaults();
        assertThat(c.allows("enable-debug-command", "127.0.0.1:5000")).isFalse();
        c.set("enable-debug-command", "local");
        assertThat(c.allows("enable-debug-command", "127.0.0.1:5000")).isTrue();
        assertThat(c.allows("enable-debug-command", "0:0:0:0:0:0:0:1:5000")).isTrue();
        assertThat(c.allows("enable-debug-command", "10.1.2.3:5000")).isFalse();
        // Redis compares the address text: other loopback addresses are not "local"
        assertThat(c.allows("enable-debug-command", "127.0.0.2:5000")).isFalse();
        c.set("enable-debug-command", "yes");
        assertThat(c.allows("enable-debug-command", "10.1.2.3:5000")).isTrue();
    }

    @Test
    void shippedConfigLoadsToTheDefaults() throws Exception {
        ServerConfig shipped = ServerConfig.defaults();
        shipped.load(Path.of("conf/ferrite.conf"));
        assertThat(shipped.snapshot()).isEqualTo(ServerConfig.defaults().snapshot());
    }

    /** A rewrite that writes every directive (DEBUG CONFIG-REWRITE-FORCE-ALL) reads back to the same values. */
    @Test
    void forcedRewriteOfEveryDirectiveLoadsBack() throws Exception {
        ServerConfig c = ServerConfig.defaults();
        c.applyArgs(List.of("--maxmemory", "1gb", "--shutdown-on-sigint", "save", "now", "--notify-keyspace-events", "",
            "--slaveof", "10.0.0.1", "6380", "--proc-title-template", "{title} x", "--save", "60", "1"));
        Path f = dir.resolve("all.conf");
        Files.writeString(f, "# mine\nhash-max-ziplist-entries 64\nhash-max-listpack-entries 65\n");
        c.load(f);
        ConfigRewriter.rewrite(c, true);
        List<String> lines = Files.readAllLines(f);
        // an alias's line is rewritten under the current name; the second line of the same directive goes
        assertThat(lines).contains("# mine", "hash-max-listpack-entries 65", "replicaof 10.0.0.1 6380", "pidfile \"\"")
            .doesNotContain("hash-max-ziplist-entries 64");
        ServerConfig again = ServerConfig.defaults();
        again.load(f);
        assertThat(again.snapshot()).isEqualTo(c.snapshot());
    }

    /** Found by fuzzing (ServerConfigFuzzTest): a byte that is not UTF-8 failed the whole file with MalformedInputException. */
    @Test
    void bytesThatAreNotUtf8AreReadNotRefused() throws Exception {
        Path f = dir.resolve("latin1.conf");
        Files.write(f, "port 7000\nrequirepass \u00e9t\u00e9\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        ServerConfig c = ServerConfig.defaults();
        c.load(f);
        assertThat(c.get("port")).isEqualTo("7000");
        assertThat(c.get("requirepass")).isEqualTo("\ufffdt\ufffd");
    }

    /** Found by fuzzing: a file that includes itself overflowed the stack (as it crashes Redis); now a config error names it. */
    @Test
    void aFileThatIncludesItselfIsAConfigError() throws Exception {
        Path f = dir.resolve("self.conf");
        Path g = dir.resolve("other.conf");
        Files.writeString(f, "port 7000\ninclude " + g + "\n");
        Files.writeString(g, "include " + f + "\n");
        ServerConfig c = ServerConfig.defaults();
        assertThatThrownBy(() -> c.load(f))
            .isInstanceOf(ServerConfig.ConfigError.class)
            .hasMessageContaining(">>> 'include " + f + "'")
            .hasMessageContaining("include loop");
    }

    /** Found by fuzzing: a NUL in an include's file name threw InvalidPathException past the config error. */
    @Test
    void anIncludeNameNoFileCanHaveIsAConfigError() throws Exception {
        Path f = dir.resolve("nul.conf");
        Files.writeString(f, "include /nonexistent/f\u0000ile.conf\n");
        ServerConfig c = ServerConfig.defaults();
        assertThatThrownBy(() -> c.load(f))
            .isInstanceOf(ServerConfig.ConfigError.class)
            .hasMessageContaining("can't open config file");
    }

    /** As Redis, lines end at '\n' only: a lone '\r' is a space inside the line. */
    @Test
    void aCarriageReturnInsideALineDoesNotEndIt() throws Exception {
        Path f = dir.resolve("cr.conf");
        Files.writeString(f, "port 7000\rmaxclients 5\n");
        ServerConfig c = ServerConfig.defaults();
        assertThatThrownBy(() -> c.load(f)).hasMessageContaining("wrong number of arguments");
    }

    @Test
    void aWatchdogPeriodUnderTwoCronPeriodsIsRaisedToThemAsRedisDoes() {
        ServerConfig c = ServerConfig.defaults();
        c.set("watchdog-period", "50");
        assertThat(c.get("watchdog-period")).isEqualTo("200");
        c.set("hz", "100");
        c.set("watchdog-period", "5");
        assertThat(c.get("watchdog-period")).isEqualTo("20");
        c.set("watchdog-period", "0");
        assertThat(c.get("watchdog-period")).isEqualTo("0");
        // both act: no start-up warning that they do nothing
        c.applyArgs(List.of("--watchdog-period", "300", "--busy-reply-threshold", "100"));
        assertThat(c.inertGiven()).doesNotContain("watchdog-period", "busy-reply-threshold");
    }
}
