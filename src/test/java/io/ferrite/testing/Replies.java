package io.ferrite.testing;

import java.nio.charset.StandardCharsets;

/**
 * Redis's replies as {@link RawClient} reads them off the wire, written once: the shared error
 * texts (server.c's shared objects, addReplyErrorArity) and builders for RESP values. Tests compare
 * against these instead of copying the bytes, so a reply reads the same in every test.
 */
public final class Replies {
    public static final String OK = "+OK\r\n";
    /** A nil bulk string (RESP2). */
    public static final String NIL = "$-1\r\n";
    /** A nil array (RESP2). */
    public static final String NIL_ARRAY = "*-1\r\n";
    public static final String EMPTY_ARRAY = "*0\r\n";
    public static final String ZERO = ":0\r\n";
    public static final String ONE = ":1\r\n";

    public static final String WRONGTYPE = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";
    public static final String SYNTAX = "-ERR syntax error\r\n";
    public static final String NOT_INTEGER = "-ERR value is not an integer or out of range\r\n";
    public static final String NOT_FLOAT = "-ERR value is not a valid float\r\n";
    public static final String NO_SUCH_KEY = "-ERR no such key\r\n";
    public static final String OUT_OF_RANGE = "-ERR value is out of range\r\n";
    public static final String OVERFLOW = "-ERR increment or decrement would overflow\r\n";
    public static final String STRING_TOO_LONG = "-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n";

    private Replies() {
    }

    /** addReplyErrorArity: "-ERR wrong number of arguments for 'get' command". */
    public static String arity(String command) {
        return error("ERR wrong number of arguments for '" + command + "' command");
    }

    /** "-ERR invalid expire time in 'set' command" and friends. */
    public static String invalidExpire(String command) {
        return error("ERR invalid expire time in '" + command + "' command");
    }

    /** An error reply; {@code message} starts with its code ("ERR ...", "WRONGTYPE ..."). */
    public static String error(String message) {
        return "-" + message + "\r\n";
    }

    public static String simple(String s) {
        return "+" + s + "\r\n";
    }

    public static String integer(long v) {
        return ":" + v + "\r\n";
    }

    /** A bulk string of the UTF-8 bytes of {@code s}. */
    public static String bulk(String s) {
        return "$" + s.getBytes(StandardCharsets.UTF_8).length + "\r\n" + s + "\r\n";
    }

    /** An array of the given encoded elements. */
    public static String array(String... elements) {
        return "*" + elements.length + "\r\n" + String.join("", elements);
    }

    /** An array of bulk strings. */
    public static String bulks(String... values) {
        StringBuilder sb = new StringBuilder("*").append(values.length).append("\r\n");
        for (String v : values) {
            sb.append(bulk(v));
        }
        return sb.toString();
    }
}
