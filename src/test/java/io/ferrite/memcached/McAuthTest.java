package io.ferrite.memcached;

import io.ferrite.server.Server;
import io.ferrite.testing.RawClient;
import io.ferrite.testing.TestServers;
import net.spy.memcached.AddrUtil;
import net.spy.memcached.ConnectionFactoryBuilder;
import net.spy.memcached.MemcachedClient;
import net.spy.memcached.auth.AuthDescriptor;
import net.spy.memcached.auth.PlainCallbackHandler;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * memcached connections and ACL users: memcached 1.6's text login (-Y) and binary SASL PLAIN (-S)
 * compared byte for byte with a real memcached 1.6.18 started with those options, spymemcached
 * logging in with SASL, and the ACL rules of the user a connection runs as (key patterns read and
 * write, command categories) deciding its requests.
 */
class McAuthTest {
    private static final String USERS = "user alice on >secret ~* +@all\n";

    private static Server ferrite(Map<String, String> directives, String users) throws Exception {
        Path conf = Files.createTempFile("mcauth", ".acl");
        conf.toFile().deleteOnExit();
        Files.writeString(conf, users);
        Map<String, String> d = new java.util.HashMap<>(directives);
        d.put("memcached-port", Integer.toString(TestServers.freePort()));
        d.put("aclfile", conf.toString());
        return TestServers.start(1, d);
    }

    // -- wire helpers

    private static Socket connect(int port) throws Exception {
        Socket s = new Socket("127.0.0.1", port);
        s.setSoTimeout(300);
        return s;
    }

