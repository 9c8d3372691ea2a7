package io.ferrite.server;

import io.ferrite.compat.RedisProcess;
import io.ferrite.testing.RawClient;
import io.ferrite.testing.TestServers;
import io.ferrite.testing.Tool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The `unixsocket` listener as Redis 7.0's: the same RESP service as the TCP port, clients shown
 * as "PATH:0" with flag U, `unixsocketperm` applied, a stale file replaced at start and the file
 * removed at shutdown; CLIENT INFO's address fields compared with redis-server 7.0.15's.
 */
@Timeout(120)
class UnixSocketTest {
    @TempDir
    Path dir;

    private static Server start(Map<String, String> directives) {
        return TestServers.start(1, directives);
    }

    @Test
    void servesRespAndShowsTheClientAsRedisDoes() throws Exception {
        Path sock = dir.resolve("ferrite.sock");
        // a stale file from an earlier run: Redis unlinks whatever is at the path
        Files.writeString(sock, "stale");
        try (Server s = start(Map.of("unixsocket", sock.toString(), "protected-mode", "yes"));
             RawClient unix = RawClient.unix(sock);
             RawClient tcp = new RawClient("127.0.0.1", s.respPort())) {
            assertThat(Files.readAttributes(sock, java.nio.file.attribute.BasicFileAttributes.class).isOther())
                .as("a socket, not the stale regular file").isTrue();
            assertThat(unix.call("SET", "k", "v")).isEqualTo("+OK\r\n");
            assertThat(tcp.call("GET", "k")).isEqualTo("$1\r\nv\r\n");
            Map<String, String> info = fields(bulk(unix.call("CLIENT", "INFO")));
            assertThat(info).containsEntry("addr", sock + ":0").containsEntry("laddr", sock + ":0")
                .containsEntry("flags", "U");
            assertThat(Integer.parseInt(info.get("fd"))).isPositive();
            // seen from the TCP client: the unix one keeps its fields, the TCP one has none of them
            String list = bulk(tcp.call("CLIENT", "LIST"));
            assertThat(list).contains("addr=" + sock + ":0 laddr=" + sock + ":0").contains(" flags=U ");
            assertThat(fields(bulk(tcp.call("CLIENT", "INFO")))).containsEntry("flags", "N");
            // CLIENT KILL ADDR finds it by that address, as in Redis
            assertThat(tcp.call("CLIENT", "KILL", "ADDR", sock + ":0")).isEqualTo(":1\r\n");
            assertThat(unix.closedByServer()).isTrue();
            assertThat(s.unixSocketPath()).isEqualTo(sock.toString());
        }
        assertThat(Files.exists(sock, LinkOption.NOFOLLOW_LINKS)).as("removed at shutdown").isFalse();
    }

    @Test
    void monitorShowsUnixClientsAsRedisDoes() throws Exception {
        Path sock = dir.resolve("monitor.sock");
        try (Server s = start(Map.of("unixsocket", sock.toString()));
             RawClient monitor = new RawClient("127.0.0.1", s.respPort());
             RawClient unix = RawClient.unix(sock)) {
            assertThat(monitor.call("MONITOR")).isEqualTo("+OK\r\n");
            assertThat(unix.call("SET", "a", "b")).isEqualTo("+OK\r\n");
            assertThat(monitor.readReply()).endsWith(" [0 unix:" + sock + "] \"SET\" \"a\" \"b\"\r\n");
        }
    }

