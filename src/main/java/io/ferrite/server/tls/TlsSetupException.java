package io.ferrite.server.tls;

/** The tls-* directives do not make a usable context; the message is the line Redis would log. */
public final class TlsSetupException extends Exception {
    public TlsSetupException(String message) {
        super(message);
    }

    public TlsSetupException(String message, Throwable cause) {
        super(message, cause);
    }
}
