package io.ferrite.server.tls;

import io.ferrite.engine.command.Settings;
import io.netty.handler.ssl.ClientAuth;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The tls-* directives one context is built from, read together so that a context never mixes
 * values from before and after a CONFIG SET. Protocol names are checked as Redis's
 * parseProtocolsConfig checks them.
 */
record TlsSettings(String certFile, String keyFile, String keyPass, String clientCertFile, String clientKeyFile,
                   String clientKeyPass, String dhParamsFile, String caCertFile, String caCertDir, ClientAuth auth,
                   List<String> protocols, String ciphers, String ciphersuites, boolean preferServerCiphers,
                   boolean sessionCaching, long sessionCacheSize, long sessionCacheTimeout, boolean outgoingVerified,
                   String provider) {

    /** Redis's default when tls-protocols is empty: TLSv1.2 and TLSv1.3. */
    static final List<String> DEFAULT_PROTOCOLS = List.of("TLSv1.2", "TLSv1.3");

    static TlsSettings of(Settings s) throws TlsSetupException {
        return new TlsSettings(s.get("tls-cert-file"), s.get("tls-key-file"), s.get("tls-key-file-pass"),
            s.get("tls-client-cert-file"), s.get("tls-client-key-file"), s.get("tls-client-key-file-pass"),
            s.get("tls-dh-params-file"), s.get("tls-ca-cert-file"), s.get("tls-ca-cert-dir"),
            switch (s.get("tls-auth-clients")) {
                case "no" -> ClientAuth.NONE;
                case "optional" -> ClientAuth.OPTIONAL;
                default -> ClientAuth.REQUIRE;
            },
            protocols(s.get("tls-protocols")), s.get("tls-ciphers"), s.get("tls-ciphersuites"),
            s.getBool("tls-prefer-server-ciphers"), s.getBool("tls-session-caching"),
            s.getLong("tls-session-cache-size"), s.getLong("tls-session-cache-timeout"), s.getBool("tls-replication") || s.getBool("tls-cluster"),
            s.get("ssl-provider"));
    }

    static List<String> protocols(String value) throws TlsSetupException {
        if (value.isBlank()) {
            return DEFAULT_PROTOCOLS;
        }
        List<String> out = new ArrayList<>();
        for (String p : value.trim().split("\\s+")) {
            String name = switch (p.toLowerCase(Locale.ROOT)) {
                case "tlsv1" -> "TLSv1";
                case "tlsv1.1" -> "TLSv1.1";
                case "tlsv1.2" -> "TLSv1.2";
                case "tlsv1.3" -> "TLSv1.3";
                default -> throw new TlsSetupException("Invalid tls-protocols specified. "
                    + "Use a combination of 'TLSv1', 'TLSv1.1', 'TLSv1.2' and 'TLSv1.3'.");
            };
            out.add(name);
        }
        return out;
    }

    /** The key pair presented when Ferrite connects out: the client pair, else the server's (as Redis does). */
    String outgoingCert() {
        return clientCertFile.isEmpty() ? certFile : clientCertFile;
    }

    String outgoingKey() {
        return clientCertFile.isEmpty() ? keyFile : clientKeyFile;
    }

    String outgoingKeyPass() {
        return clientCertFile.isEmpty() ? keyPass : clientKeyPass;
    }
}