    @Test
    void appliesUnixsocketperm() throws Exception {
        Path sock = dir.resolve("perm.sock");
        try (Server s = start(Map.of("unixsocket", sock.toString(), "unixsocketperm", "700"))) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(sock))).isEqualTo("rwx------");
            assertThat(s.config().get("unixsocketperm")).isEqualTo("700");
        }
        Path other = dir.resolve("perm2.sock");
        try (Server s = start(Map.of("unixsocket", other.toString(), "unixsocketperm", "640"))) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(other))).isEqualTo("rw-r-----");
        }
    }

    @Test
    void refusesWithRedisWordsWhenItCannotBind() {
        Path missing = dir.resolve("no-such-dir").resolve("s.sock");
        assertThatThrownBy(() -> start(Map.of("unixsocket", missing.toString())))
            .hasMessage("Failed opening Unix socket: bind: No such file or directory");
        String tooLong = dir.resolve("x".repeat(120)).toString();
        int length = tooLong.length();
        assertThatThrownBy(() -> start(Map.of("unixsocket", tooLong)))
            .hasMessage("Failed opening Unix socket: unix socket path too long (" + length + "), must be under 108");
    }

    @Test
    void aUnixSocketAloneIsSomewhereToListen() throws Exception {
        Path sock = dir.resolve("only.sock");
        try (Server s = start(Map.of("port", "0", "unixsocket", sock.toString()));
             RawClient unix = RawClient.unix(sock)) {
            assertThat(s.respPort()).isZero();
            assertThat(unix.call("PING")).isEqualTo("+PONG\r\n");
        }
        assertThatThrownBy(() -> start(Map.of("port", "0")))
            .hasMessage("Configured to not listen anywhere, exiting.");
    }

    @Test
    void configSetBindMovesTheTcpListenersAndKeepsTheSocket() throws Exception {
        Path sock = dir.resolve("bind.sock");
        try (Server s = start(Map.of("unixsocket", sock.toString()));
             RawClient unix = RawClient.unix(sock)) {
            int port = s.respPort();
            // bind "": no TCP listener at all, as Redis; the unix socket still serves
            assertThat(unix.call("CONFIG", "SET", "bind", "")).isEqualTo("+OK\r\n");
            assertThat(RawClient.answersPing(port)).isFalse();
            assertThat(unix.call("CONFIG", "GET", "bind")).isEqualTo("*2\r\n$4\r\nbind\r\n$0\r\n\r\n");
            // an address that cannot be bound: Redis's error, and the previous setting back
            assertThat(unix.call("CONFIG", "SET", "bind", "999.999.999.999")).isEqualTo(
                "-ERR CONFIG SET failed (possibly related to argument 'bind') - Failed to bind to specified addresses.\r\n");
            assertThat(unix.call("CONFIG", "GET", "bind")).isEqualTo("*2\r\n$4\r\nbind\r\n$0\r\n\r\n");
            assertThat(unix.call("CONFIG", "SET", "bind", "127.0.0.1 -::1")).isEqualTo("+OK\r\n");
            assertThat(RawClient.answersPing(port)).isTrue();
            assertThat(unix.call("CONFIG", "SET", "bind", "999.999.999.999")).startsWith("-ERR CONFIG SET failed");
            assertThat(RawClient.answersPing(port)).as("the previous addresses bound again").isTrue();
        }
    }

    @Test
    void redisCliConnectsWithDashS() throws Exception {
        Path sock = dir.resolve("cli.sock");
        try (Server s = start(Map.of("unixsocket", sock.toString()))) {
            Tool.Result r = Tool.run(null, null, 30, List.of("redis-cli", "-s", sock.toString(), "CLIENT", "INFO"));
            assertThat(r.exit()).isZero();
            assertThat(r.out()).contains("addr=" + sock + ":0 ").contains(" flags=U ");
        }
    }

    @Test
    void clientInfoFieldsMatchRedis() throws Exception {
        Path exe = RedisProcess.findExecutable();
        if (exe == null) {
            fail("redis-server not found on PATH: the unix socket's CLIENT INFO is compared with a real Redis 7.0");
        }
        Path redisSock = dir.resolve("redis.sock");
        Path ferriteSock = dir.resolve("ferrite.sock");
        Map<String, String> redisInfo;
        String redisPerm;
        try (RedisProcess redis = RedisProcess.start(exe, "--unixsocket", redisSock.toString(), "--unixsocketperm", "750");
             RawClient c = RawClient.unix(redisSock)) {
            redisInfo = fields(bulk(c.call("CLIENT", "INFO")).replace(redisSock.toString(), "PATH"));
            redisPerm = PosixFilePermissions.toString(Files.getPosixFilePermissions(redisSock));
        }
        try (Server s = start(Map.of("unixsocket", ferriteSock.toString(), "unixsocketperm", "750"));
             RawClient c = RawClient.unix(ferriteSock)) {
            Map<String, String> ferriteInfo = fields(bulk(c.call("CLIENT", "INFO")).replace(ferriteSock.toString(), "PATH"));
            for (String field : List.of("addr", "laddr", "flags", "db", "cmd", "user", "resp")) {
                assertThat(ferriteInfo.get(field)).as(field).isEqualTo(redisInfo.get(field));
            }
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(ferriteSock))).isEqualTo(redisPerm);
        }
    }

    /** The text of a bulk string reply. */
    private static String bulk(String reply) {
        assertThat(reply).startsWith("$");
        return reply.substring(reply.indexOf("\r\n") + 2, reply.length() - 2);
    }

    /** The name=value fields of the first CLIENT LIST / INFO line, in order. */
    private static Map<String, String> fields(String text) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String kv : text.split("\n")[0].trim().split(" ")) {
            int eq = kv.indexOf('=');
            m.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        return m;
    }
}
