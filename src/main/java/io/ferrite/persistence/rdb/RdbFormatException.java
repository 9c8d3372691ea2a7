package io.ferrite.persistence.rdb;

/**
 * A payload that is not a well-formed RDB value: truncated, a length past the input, a bad
 * encoding, a structure that fails Redis's sanitize-dump-payload checks. RESTORE answers
 * "Bad data format" for all of them, as Redis does. No stack trace: it is an expected outcome of
 * reading untrusted input, and it may be thrown for every fuzzed payload.
 */
public final class RdbFormatException extends Exception {
    public RdbFormatException(String message) {
        super(message, null, false, false);
    }
}
