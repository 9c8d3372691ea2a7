package io.ferrite.persistence.aof;

/** Loading the append-only files failed; the reason was logged with Redis's words, and the server must not start. */
public final class AofLoadException extends Exception {
    public AofLoadException(String message) {
        super(message);
    }
}
