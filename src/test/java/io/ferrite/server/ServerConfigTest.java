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
            .hasMessageContaining(">>> 'port abc'").hasMessageContaining("argument couldn't be parsed into an integer");
        assertThatThrownBy(() -> c.applyArgs(List.of("--maxclients", "0")))
            .hasMessageContaining("'maxclients 0'").hasMessageContaining("between 1 and");
        assertThatThrownBy(() -> c.applyArgs(List.of("--appendonly", "maybe")))
            .hasMessageContaining("argument must be 'yes' or 'no'");
        assertThatThrownBy(() -> c.applyArgs(List.of("--loglevel", "loud")))
            .hasMessageContaining("one of the following: debug, verbose, notice, warning");
        assertThatThrownBy(() -> c.applyArgs(List.of("--save", "1", "2", "3")))
            .hasMessageContaining("Invalid save parameters");
        assertThatThrownBy(() -> c.applyArgs(List.of("--nope", "1")))
            .hasMessageContaining("'nope 1'").hasMessageContaining("Bad directive");
        assertThatThrownBy(() -> c.applyArgs(List.of("port", "1")))
            .isInstanceOf(ServerConfig.ConfigError.class);
    }

    @Test
    void portZeroDisablesTheRespListener() {
        ServerConfig c = ServerConfig.defaults();
        c.set("port", "0");
        c.set("memcached-port", "0");
        c.set("metrics-port", "0");
        c.set("shards", "1");
        try (Server s = Server.start(c)) {
            assertThat(s.respPort()).isZero();
        }
    }
}
