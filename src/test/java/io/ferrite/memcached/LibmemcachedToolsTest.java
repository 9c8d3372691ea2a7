package io.ferrite.memcached;

import io.ferrite.server.Server;
import io.ferrite.testing.TestServers;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** memcstat, memccp/memccat, memcflush and memcslap from libmemcached-tools against Ferrite. */
class LibmemcachedToolsTest {
    static Stream<Integer> shards() {
        return TestServers.shardCounts().stream();
    }

    static String tool(String name) {
        McReference.assumeAvailable(name);
        return name;
    }

    static String[] exec(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new String[] {Integer.toString(p.exitValue()), out};
    }

    @ParameterizedTest(name = "{0} shards")
    @MethodSource("shards")
    void tools(int shards) throws Exception {
        String stat = tool("memcstat");
        try (Server s = TestServers.startWithMemcached(shards)) {
            String servers = "--servers=127.0.0.1:" + s.memcachedPort();
            String[] r = exec(stat, servers);
            assertThat(r[0]).isEqualTo("0");
            assertThat(r[1]).contains("version: 1.6.18").contains("curr_connections");
            // store through the text protocol, read back with memccat
            try (java.net.Socket sock = new java.net.Socket("127.0.0.1", s.memcachedPort())) {
                sock.getOutputStream().write("set tool-key 0 0 5\r\nhello\r\n".getBytes(StandardCharsets.US_ASCII));
                byte[] buf = new byte[8];
                assertThat(new String(buf, 0, sock.getInputStream().read(buf), StandardCharsets.US_ASCII)).isEqualTo("STORED\r\n");
            }
            r = exec(tool("memccat"), servers, "tool-key");
            assertThat(r[0]).isEqualTo("0");
            assertThat(r[1]).contains("hello");
            r = exec(tool("memcflush"), servers);
            assertThat(r[0]).isEqualTo("0");
            r = exec("memccat", servers, "tool-key");
            assertThat(r[1]).doesNotContain("hello");
            r = exec(tool("memcslap"), servers, "--concurrency=4", "--execute-number=2000", "--test=set");
            assertThat(r[0]).isEqualTo("0");
            r = exec("memcslap", servers, "--concurrency=4", "--execute-number=2000", "--test=get");
            assertThat(r[0]).isEqualTo("0");
            r = exec(stat, servers);
            assertThat(r[1]).contains("cmd_set");
        }
    }
}
