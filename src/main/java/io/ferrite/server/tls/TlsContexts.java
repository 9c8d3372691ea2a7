package io.ferrite.server.tls;

import io.ferrite.common.Log;
import io.ferrite.engine.command.Settings;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslSessionContext;
import io.netty.handler.ssl.ReferenceCountedOpenSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;

/**
 * The TLS contexts in force, as Redis's tlsConfigure keeps them: built together from the tls-*
 * directives and swapped in only when both build (a bad CONFIG SET leaves the old ones serving).
 * Connections already open keep the context they were accepted with.
 */
public final class TlsContexts {
    /** The pair in force; null until the first {@link #configure}. */
    private volatile Pair current;

    private record Pair(TlsSettings settings, SslContext server, SslContext client, SslProvider provider) {
    }

    /**
     * Builds the server and client contexts from the directives and puts them in force; throws,
     * leaving the previous pair in force, with the reason Redis would log.
     */
    public void configure(Settings config) throws TlsSetupException {
        TlsSettings s = TlsSettings.of(config);
        if (s.certFile().isEmpty()) {
            throw new TlsSetupException("No tls-cert-file configured!");
        }
        if (s.keyFile().isEmpty()) {
            throw new TlsSetupException("No tls-key-file configured!");
        }
        if ((s.auth() != ClientAuth.NONE || s.outgoingVerified()) && s.caCertFile().isEmpty() && s.caCertDir().isEmpty()) {
            throw new TlsSetupException("Either tls-ca-cert-file or tls-ca-cert-dir must be specified when tls-cluster, "
                + "tls-replication or tls-auth-clients are enabled!");
        }
        checkDhParams(s.dhParamsFile());
        SslProvider provider = provider(s.provider());
        List<X509Certificate> cas = TrustedCertificates.load(s.caCertFile(), s.caCertDir());
        SslContext server = null;
        try {
            server = build(s, provider, cas, true);
            SslContext client = build(s, provider, cas, false);
            current = new Pair(s, server, client, provider);
        } catch (TlsSetupException e) {
            release(server);
            throw e;
        }
    }

    /** Whether {@link #configure} has succeeded once (a TLS listener or link can be made). */
    public boolean configured() {
        return current != null;
    }

    /** "openssl" or "jdk": the implementation of the contexts in force, for INFO and the logs. */
    public String providerName() {
        Pair p = current;
        return p == null ? "" : p.provider == SslProvider.JDK ? "jdk" : "openssl";
    }

    /** A handler for one accepted connection, with the server context in force. */
    public SslHandler serverHandler(ByteBufAllocator alloc) {
        Pair p = current;
        SslHandler h = p.server.newHandler(alloc);
        SSLEngine engine = h.engine();
        SSLParameters params = engine.getSSLParameters();
        // SSL_OP_CIPHER_SERVER_PREFERENCE: the server's order of tls-ciphers wins over the client's
        params.setUseCipherSuitesOrder(p.settings.preferServerCiphers());
        engine.setSSLParameters(params);
        return h;
    }

    /** A handler for a connection Ferrite opens to {@code host}:{@code port} (a master, a MIGRATE target). */
    public SslHandler clientHandler(ByteBufAllocator alloc, String host, int port) {
        return current.client.newHandler(alloc, host, port);
    }

    /**
     * The server context as the JDK's own, for listeners not built on Netty (the metrics endpoint):
     * the same files and settings, always the JDK provider.
     */
    public SSLContext jdkServerContext() throws TlsSetupException {
        Pair p = current;
        SslContext ctx = build(p.settings, SslProvider.JDK, TrustedCertificates.load(p.settings.caCertFile(),
            p.settings.caCertDir()), true);
        return ((JdkSslContext) ctx).context();
    }

    private static SslProvider provider(String wanted) throws TlsSetupException {
        return switch (wanted) {
            case "jdk" -> SslProvider.JDK;
            case "openssl" -> {
                if (!OpenSsl.isAvailable()) {
                    throw new TlsSetupException("OpenSSL (netty-tcnative) is not available: "
                        + OpenSsl.unavailabilityCause());
                }
                yield SslProvider.OPENSSL;
            }
            default -> OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
        };
    }

