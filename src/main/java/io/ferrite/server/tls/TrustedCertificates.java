package io.ferrite.server.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * The certificate authorities peers are verified against: tls-ca-cert-file (PEM, one or more
 * certificates) and tls-ca-cert-dir. OpenSSL reads a directory lazily by subject hash (c_rehash
 * names); here every file of the directory that holds certificates is read once, when the context
 * is built, which trusts the same set.
 */
final class TrustedCertificates {
    private TrustedCertificates() {
    }

    static List<X509Certificate> load(String caFile, String caDir) throws TlsSetupException {
        List<X509Certificate> out = new ArrayList<>();
        if (!caFile.isEmpty()) {
            try {
                out.addAll(read(Path.of(caFile)));
            } catch (IOException | CertificateException e) {
                throw new TlsSetupException("Failed to configure CA certificate(s) file/directory: " + e.getMessage(), e);
            }
        }
        if (!caDir.isEmpty()) {
            try (DirectoryStream<Path> dir = Files.newDirectoryStream(Path.of(caDir))) {
                for (Path p : dir) {
                    if (Files.isRegularFile(p)) {
                        try {
                            out.addAll(read(p));
                        } catch (CertificateException e) {
                            // not a certificate (an index, a CRL, a README): OpenSSL skips these too
                        }
                    }
                }
            } catch (IOException e) {
                throw new TlsSetupException("Failed to configure CA certificate(s) file/directory: " + e.getMessage(), e);
            }
        }
        return out;
    }

    private static List<X509Certificate> read(Path p) throws IOException, CertificateException {
        try (InputStream in = Files.newInputStream(p)) {
            List<X509Certificate> certs = new ArrayList<>();
            for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                certs.add((X509Certificate) c);
            }
            if (certs.isEmpty()) {
                throw new CertificateException("no certificate in " + p);
            }
            return certs;
        }
    }
}