    /**
     * Sends, then reads the reply: waits up to 10 s for its first bytes (a loaded machine), then
     * until the server has been quiet for a moment (or closed: "<EOF>" appended).
     */
    private static String exchange(Socket s, byte[] request) throws Exception {
        s.getOutputStream().write(request);
        s.getOutputStream().flush();
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        InputStream in = s.getInputStream();
        byte[] buf = new byte[4096];
        s.setSoTimeout(10_000);
        try {
            while (true) {
                int n = in.read(buf);
                if (n < 0) {
                    b.writeBytes("<EOF>".getBytes(StandardCharsets.US_ASCII));
                    break;
                }
                b.write(buf, 0, n);
                s.setSoTimeout(300);
            }
        } catch (SocketTimeoutException quiet) {
            // the reply is complete
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    private static String text(Socket s, String request) throws Exception {
        return exchange(s, request.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static byte[] bin(int opcode, String key, byte[] extras, byte[] value) {
        byte[] k = key.getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate(24 + extras.length + k.length + value.length);
        b.put((byte) 0x80).put((byte) opcode).putShort((short) k.length).put((byte) extras.length).put((byte) 0)
            .putShort((short) 0).putInt(extras.length + k.length + value.length).putInt(0x1234).putLong(0);
        b.put(extras).put(k).put(value);
        return b.array();
    }

    private static byte[] bin(int opcode, String key, String value) {
        return bin(opcode, key, new byte[0], value.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static String binary(Socket s, byte[] request) throws Exception {
        return HexFormat.ofDelimiter(" ").formatHex(exchange(s, request).getBytes(StandardCharsets.ISO_8859_1));
    }

    // -- memcached's own login, against the real memcached

    private static final List<String> TEXT_LOGIN = List.of(
        "get k\r\n",
        "mn\r\n",
        "set k 0 0 abc\r\n",
        "set k 0 0 11\r\nalice wrong\r\n",
        "set k 0 0 5\r\nalice\r\n",
        "set k 0 0 12\r\nalice secretXY",
        "set k 0 0 6\r\nbob pw\r\n",
        "set   anykey  9 9   +12 noreply\r\nalice secret\r\n",
        "get k\r\n",
        "set k 0 0 12\r\nalice secret\r\n",
        "get k\r\n");

    private static List<String> textLogin(int port) throws Exception {
        List<String> replies = new ArrayList<>();
        try (Socket s = connect(port)) {
            for (String step : TEXT_LOGIN) {
                replies.add(text(s, step));
            }
        }
        try (Socket s = connect(port)) {
            // no line end within 2 KB: memcached drops the connection
            replies.add(text(s, "x".repeat(3000)));
        }
        return replies;
    }

    @Test
    void textLoginAsMemcachedDashY() throws Exception {
        Path authfile = Files.createTempFile("mcauth", ".auth");
        authfile.toFile().deleteOnExit();
        Files.writeString(authfile, "alice:secret\n");
        List<String> expected;
        try (McReference mc = McReference.start("-Y", authfile.toString())) {
            expected = textLogin(mc.port);
        }
        try (Server s = ferrite(Map.of("memcached-auth", "acl"), USERS)) {
            assertThat(textLogin(s.memcachedPort())).isEqualTo(expected);
        }
        assertThat(expected.get(0)).isEqualTo("CLIENT_ERROR unauthenticated\r\n");
        assertThat(expected.get(7)).isEqualTo("STORED\r\n");
        assertThat(expected.get(10)).isEqualTo("VALUE k 0 12\r\nalice secret\r\nEND\r\n");
    }

    private static List<String> saslExchange(int port) throws Exception {
        List<String> replies = new ArrayList<>();
        try (Socket s = connect(port)) {
            replies.add(binary(s, bin(0x20, "", "")));
            replies.add(binary(s, bin(0x21, "PLAIN", "\0alice\0wrong")));
            replies.add(binary(s, bin(0x0b, "", "")));
            replies.add(binary(s, bin(0x22, "PLAIN", "\0alice\0secret")));
            replies.add(binary(s, bin(0x21, "CRAM-MD5", "\0alice\0secret")));
            replies.add(binary(s, bin(0x21, "P".repeat(40), "\0alice\0secret")));
            replies.add(binary(s, bin(0x21, "PLAIN", "bob\0alice\0secret")));
            replies.add(binary(s, bin(0x21, "PLAIN", "\0alice\0secret\0")));
            replies.add(binary(s, bin(0x21, "PLAIN", "")));
            replies.add(binary(s, bin(0x22, "PLAIN", "alice\0alice\0secret")));
            replies.add(binary(s, bin(0x00, "k", "")));
            replies.add(binary(s, bin(0x21, "plain", "\0alice\0secret")));
            replies.add(binary(s, bin(0x21, "PLAIN", "\0alice\0secret")));
            replies.add(binary(s, bin(0x22, "PLAIN", "\0alice\0nope")));
            replies.add(binary(s, bin(0x22, "PLAIN", "\0alice\0secret")));
            replies.add(binary(s, bin(0x21, "PLAIN", "\0alice\0secret")));
            replies.add(binary(s, bin(0x21, "PLAIN", "\0alice\0secret")));
            replies.add(binary(s, bin(0x01, "k", new byte[8], "v".getBytes(StandardCharsets.US_ASCII))));
            replies.add(binary(s, bin(0x21, "PLAIN", "\0alice\0nope")));
            replies.add(binary(s, bin(0x00, "k", "")));
        }
        try (Socket s = connect(port)) {
            replies.add(binary(s, bin(0x0a, "", "")));
        }
        try (Socket s = connect(port)) {
            replies.add(binary(s, bin(0x21, "PLAIN", new byte[4], "\0alice\0secret".getBytes(StandardCharsets.US_ASCII))));
        }
        return replies;
    }

    @Test
    void binarySaslAsMemcachedDashS() throws Exception {
        McReference.assumeAvailable("saslpasswd2");
        Path dir = Files.createTempDirectory("mcsasl");
        dir.toFile().deleteOnExit();
        Path db = dir.resolve("sasldb2");
        Files.writeString(dir.resolve("memcached.conf"), "mech_list: plain\nsasldb_path: " + db + "\n");
        // the Debian build has Cyrus SASL: its users live in a sasldb, under the server's host name as realm
        Process p = new ProcessBuilder("saslpasswd2", "-p", "-a", "memcached", "-c", "-f", db.toString(), "alice")
            .redirectErrorStream(true).start();
        p.getOutputStream().write("secret".getBytes(StandardCharsets.US_ASCII));
        p.getOutputStream().close();
        assertThat(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0).isTrue();
        List<String> expected;
        try (McReference mc = McReference.start(Map.of("SASL_CONF_PATH", dir.toString()), "-S")) {
            expected = saslExchange(mc.port);
        }
        try (Server s = ferrite(Map.of("memcached-auth", "acl"), USERS)) {
            assertThat(saslExchange(s.memcachedPort())).isEqualTo(expected);
        }
        // list mechs answers PLAIN; a bad password "Auth failure." (0x20); a request before a login closes
        assertThat(expected.get(0)).endsWith("50 4c 41 49 4e");
        assertThat(expected.get(1)).contains("00 20 00 00 00 0d");
        assertThat(expected.get(8)).startsWith("81 21 00 00 00 00 00 21");
        assertThat(expected.get(19)).endsWith("3c 45 4f 46 3e");
        assertThat(expected.get(18)).startsWith("81 21 00 00 00 00 00 20");
    }

    // -- ACL users deciding memcached requests

    private static final String RESTRICTED = "user mc on nopass ~app:* %R~ro:* +@read +@write -@dangerous\n";

    @Test
    void requestsRunAsMemcachedUserWithItsKeyPatternsAndCommands() throws Exception {
        try (Server s = ferrite(Map.of("memcached-user", "mc"), RESTRICTED);
             Socket c = connect(s.memcachedPort());
             RawClient redis = new RawClient("127.0.0.1", s.respPort())) {
            redis.call("SET", "ro:k", "x");
            assertThat(text(c, "set app:1 0 0 1\r\nv\r\n")).isEqualTo("STORED\r\n");
            assertThat(text(c, "get app:1\r\n")).isEqualTo("VALUE app:1 0 1\r\nv\r\nEND\r\n");
            String denied = "CLIENT_ERROR unauthenticated\r\n";
            assertThat(text(c, "set other 0 0 1\r\nv\r\n")).isEqualTo(denied);
            assertThat(text(c, "get other\r\n")).isEqualTo(denied);
            // ro:* may be read, not written: get runs, set and incr (a read and a write) do not
            assertThat(text(c, "get ro:k\r\n")).isEqualTo("END\r\n");
            assertThat(text(c, "set ro:k 0 0 1\r\nv\r\n")).isEqualTo(denied);
            assertThat(text(c, "incr ro:k 1\r\n")).isEqualTo(denied);
            assertThat(text(c, "delete ro:k\r\n")).isEqualTo(denied);
            // a get is refused whole when one key is out of reach
            assertThat(text(c, "get app:1 other\r\n")).isEqualTo(denied);
            // flush_all is FLUSHALL, stats is INFO: both @dangerous
            assertThat(text(c, "flush_all\r\n")).isEqualTo(denied);
            assertThat(text(c, "stats\r\n")).isEqualTo(denied);
            assertThat(text(c, "version\r\n")).startsWith("VERSION ");
            assertThat(text(c, "mg other v\r\n")).isEqualTo(denied);
            assertThat(text(c, "ms app:2 1\r\nw\r\n")).isEqualTo("HD\r\n");
            assertThat(text(c, "mg app:2 v\r\n")).isEqualTo("VA 1\r\nw\r\n");
            // pipelined: each request is judged in order, the allowed ones run
            assertThat(text(c, "get app:1\r\nget other\r\nget app:2\r\n"))
                .isEqualTo("VALUE app:1 0 1\r\nv\r\nEND\r\n" + denied + "VALUE app:2 0 1\r\nw\r\nEND\r\n");
            String log = redis.call("ACL", "LOG", "1");
            assertThat(log).contains("key").contains("other").contains("mc").contains("toplevel");
        }
    }

    @Test
    void binaryDenialIsAuthFailureAndTheConnectionStays() throws Exception {
        try (Server s = ferrite(Map.of("memcached-user", "mc"), RESTRICTED);
             Socket c = connect(s.memcachedPort())) {
            assertThat(binary(c, bin(0x01, "other", new byte[8], new byte[] {'v'})))
                .isEqualTo("81 01 00 00 00 00 00 20 00 00 00 0d 00 00 12 34 00 00 00 00 00 00 00 00 "
                    + "41 75 74 68 20 66 61 69 6c 75 72 65 2e");
            assertThat(binary(c, bin(0x01, "app:1", new byte[8], new byte[] {'v'}))).startsWith("81 01 00 00 00 00 00 00");
        }
    }

    @Test
    void spymemcachedLogsInWithSaslPlainAndRunsAsTheUser() throws Exception {
        String users = USERS + "user writer on >pw ~app:* +@all\n";
        try (Server s = ferrite(Map.of("memcached-auth", "acl"), users)) {
            AuthDescriptor ad = new AuthDescriptor(new String[] {"PLAIN"}, new PlainCallbackHandler("writer", "pw"));
            MemcachedClient c = new MemcachedClient(new ConnectionFactoryBuilder()
                .setProtocol(ConnectionFactoryBuilder.Protocol.BINARY).setAuthDescriptor(ad).setOpTimeout(15_000).build(),
                AddrUtil.getAddresses("127.0.0.1:" + s.memcachedPort()));
            try {
                assertThat(c.set("app:1", 0, "v").get(5, TimeUnit.SECONDS)).isTrue();
                assertThat(c.get("app:1")).isEqualTo("v");
                // outside its key patterns: memcached's auth error status, which spymemcached raises
                assertThatThrownBy(() -> c.set("other", 0, "v").get(5, TimeUnit.SECONDS))
                    .hasMessageContaining("Auth failure.");
            } finally {
                c.shutdown();
            }
            // nothing was stored: seen by a user who may read it, on a connection of its own, since
            // spymemcached re-authenticates the refused one and may drop what is sent meanwhile
            MemcachedClient admin = new MemcachedClient(new ConnectionFactoryBuilder()
                .setProtocol(ConnectionFactoryBuilder.Protocol.BINARY)
                .setAuthDescriptor(new AuthDescriptor(new String[] {"PLAIN"}, new PlainCallbackHandler("alice", "secret")))
                .setOpTimeout(15_000).build(), AddrUtil.getAddresses("127.0.0.1:" + s.memcachedPort()));
            try {
                assertThat(admin.get("other")).isNull();
                assertThat(admin.get("app:1")).isEqualTo("v");
            } finally {
                admin.shutdown();
            }
        }
    }

    @Test
    void aMissingOrDisabledMemcachedUserMeansLoggingIn() throws Exception {
        try (Server s = ferrite(Map.of("memcached-user", "nobody"), USERS);
             Socket c = connect(s.memcachedPort());
             RawClient redis = new RawClient("127.0.0.1", s.respPort())) {
            assertThat(text(c, "get k\r\n")).isEqualTo("CLIENT_ERROR unauthenticated\r\n");
            assertThat(text(c, "set x 0 0 12\r\nalice secret\r\n")).isEqualTo("STORED\r\n");
            assertThat(text(c, "get k\r\n")).isEqualTo("END\r\n");
            // the user it logged in as is deleted: the connection closes, as Redis closes its own
            assertThat(redis.call("ACL", "DELUSER", "alice")).startsWith(":1");
            assertThat(text(c, "get k\r\n")).isEqualTo("<EOF>");
        }
    }

    @Test
    void configSetAppliesToNewConnections() throws Exception {
        try (Server s = ferrite(Map.of(), USERS + "user reader on nopass %R~* +@read\n");
             RawClient redis = new RawClient("127.0.0.1", s.respPort())) {
            assertThat(redis.call("CONFIG", "GET", "memcached-*")).contains("memcached-auth").contains("none")
                .contains("memcached-user").contains("default");
            try (Socket c = connect(s.memcachedPort())) {
                assertThat(text(c, "set k 0 0 1\r\nv\r\n")).isEqualTo("STORED\r\n");
            }
            assertThat(redis.call("CONFIG", "SET", "memcached-user", "reader")).startsWith("+OK");
            try (Socket c = connect(s.memcachedPort())) {
                assertThat(text(c, "set k 0 0 1\r\nv\r\n")).isEqualTo("CLIENT_ERROR unauthenticated\r\n");
                assertThat(text(c, "get k\r\n")).isEqualTo("VALUE k 0 1\r\nv\r\nEND\r\n");
            }
            assertThat(redis.call("CONFIG", "SET", "memcached-auth", "acl")).startsWith("+OK");
            try (Socket c = connect(s.memcachedPort())) {
                assertThat(text(c, "get k\r\n")).isEqualTo("CLIENT_ERROR unauthenticated\r\n");
                assertThat(text(c, "stats settings\r\n")).isEqualTo("CLIENT_ERROR unauthenticated\r\n");
            }
            assertThat(redis.call("CONFIG", "SET", "memcached-auth", "sasl")).startsWith("-ERR");
        }
    }
}
