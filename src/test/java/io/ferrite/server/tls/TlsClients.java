package io.ferrite.server.tls;

import io.ferrite.testing.TestCertificates;
import io.ferrite.testing.Tool;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** redis-cli --tls and openssl s_client against a TLS port, with the test certificates. */
final class TlsClients {
    static final TestCertificates CERTS = TestCertificates.get();

    private TlsClients() {
    }

    /** redis-cli over TLS, presenting {@code cert} ("client", "redis" ...) or no certificate when null. */
    static Tool.Result cliAs(int port, String cert, String... command) {
        List<String> cmd = new ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1", "-p", Integer.toString(port),
            "--tls", "--cacert", CERTS.ca()));
        if (cert != null) {
            cmd.addAll(List.of("--cert", CERTS.crt(cert), "--key", CERTS.key(cert)));
        }
        cmd.addAll(List.of(command));
        return Tool.run(null, null, 20, cmd);
    }

    /** The client certificate that passes tls-auth-clients yes. */
    static Tool.Result cli(int port, String... command) {
        return cliAs(port, "client", command);
    }

    /**
     * openssl s_client: sends {@code input}, prints what came back, then the session summary;
     * {@code extra} adds options (-tls1_2, -cipher ...).
     */
    static Tool.Result sClient(int port, String input, String... extra) {
        List<String> cmd = new ArrayList<>(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port,
            "-CAfile", CERTS.ca(), "-cert", CERTS.crt("client"), "-key", CERTS.key("client"), "-ign_eof"));
        cmd.addAll(List.of(extra));
        return Tool.run(null, input.getBytes(StandardCharsets.US_ASCII), 20, cmd);
    }

    /** The tls-* directives of a server with the server-only certificate, requiring client certificates. */
    static java.util.Map<String, String> serverDirectives() {
        java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
        m.put("tls-cert-file", CERTS.crt("server"));
        m.put("tls-key-file", CERTS.key("server"));
        m.put("tls-ca-cert-file", CERTS.ca());
        m.put("tls-client-cert-file", CERTS.crt("client"));
        m.put("tls-client-key-file", CERTS.key("client"));
        m.put("tls-dh-params-file", CERTS.dh());
        return m;
    }

    /** The same directives as redis-server arguments. */
    static List<String> serverArgs() {
        List<String> out = new ArrayList<>();
        serverDirectives().forEach((k, v) -> {
            out.add("--" + k);
            out.add(v);
        });
        return out;
    }
}
