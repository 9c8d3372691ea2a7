package io.ferrite.protocol.memcached;

import io.ferrite.command.memcached.McContext;
import io.ferrite.command.memcached.McOps;
import io.ferrite.command.memcached.McRequest;
import io.ferrite.engine.Client;
import io.ferrite.engine.acl.AclUser;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A connection's login, decided by its decoder in the order requests arrive, so a request decoded
 * after a login is judged as the logged-in user: memcached 1.6's binary SASL (list mechs 0x20, auth
 * 0x21, step 0x22; PLAIN only, as Cyrus SASL's plain plugin reads it) and its text authentication
 * (-Y: until logged in, every line but a "set" whose data is "user pass" is refused). Names and
 * passwords are ACL users'. The decoder emits {@link McRequest.Op#LOGIN} requests that the
 * connection applies when their turn comes. Touched on the connection's event loop only.
 */
final class McLogin {
    /** memcached's MAX_SASL_MECH_LEN: a longer mechanism name is an invalid argument. */
    private static final int MECH_MAX = 32;
    /** memcached's READ_BUFFER_SIZE: a text login whose data does not fit closes the connection. */
    private static final int TEXT_LOGIN_MAX = 16384;
    private static final int MAX_TOKENS = 24;
    static final int OP_SASL_LIST = 0x20;
    static final int OP_SASL_AUTH = 0x21;
    static final int OP_SASL_STEP = 0x22;
    private static final int OP_VERSION = 0x0b;
    private static final byte[] MECHS = McOps.ascii("PLAIN");
    private static final byte[] AUTHENTICATED = McOps.ascii("Authenticated");
    private static final String UNAUTHENTICATED = "CLIENT_ERROR unauthenticated\r\n";

    /** Checks credentials against the ACL users and records failures (memcached's auth_cmds, the ACL log). */
    interface Checker {
        /** The user named, when the password is theirs; else null, the failure recorded. */
        AclUser login(byte[] user, byte[] password, String object);

        /** Records a login that failed before any credentials could be checked. */
        void failed(byte[] user, String object);
    }

    private final Checker checker;
    /** Who the connection runs as when not logged in (memcached-user), null when it must log in. */
    private final AclUser anonymous;
    /** Who the requests decoded from here on run as. */
    private AclUser user;
    /** Whether requests decoded from here on run (as {@link #user}). */
    private boolean loggedIn;
    /** memcached's sasl_started: an auth succeeded or answered "continue", so a step may follow. */
    private boolean saslStarted;
    /** Cyrus's context after a successful exchange: the next credentials given fail. */
    private boolean saslDone;
    /** Text: the data length (with its CRLF) of a login "set" whose line has been read; -1 before. */
    private int textData = -1;
    /** Text: the login closed the connection; whatever else arrives is dropped. */
    private boolean closed;

    McLogin(McContext ctx, Client client, AclUser anonymous) {
        this(new Checker() {
            @Override
            public AclUser login(byte[] user, byte[] password, String object) {
                return ctx.login(client, user, password, object);
            }

            @Override
            public void failed(byte[] user, String object) {
                ctx.loginFailed(client, user, object);
            }
        }, anonymous);
    }

    private McLogin(Checker checker, AclUser anonymous) {
        this.checker = checker;
        this.anonymous = anonymous;
        this.user = anonymous;
        this.loggedIn = anonymous != null;
    }

    /** For the decoders' fuzz tests: a connection that needs no login, or must log in, with no ACL behind it (every login fails). */
    McLogin(boolean loggedIn) {
        this(new Checker() {
            @Override
            public AclUser login(byte[] user, byte[] password, String object) {
                return null;
            }

            @Override
            public void failed(byte[] user, String object) {
            }
        }, null);
        this.loggedIn = loggedIn;
    }

    /** Who the connection runs as before any login. */
    AclUser anonymous() {
        return anonymous;
    }

    boolean loggedIn() {
        return loggedIn;
    }

    /** memcached's authenticated(): SASL and VERSION run before a login, nothing else does. */
    boolean admitsBinary(int opcode) {
        return loggedIn || opcode == OP_SASL_LIST || opcode == OP_SASL_AUTH || opcode == OP_SASL_STEP
            || opcode == OP_VERSION;
    }

    /** A binary request before a login: "Auth failure." with its opcode, then the connection closes. */
    static McRequest binaryRefusal(int opcode, int opaque) {
        return McRequest.close(binary(opcode, opaque, McOps.ST_AUTH_ERROR, McOps.ascii("Auth failure.")));
    }

