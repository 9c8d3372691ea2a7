package io.ferrite.server;

import io.ferrite.testing.RawClient;
import io.ferrite.testing.TestServers;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * rename-command in the config file, as Redis 7.0 applies it: the command answers only to its new
 * name, an empty new name removes it, and the line is refused for an unknown command or a name
 * already taken. CONFIG SET cannot rename.
 */
class RenameCommandTest {

    private static Server startWith(String lines) throws Exception {
        Path conf = Files.createTempFile("ferrite-rename-", ".conf");
        Files.writeString(conf, lines);
        ServerConfig cfg = ServerConfig.defaults();
        cfg.load(conf);
        cfg.set("bind", "127.0.0.1");
        cfg.set("port", Integer.toString(TestServers.freePort()));
        cfg.set("shards", "1");
        cfg.set("memcached-port", "0");
        cfg.set("metrics-port", "0");
        cfg.set("save", "");
        cfg.set("dir", Files.createTempDirectory("ferrite-rename-").toString());
        return Server.start(cfg);
    }

    @Test
    void renamedAndDisabledCommands() throws Exception {
        Server s = startWith("rename-command flushall \"\"\nrename-command CONFIG my-config\nrename-command set put\n");
        try (RawClient c = new RawClient("127.0.0.1", s.respPort())) {
            assertThat(c.call("FLUSHALL")).isEqualTo("-ERR unknown command 'FLUSHALL', with args beginning with: \r\n");
            assertThat(c.call("CONFIG", "GET", "port")).startsWith("-ERR unknown command 'CONFIG'");
            assertThat(c.call("MY-CONFIG", "GET", "maxclients")).isEqualTo("*2\r\n$10\r\nmaxclients\r\n$5\r\n10000\r\n");
            assertThat(c.call("PUT", "k", "v")).isEqualTo("+OK\r\n");
            assertThat(c.call("GET", "k")).isEqualTo("$1\r\nv\r\n");
            // the command keeps its own name in its errors, as Redis keeps cmd->fullname
            assertThat(c.call("PUT", "k")).isEqualTo("-ERR wrong number of arguments for 'set' command\r\n");
        } finally {
            s.close();
        }
    }

    @Test
    void badLinesStopTheStart() {
        assertThatThrownBy(() -> startWith("rename-command nosuchcmd x\n"))
            .hasMessageContaining("No such command in rename-command");
        assertThatThrownBy(() -> startWith("rename-command set get\n"))
            .hasMessageContaining("Target command name already exists");
    }

    @Test
    void configSetCannotRename() {
        Server s = TestServers.start(1, java.util.Map.of());
        try (RawClient c = new RawClient("127.0.0.1", s.respPort())) {
            assertThat(c.call("CONFIG", "SET", "rename-command", "get x"))
                .isEqualTo("-ERR Unknown option or number of arguments for CONFIG SET - 'rename-command'\r\n");
        } finally {
            s.close();
        }
    }
}
