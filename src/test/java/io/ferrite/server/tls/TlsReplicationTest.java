package io.ferrite.server.tls;

import io.ferrite.compat.RedisProcess;
import io.ferrite.server.Server;
import io.ferrite.testing.Await;
import io.ferrite.testing.TestServers;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.ferrite.server.tls.TlsClients.cli;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * tls-replication: a Ferrite replica connects to its master's TLS port with its client
 * certificate, the master (Ferrite or redis-server 7.0.15) requiring one; the full sync's RDB and
 * the command stream both cross TLS.
 */
class TlsReplicationTest {

    private static Server tlsOnly(Map<String, String> more) {
        Map<String, String> d = new HashMap<>(TlsClients.serverDirectives());
        d.put("port", "0");
        d.put("tls-port", Integer.toString(TestServers.freePort()));
        d.put("tls-replication", "yes");
        d.putAll(more);
        return TestServers.start(1, d);
    }

    private static void replicatesOverTls(int masterTls, Server replica) throws InterruptedException {
        cli(masterTls, "SET", "before-sync", "rdb");
        assertThat(cli(replica.tlsPort(), "REPLICAOF", "127.0.0.1", Integer.toString(masterTls)).out()).isEqualTo("OK\n");
        Await.until(() -> cli(replica.tlsPort(), "INFO", "replication").out().contains("master_link_status:up"), "the link over TLS");
        cli(masterTls, "SET", "after-sync", "stream");
        Await.until(() -> cli(replica.tlsPort(), "GET", "after-sync").out().equals("stream\n"), "the stream over TLS");
        assertThat(cli(replica.tlsPort(), "GET", "before-sync").out()).isEqualTo("rdb\n");
    }

    @Test
    void ferriteReplicaOfFerriteOverTls() throws InterruptedException {
        for (String disklessSync : List.of("no", "yes")) {
            Server master = tlsOnly(Map.of("repl-diskless-sync", disklessSync, "repl-diskless-sync-delay", "0"));
            Server replica = tlsOnly(Map.of());
            try {
                replicatesOverTls(master.tlsPort(), replica);
                // the master lists the replica at its TLS port, as REPLCONF listening-port gave it
                assertThat(cli(master.tlsPort(), "INFO", "replication").out())
                    .contains("slave0:ip=127.0.0.1,port=" + replica.tlsPort() + ",state=online");
            } finally {
                replica.close();
                master.close();
            }
        }
    }

    @Test
    void ferriteReplicaOfRedisOverTls() throws Exception {
        Path exe = RedisProcess.findExecutable();
        if (exe == null) {
            fail("redis-server not found on PATH");
        }
        int redisTls = TestServers.freePort();
        List<String> args = new ArrayList<>(TlsClients.serverArgs());
        args.addAll(List.of("--tls-port", Integer.toString(redisTls), "--repl-diskless-sync-delay", "0"));
        try (RedisProcess redis = RedisProcess.start(exe, args.toArray(String[]::new))) {
            Server replica = tlsOnly(Map.of());
            try {
                replicatesOverTls(redisTls, replica);
            } finally {
                replica.close();
            }
        }
    }

    @Test
    void withoutTlsReplicationTheLinkToATlsPortNeverComesUp() throws Exception {
        Server master = tlsOnly(Map.of());
        Server replica = tlsOnly(Map.of("tls-replication", "no"));
        try {
            cli(replica.tlsPort(), "REPLICAOF", "127.0.0.1", Integer.toString(master.tlsPort()));
            Thread.sleep(1500);
            assertThat(cli(replica.tlsPort(), "INFO", "replication").out()).contains("master_link_status:down");
        } finally {
            replica.close();
            master.close();
        }
    }
}
