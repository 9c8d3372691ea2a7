package io.ferrite.server.tls;

import io.netty.handler.ssl.ReferenceCountedOpenSslContext;
import io.netty.internal.tcnative.SSLContext;

/**
 * tls-ciphers and tls-ciphersuites handed to OpenSSL as they are written, as Redis's
 * SSL_CTX_set_cipher_list and SSL_CTX_set_ciphersuites take them: an OpenSSL cipher string
 * ("DEFAULT:-AES128-SHA256", "HIGH:!aNULL") that Netty's per-name list could not express.
 */
final class OpenSslCiphers {
    private OpenSslCiphers() {
    }

    @SuppressWarnings("deprecation") // sslCtxPointer: the one way to reach the SSL_CTX Netty built
    static void apply(ReferenceCountedOpenSslContext ctx, String ciphers, String ciphersuites) throws TlsSetupException {
        long ptr = ctx.sslCtxPointer();
        if (!ciphers.isEmpty()) {
            set(ptr, ciphers, false, "Failed to configure ciphers: ");
        }
        if (!ciphersuites.isEmpty()) {
            set(ptr, ciphersuites, true, "Failed to configure ciphersuites: ");
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
