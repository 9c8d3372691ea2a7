package io.ferrite.command.memcached;

import io.ferrite.engine.acl.AclUser;
import io.ferrite.engine.acl.Denial;

/** One decoded memcached request, text, meta or binary. */
public final class McRequest {
    public enum Proto { TEXT, META, BINARY }

    public enum Op {
        GET, GETS, GAT, GATS, SET, ADD, REPLACE, APPEND, PREPEND, CAS, DELETE, INCR, DECR, TOUCH,
        FLUSH, VERSION, VERBOSITY, QUIT, STATS, NOOP,
        MG, MS, MD, MA, ME, MN,
        /** A reply decided by the decoder (errors): {@link #raw} is written as is. */
        RAW,
        /** Close the connection after writing {@link #raw} (may be null). */
        CLOSE,
        /**
         * A login decided by the decoder (memcached's SASL or its text "set user pass"): {@link #raw} is
         * the reply and {@link #user} the ACL user the connection runs as from here on (null: none yet).
         */
        LOGIN
    }

    /** memcached's KEY_MAX_LENGTH. */
    public static final int KEY_MAX = 250;
    /** {@link #value} of a storage request whose data block the decoder still has to read. */
    public static final byte[] NEEDS_DATA = new byte[0];
    /** {@link #value} of a refused storage request whose data block the decoder reads and drops. */
    public static final byte[] SWALLOW = new byte[0];

    public Proto proto = Proto.TEXT;
    public Op op;
    public byte[] key;
    public byte[][] keys;
    /** A chunk of a multiget that more chunks follow: its reply has no END. */
    public boolean more;
    /** A chunk of a multiget after its first: dropped when an earlier chunk failed. */
    public boolean continued;
    /** Its handler threw; set on the shard thread, read by the connection after the reply came back. */
    public volatile boolean failed;
    public byte[] value;
    public int flags;
    public long exptime;
    public long cas;
    public long delta;
    public long initial;
    public boolean noreply;
    public byte[] raw;
    /** stats argument, flush delay presence. */
    public String arg;
    /** The word after the stats group ("stats detail on"). */
    public String arg2;
    public boolean hasArg;
    // binary
    public int opcode;
    public int opaque;
    public boolean quiet;
    public boolean returnKey;
    // meta
    public byte[][] metaFlags;
    public McMeta.Flags meta;
    /** The key as the client sent it (base64 form for meta b). */
    public byte[] wireKey;
    /** LOGIN: who the connection runs as after it. */
    public AclUser user;
    /** The ACL's refusal, when it was checked ahead of its turn (while joining a run of pipelined requests). */
    public Denial denial;

    public static McRequest login(byte[] reply, AclUser user) {
        McRequest r = new McRequest();
        r.op = Op.LOGIN;
        r.raw = reply;
        r.user = user;
        return r;
    }

    public static McRequest raw(String s) {
        McRequest r = new McRequest();
        r.op = Op.RAW;
        r.raw = s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        return r;
    }

    public static McRequest raw(byte[] b) {
        McRequest r = new McRequest();
        r.op = Op.RAW;
        r.raw = b;
        return r;
    }

    public static McRequest close(byte[] b) {
        McRequest r = new McRequest();
        r.op = Op.CLOSE;
        r.raw = b;
        return r;
    }

    public boolean singleKey() {
        return key != null && keys == null;
    }
}
