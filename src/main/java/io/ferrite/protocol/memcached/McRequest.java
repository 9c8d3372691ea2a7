package io.ferrite.protocol.memcached;

/** One decoded memcached request, text, meta or binary. */
final class McRequest {
    enum Proto { TEXT, META, BINARY }

    enum Op {
        GET, GETS, GAT, GATS, SET, ADD, REPLACE, APPEND, PREPEND, CAS, DELETE, INCR, DECR, TOUCH,
        FLUSH, VERSION, VERBOSITY, QUIT, STATS, NOOP,
        MG, MS, MD, MA, ME, MN,
        /** A reply decided by the decoder (errors): {@link #raw} is written as is. */
        RAW,
        /** Close the connection after writing {@link #raw} (may be null). */
        CLOSE
    }

    Proto proto = Proto.TEXT;
    Op op;
    byte[] key;
    byte[][] keys;
    /** A chunk of a multiget that more chunks follow: its reply has no END. */
    boolean more;
    /** A chunk of a multiget after its first: dropped when an earlier chunk failed. */
    boolean continued;
    /** Its handler threw; set on the shard thread, read by the connection after the reply came back. */
    volatile boolean failed;
    byte[] value;
    int flags;
    long exptime;
    long cas;
    long delta;
    long initial;
    boolean noreply;
    byte[] raw;
    /** stats argument, flush delay presence. */
    String arg;
    /** The word after the stats group ("stats detail on"). */
    String arg2;
    boolean hasArg;
    // binary
    int opcode;
    int opaque;
    boolean quiet;
    boolean returnKey;
    // meta
    byte[][] metaFlags;
    McMeta.Flags meta;
    /** The key as the client sent it (base64 form for meta b). */
    byte[] wireKey;

    static McRequest raw(String s) {
        McRequest r = new McRequest();
        r.op = Op.RAW;
        r.raw = s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        return r;
    }

    static McRequest raw(byte[] b) {
        McRequest r = new McRequest();
        r.op = Op.RAW;
        r.raw = b;
        return r;
    }

    static McRequest close(byte[] b) {
        McRequest r = new McRequest();
        r.op = Op.CLOSE;
        r.raw = b;
        return r;
    }

    boolean singleKey() {
        return key != null && keys == null;
    }
}
