package io.ferrite.persistence.snapshot;

/** An RDB file that cannot be loaded; the message is the line Redis logs for the same fault. */
public final class RdbLoadException extends Exception {
    public RdbLoadException(String message) {
        super(message);
    }
}