    private static SslContext build(TlsSettings s, SslProvider provider, List<X509Certificate> cas, boolean server)
            throws TlsSetupException {
        String cert = server ? s.certFile() : s.outgoingCert();
        String key = server ? s.keyFile() : s.outgoingKey();
        readable(cert, "Failed to load certificate: ");
        readable(key, "Failed to load private key: ");
        // OpenSSL uses the password only for an encrypted key; Netty would try to decrypt any key with one
        String pass = encrypted(key) ? (server ? s.keyPass() : s.outgoingKeyPass()) : "";
        SslContextBuilder b;
        try {
            b = server
                ? SslContextBuilder.forServer(new File(cert), new File(key), pass.isEmpty() ? null : pass)
                : SslContextBuilder.forClient().keyManager(new File(cert), new File(key), pass.isEmpty() ? null : pass)
                    // Redis 7.0 checks the chain only, never the host name (no SSL_set1_host)
                    .endpointIdentificationAlgorithm(null);
        } catch (IllegalArgumentException e) {
            throw new TlsSetupException("Failed to load certificate: " + cert + ": " + reason(e), e);
        }
        b.sslProvider(provider).protocols(s.protocols());
        if (!cas.isEmpty()) {
            b.trustManager(cas);
        }
        if (server) {
            b.clientAuth(s.auth());
            if (s.sessionCaching()) {
                b.sessionCacheSize(s.sessionCacheSize()).sessionTimeout(s.sessionCacheTimeout());
            }
        }
        if (provider == SslProvider.JDK) {
            // the JDK names its suites itself (TLS_AES_128_GCM_SHA256 ...): the lists are passed as they are
            List<String> ciphers = jdkCiphers(s);
            if (!ciphers.isEmpty()) {
                b.ciphers(ciphers);
            }
        }
        SslContext ctx;
        try {
            ctx = b.build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new TlsSetupException("Failed to load certificate: " + cert + ": " + reason(e), e);
        }
        try {
            if (ctx instanceof ReferenceCountedOpenSslContext native_) {
                OpenSslCiphers.apply(native_, s.ciphers(), s.ciphersuites());
            }
            if (server && !s.sessionCaching() && ctx.sessionContext() instanceof OpenSslSessionContext sc) {
                sc.setSessionCacheEnabled(false);
            }
        } catch (TlsSetupException e) {
            release(ctx);
            throw e;
        }
        return ctx;
    }

    private static List<String> jdkCiphers(TlsSettings s) {
        List<String> out = new java.util.ArrayList<>();
        for (String list : new String[] {s.ciphers(), s.ciphersuites()}) {
            Arrays.stream(list.split("[:,\\s]+")).filter(c -> !c.isEmpty()).forEach(out::add);
        }
        return out;
    }

    private static boolean encrypted(String keyFile) throws TlsSetupException {
        try {
            String pem = Files.readString(Path.of(keyFile), java.nio.charset.StandardCharsets.ISO_8859_1);
            return pem.contains("ENCRYPTED");
        } catch (java.io.IOException e) {
            throw new TlsSetupException("Failed to load private key: " + keyFile + ": " + e.getMessage(), e);
        }
    }

    private static void readable(String file, String what) throws TlsSetupException {
        if (!Files.isReadable(Path.of(file))) {
            throw new TlsSetupException(what + file + ": No such file or directory");
        }
    }

    /**
     * tls-dh-params-file is read and checked as Redis does; the key exchanges offered are ECDHE
     * (BoringSSL has no finite-field DHE suites), so the parameters themselves are not used.
     */
    private static void checkDhParams(String file) throws TlsSetupException {
        if (file.isEmpty()) {
            return;
        }
        String text;
        try {
            text = Files.readString(Path.of(file));
        } catch (java.io.IOException e) {
            throw new TlsSetupException("Failed to load " + file + ": " + e.getMessage(), e);
        }
        if (!text.contains("-----BEGIN DH PARAMETERS-----") && !text.contains("-----BEGIN X9.42 DH PARAMETERS-----")) {
            throw new TlsSetupException(file + ": failed to read DH params.");
        }
    }

    private static String reason(Throwable e) {
        Throwable c = e;
        while (c.getCause() != null && c.getMessage() == null) {
            c = c.getCause();
        }
        return c.getMessage() == null ? c.toString() : c.getMessage();
    }

    private static void release(SslContext ctx) {
        if (ctx instanceof ReferenceCountedOpenSslContext r) {
            r.release();
        }
    }

    /** Logs which implementation serves TLS, once at start-up. */
    public void logProvider() {
        Log.notice("TLS through " + (providerName().equals("jdk") ? "the JDK" : "OpenSSL ("
            + OpenSsl.versionString() + ")"));
    }
}
