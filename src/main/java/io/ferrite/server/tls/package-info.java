/**
 * TLS as Redis 7.0 configures it (tls.c): one server context for the TLS listeners (RESP, and
 * memcached or metrics when asked) and one client context for the connections Ferrite opens itself
 * (replication to a TLS master, MIGRATE), both rebuilt whenever a tls-* directive changes. OpenSSL
 * (BoringSSL through netty-tcnative) when it loads, the JDK's TLS otherwise.
 */
package io.ferrite.server.tls;