    /** SASL_LIST_MECHS: the mechanisms, space separated (PLAIN only). */
    static McRequest mechanisms(int opcode, int opaque) {
        McRequest r = McRequest.raw(binary(opcode, opaque, McOps.ST_OK, MECHS));
        r.proto = McRequest.Proto.BINARY;
        return r;
    }

    /**
     * SASL_AUTH or SASL_STEP with the mechanism (the key) and its data (the value), as memcached
     * drives Cyrus SASL: each starts the connection over as not logged in (here: as
     * {@link #anonymous}); an auth with no data answers "continue" (status 0x21) and a step brings
     * the credentials; a step needs an auth that succeeded or continued before it; once an exchange
     * has succeeded, credentials fail (Cyrus's finished context) until an auth has failed on it.
     */
    McRequest sasl(int opcode, int opaque, byte[] mech, byte[] data) {
        if (mech.length > MECH_MAX) {
            McRequest r = McRequest.raw(binary(opcode, opaque, McOps.ST_EINVAL, McOps.ascii("Invalid arguments")));
            r.proto = McRequest.Proto.BINARY;
            return r;
        }
        user = anonymous;
        loggedIn = anonymous != null;
        String object = opcode == OP_SASL_AUTH ? "sasl_auth" : "sasl_step";
        if (opcode == OP_SASL_AUTH) {
            boolean plain = new String(mech, java.nio.charset.StandardCharsets.ISO_8859_1).equalsIgnoreCase("PLAIN");
            if (plain && data.length == 0) {
                saslStarted = true;
                return McRequest.login(binary(opcode, opaque, McOps.ST_AUTH_CONTINUE, new byte[0]), user);
            }
            saslStarted = false;
            if (!plain) {
                saslDone = false;
                return saslFailed(opcode, opaque, new byte[0], object);
            }
        } else if (!saslStarted) {
            return saslFailed(opcode, opaque, new byte[0], object);
        }
        byte[][] parts = plainParts(data);
        if (saslDone || parts == null) {
            // an auth starts Cyrus's context afresh (the one after this succeeds); a step does not
            saslDone &= opcode != OP_SASL_AUTH;
            return saslFailed(opcode, opaque, parts == null ? new byte[0] : parts[1], object);
        }
        AclUser u = checker.login(parts[1], parts[2], object);
        if (u == null) {
            return McRequest.login(binary(opcode, opaque, McOps.ST_AUTH_ERROR, McOps.ascii("Auth failure.")), user);
        }
        user = u;
        loggedIn = true;
        saslStarted = true;
        saslDone = true;
        return McRequest.login(binary(opcode, opaque, McOps.ST_OK, AUTHENTICATED), u);
    }

    /** A SASL exchange that fails before credentials are checked (counted as memcached counts it). */
    private McRequest saslFailed(int opcode, int opaque, byte[] name, String object) {
        checker.failed(name, object);
        return McRequest.login(binary(opcode, opaque, McOps.ST_AUTH_ERROR, McOps.ascii("Auth failure.")), user);
    }

    /**
     * PLAIN's message (RFC 4616) as Cyrus's plain plugin reads it: authzid NUL authcid NUL password,
     * exactly two NULs, and an authzid, when given, naming the same user (no proxy authorization).
     */
    private static byte[][] plainParts(byte[] data) {
        int first = indexOf(data, 0);
        int second = first < 0 ? -1 : indexOf(data, first + 1);
        if (second < 0 || indexOf(data, second + 1) >= 0) {
            return null;
        }
        byte[] authz = Arrays.copyOfRange(data, 0, first);
        byte[] authc = Arrays.copyOfRange(data, first + 1, second);
        byte[] pass = Arrays.copyOfRange(data, second + 1, data.length);
        if (authc.length == 0 || (authz.length > 0 && !Arrays.equals(authz, authc))) {
            return null;
        }
        return new byte[][] {authz, authc, pass};
    }

    private static int indexOf(byte[] a, int from) {
        for (int i = from; i < a.length; i++) {
            if (a[i] == 0) {
                return i;
            }
        }
        return -1;
    }

    private static byte[] binary(int opcode, int opaque, int status, byte[] body) {
        ByteBuf b = Unpooled.buffer(24 + body.length);
        McOps.binHeader(b, opcode, 0, 0, status, body.length, opaque, 0);
        b.writeBytes(body);
        return McBinaryDecoder.toBytes(b);
    }

