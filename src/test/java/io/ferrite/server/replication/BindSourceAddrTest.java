package io.ferrite.server.replication;

import io.ferrite.server.Server;
import io.ferrite.testing.Await;
import io.ferrite.testing.RawClient;
import io.ferrite.testing.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * `bind-source-addr`: the replica connects to its master from that address (the master's INFO shows
 * it as the replica's ip), and, as Redis's best-effort bind, from none when it cannot be bound.
 * Linux routes all of 127/8 to the loopback interface, so 127.0.0.2 is a local address to bind.
 */
@Timeout(120)
class BindSourceAddrTest {
    private static String replicaLine(int masterPort) {
        try (RawClient c = new RawClient("127.0.0.1", masterPort)) {
            for (String line : c.call("INFO", "replication").split("\r\n")) {
                if (line.startsWith("slave0:")) {
                    return line;
                }
            }
            return "";
        }
    }

    private static void replicate(String source, String expectedIp) throws Exception {
        // protected mode would refuse 127.0.0.2, as in Redis's own test of this directive
        try (Server master = TestServers.start(1, Map.of("protected-mode", "no"));
             Server replica = TestServers.start(1, Map.of("bind-source-addr", source));
             RawClient r = new RawClient("127.0.0.1", replica.respPort())) {
            assertThat(r.call("REPLICAOF", "127.0.0.1", Integer.toString(master.respPort()))).isEqualTo("+OK\r\n");
            Await.until(() -> replicaLine(master.respPort()).contains("state=online"), "the replica online");
            assertThat(replicaLine(master.respPort())).contains("ip=" + expectedIp + ",");
        }
    }

    @Test
    void connectsFromTheSourceAddress() throws Exception {
        replicate("127.0.0.2", "127.0.0.2");
    }

    @Test
    void connectsWithoutItWhenItCannotBeBound() throws Exception {
        // an address of no interface here (TEST-NET-1): the bind fails and the connection is made without it
        replicate("192.0.2.1", "127.0.0.1");
    }
}
