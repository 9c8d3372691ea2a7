package io.ferrite.engine.command;

/** Error replies shared by many commands, worded exactly as Redis words them (server.c shared objects). */
public final class Errors {
    public static final String WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";
    public static final String SYNTAX = "ERR syntax error";
    public static final String NOT_INTEGER = "ERR value is not an integer or out of range";
    public static final String NOT_FLOAT = "ERR value is not a valid float";
    public static final String NO_SUCH_KEY = "ERR no such key";
    public static final String DB_INDEX = "ERR DB index is out of range";
    public static final String OVERFLOW = "ERR increment or decrement would overflow";
    public static final String OFFSET = "ERR offset is out of range";
    public static final String BIT_OFFSET = "ERR bit offset is not an integer or out of range";
    public static final String BIT_VALUE = "ERR bit is not an integer or out of range";
    public static final String STRING_TOO_LONG = "ERR string exceeds maximum allowed size (proto-max-bulk-len)";
    public static final String SAME_OBJECT = "ERR source and destination objects are the same";

    private Errors() {
    }

    /** "ERR invalid expire time in 'set' command" and friends. */
    public static String invalidExpire(String command) {
        return "ERR invalid expire time in '" + command + "' command";
    }
}