    /**
     * memcached's try_read_command_asciiauth, before a text connection has logged in: a line must be
     * "set <key> <flags> <exptime> <bytes>" (only the byte count is read), its data "user pass";
     * anything else is answered "CLIENT_ERROR unauthenticated" and dropped. Returns false when it
     * needs more input (or closed the connection).
     */
    boolean readText(ByteBuf in, List<Object> out) {
        if (closed) {
            in.skipBytes(in.readableBytes());
            return false;
        }
        if (textData < 0) {
            if (in.readableBytes() < 2) {
                return false;
            }
            int lf = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
            if (lf < 0) {
                if (in.readableBytes() > McTextDecoder.LINE_MAX) {
                    in.skipBytes(in.readableBytes());
                    closed = true;
                    out.add(McRequest.close(null));
                }
                return false;
            }
            byte[] line = new byte[lf - in.readerIndex()];
            in.readBytes(line);
            in.skipBytes(1);
            List<byte[]> tok = tokens(line);
            long size = tok.size() >= 5 && Arrays.equals(tok.get(0), McOps.ascii("set")) ? strtoul(tok.get(4)) : -1;
            if (size < 0) {
                out.add(text(UNAUTHENTICATED));
                return true;
            }
            if (size + 2 > TEXT_LOGIN_MAX) {
                // memcached cannot hold the data in its read buffer and drops the connection
                in.skipBytes(in.readableBytes());
                closed = true;
                out.add(McRequest.close(null));
                return false;
            }
            textData = (int) size + 2;
        }
        if (in.readableBytes() < textData) {
            return false;
        }
        byte[] data = new byte[textData];
        in.readBytes(data);
        textData = -1;
        if (data[data.length - 2] != '\r' || data[data.length - 1] != '\n') {
            out.add(text("CLIENT_ERROR bad command line termination\r\n"));
            return true;
        }
        List<byte[]> tok = tokens(Arrays.copyOf(data, data.length - 2));
        if (tok.size() < 2) {
            out.add(text("CLIENT_ERROR bad authentication token format\r\n"));
            return true;
        }
        AclUser u = checker.login(tok.get(0), tok.get(1), "set");
        if (u == null) {
            out.add(text("CLIENT_ERROR authentication failure\r\n"));
            return true;
        }
        user = u;
        loggedIn = true;
        out.add(McRequest.login(McOps.ascii("STORED\r\n"), u));
        return true;
    }

    private static McRequest text(String s) {
        return McRequest.raw(s);
    }

    /** memcached's tokenize_command: the text up to a NUL, split at spaces (runs of them count as one). */
    private static List<byte[]> tokens(byte[] line) {
        List<byte[]> t = new ArrayList<>();
        int end = indexOf(line, 0);
        if (end < 0) {
            end = line.length;
        }
        int s = 0;
        for (int i = 0; i <= end && t.size() < MAX_TOKENS - 1; i++) {
            if (i == end || line[i] == ' ') {
                if (i > s) {
                    t.add(Arrays.copyOfRange(line, s, i));
                }
                s = i + 1;
            }
        }
        return t;
    }

    /**
     * memcached's safe_strtoul: C's strtoul (leading white space, a sign, decimal digits) ending at
     * white space or the token's end, a negative number refused; the result kept to 32 bits as its
     * uint32_t. -1 when refused.
     */
    static long strtoul(byte[] s) {
        int i = 0;
        while (i < s.length && isSpace(s[i])) {
            i++;
        }
        boolean negative = false;
        if (i < s.length && (s[i] == '+' || s[i] == '-')) {
            negative = s[i] == '-';
            i++;
        }
        int digits = i;
        long v = 0;
        boolean overflow = false;
        while (i < s.length && s[i] >= '0' && s[i] <= '9') {
            int d = s[i] - '0';
            if (Long.compareUnsigned(v, Long.divideUnsigned(-1L - d, 10)) > 0) {
                overflow = true;
            }
            v = v * 10 + d;
            i++;
        }
        if (i == digits || overflow || (i < s.length && !isSpace(s[i]))) {
            return -1;
        }
        if (negative) {
            v = -v;
            if (v < 0) {
                return -1;
            }
        }
        return v & 0xffffffffL;
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || (b >= '\t' && b <= '\r');
    }
}
