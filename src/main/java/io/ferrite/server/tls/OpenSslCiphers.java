package io.ferrite.server.tls;

import io.ferrite.common.Log;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.ReferenceCountedOpenSslContext;
import io.netty.internal.tcnative.SSLContext;

import java.lang.reflect.Field;

/**
 * tls-ciphers and tls-ciphersuites handed to OpenSSL as they are written, as Redis's
 * SSL_CTX_set_cipher_list and SSL_CTX_set_ciphersuites take them: an OpenSSL cipher string
 * ("DEFAULT:-AES128-SHA256", "HIGH:!aNULL") that Netty's per-name list could not express.
 */
final class OpenSslCiphers {
    private OpenSslCiphers() {
    }

    static void apply(ReferenceCountedOpenSslContext ctx, String ciphers, String ciphersuites) throws TlsSetupException {
        if (ciphers.isEmpty() && ciphersuites.isEmpty()) {
            return;
        }
        long ptr = nativeContext(ctx);
        if (!ciphers.isEmpty()) {
            set(ptr, ciphers, false, "Failed to configure ciphers: ");
        }
        if (!ciphersuites.isEmpty()) {
            if (OpenSsl.versionString().startsWith("BoringSSL")) {
                // BoringSSL fixes its TLSv1.3 suites and ignores a list; say so rather than pretend
                Log.warning("tls-ciphersuites has no effect with BoringSSL (its TLSv1.3 suites are fixed); "
                    + "ssl-provider jdk applies it");
            }
            set(ptr, ciphersuites, true, "Failed to configure ciphersuites: ");
        }
    }

    /**
     * netty-tcnative's own context structure, which its SSLContext functions take (not the bare
     * SSL_CTX that sslCtxPointer returns): Netty keeps it in a protected field.
     */
    private static long nativeContext(ReferenceCountedOpenSslContext ctx) throws TlsSetupException {
        try {
            Field f = ReferenceCountedOpenSslContext.class.getDeclaredField("ctx");
            f.setAccessible(true);
            return f.getLong(ctx);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new TlsSetupException("Failed to configure ciphers: the OpenSSL context is out of reach (" + e + ")", e);
        }
    }

    private static void set(long ptr, String list, boolean tls13, String what) throws TlsSetupException {
        try {
            if (!SSLContext.setCipherSuite(ptr, list, tls13)) {
                throw new TlsSetupException(what + list);
            }
        } catch (TlsSetupException e) {
            throw e;
        } catch (Exception e) {
            throw new TlsSetupException(what + list, e);
        }
    }
}
