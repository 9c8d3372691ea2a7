package io.ferrite.testing;

import io.ferrite.server.Server;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A port taken between finding it free and binding it costs a retry on fresh ports, not a failed test. */
class TestServersTest {
    @Test
    void aPortTakenMeanwhileIsReplaced() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            Server s = TestServers.start(1, Map.of("memcached-port", Integer.toString(port)));
            try {
                assertThat(s.memcachedPort()).isPositive().isNotEqualTo(port);
                try (RawClient c = new RawClient("127.0.0.1", s.respPort())) {
                    assertThat(c.call("PING")).isEqualTo("+PONG\r\n");
                }
            } finally {
                s.close();
            }
        }
    }
}
