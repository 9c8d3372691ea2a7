package io.ferrite.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Certificates made at test time with the openssl command (never committed keys), in the layout of
 * Redis's utils/gen-test-certs.sh: a self-signed CA, a server-only and a client-only certificate
 * (nsCertType server / client), a generic one without restrictions, each signed by the CA, and DH
 * parameters. Made once per JVM in a temporary directory.
 */
public final class TestCertificates {
    private static TestCertificates made;

    public final Path dir;

    private TestCertificates(Path dir) {
        this.dir = dir;
    }

    /** The certificates of this JVM, made on the first call. */
    public static synchronized TestCertificates get() {
        if (made == null) {
            try {
                made = make(Files.createTempDirectory("ferrite-tls-"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return made;
    }

    public String ca() {
        return file("ca.crt");
    }

    /** The certificate of {@code name} (server, client, redis), then its key. */
    public String crt(String name) {
        return file(name + ".crt");
    }

    public String key(String name) {
        return file(name + ".key");
    }

    public String dh() {
        return file("redis.dh");
    }

    public String file(String name) {
        return dir.resolve(name).toString();
    }

    /** {@code name}'s key encrypted with {@code pass} (AES-256, PKCS#8), as Redis's unit/tls makes one. */
    public String encryptedKey(String name, String pass) {
        Path out = dir.resolve(name + ".key.encrypted");
        if (!Files.exists(out)) {
            openssl(dir, "rsa", "-in", key(name), "-out", out.toString(), "-aes256", "-passout", "pass:" + pass);
        }
        return out.toString();
    }

    private static TestCertificates make(Path dir) {
        openssl(dir, "genrsa", "-out", "ca.key", "2048");
        openssl(dir, "req", "-x509", "-new", "-nodes", "-sha256", "-key", "ca.key", "-days", "30",
            "-subj", "/O=Ferrite Test/CN=Certificate Authority", "-out", "ca.crt");
        try {
            Files.writeString(dir.resolve("openssl.cnf"), """
                [ server_cert ]
                keyUsage = digitalSignature, keyEncipherment
                nsCertType = server
                [ client_cert ]
                keyUsage = digitalSignature, keyEncipherment
                nsCertType = client
                """);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        signed(dir, "server", "Server-only", "server_cert");
        signed(dir, "client", "Client-only", "client_cert");
        signed(dir, "redis", "Generic-cert", null);
        // RFC 7919's ffdhe2048 group, written as PKCS#3 DH parameters: no minute-long prime search
        openssl(dir, "genpkey", "-genparam", "-algorithm", "DH", "-pkeyopt", "dh_param:ffdhe2048", "-out", "redis.dh");
        return new TestCertificates(dir);
    }

    private static void signed(Path dir, String name, String cn, String extensions) {
        openssl(dir, "genrsa", "-out", name + ".key", "2048");
        openssl(dir, "req", "-new", "-sha256", "-subj", "/O=Ferrite Test/CN=" + cn, "-key", name + ".key",
            "-out", name + ".csr");
        List<String> args = new ArrayList<>(List.of("x509", "-req", "-sha256", "-in", name + ".csr", "-CA", "ca.crt",
            "-CAkey", "ca.key", "-CAcreateserial", "-days", "30", "-out", name + ".crt"));
        if (extensions != null) {
            args.addAll(List.of("-extfile", "openssl.cnf", "-extensions", extensions));
        }
        openssl(dir, args.toArray(String[]::new));
    }

    private static void openssl(Path dir, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add("openssl");
        cmd.addAll(List.of(args));
        Tool.Result r = Tool.run(dir, null, 60, cmd);
        if (r.exit() != 0) {
            throw new IllegalStateException("openssl " + String.join(" ", args) + " failed: " + r.out());
        }
    }
}
