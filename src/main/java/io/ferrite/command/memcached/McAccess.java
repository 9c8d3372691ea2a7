package io.ferrite.command.memcached;

import io.ferrite.engine.AclGate;
import io.ferrite.engine.Client;
import io.ferrite.engine.acl.AclLog;
import io.ferrite.engine.acl.AclUser;
import io.ferrite.engine.acl.Denial;
import io.ferrite.engine.command.Command;
import io.ferrite.engine.command.Host;
import io.ferrite.store.Bytes;
import io.netty.buffer.ByteBuf;

import java.util.EnumMap;
import java.util.Map;

/**
 * ACL rules for memcached requests: each operation is checked as the Redis command that does the
 * same to a key (its twin), so a user's command rules, categories and read/write key patterns decide
 * memcached requests as they decide Redis ones, and refusals land in the ACL log under the twin's
 * name. A get of several keys is checked key by key and refused whole.
 */
final class McAccess {
    /** ACL_DENIED text answers: memcached has no permission error, so the words of its unauthenticated request. */
    static final byte[] TEXT_DENIED = McOps.ascii("CLIENT_ERROR unauthenticated\r\n");

    /** A Redis command and how a memcached request's key becomes its arguments. */
    private record Twin(Command command, byte[] name, byte[] sub, byte[] after) {
        byte[][] args(byte[] key) {
            int n = 1 + (sub != null ? 1 : 0) + (key != null ? 1 : 0) + (after != null ? 1 : 0);
            byte[][] a = new byte[n][];
            int i = 0;
            a[i++] = name;
            if (sub != null) {
                a[i++] = sub;
            }
            if (key != null) {
                a[i++] = key;
            }
            if (after != null) {
                a[i] = after;
            }
            return a;
        }
    }

    private final Host server;
    private volatile Map<McRequest.Op, Twin> twins;
    private volatile Twin getex;

    McAccess(Host server) {
        this.server = server;
    }

    /**
     * The operations' twins: reads as GET, touching reads as GETEX (read and write), stores as SET,
     * append/prepend as APPEND, incr/decr as INCRBY/DECRBY (read and write), deletes as DEL, touch as
     * EXPIRE, flush_all as FLUSHALL, stats as INFO, verbosity as CONFIG SET, me as OBJECT ENCODING;
     * version, noop, mn and quit change and reveal nothing and are always allowed.
     */
    private Map<McRequest.Op, Twin> twins() {
        Map<McRequest.Op, Twin> t = twins;
        if (t == null) {
            t = new EnumMap<>(McRequest.Op.class);
            Twin get = twin("get", null, null);
            Twin set = twin("set", null, "");
            t.put(McRequest.Op.GET, get);
            t.put(McRequest.Op.GETS, get);
            t.put(McRequest.Op.MG, get);
            getex = twin("getex", null, null);
            t.put(McRequest.Op.GAT, getex);
            t.put(McRequest.Op.GATS, getex);
            for (McRequest.Op op : new McRequest.Op[] {McRequest.Op.SET, McRequest.Op.ADD, McRequest.Op.REPLACE,
                McRequest.Op.CAS, McRequest.Op.MS}) {
                t.put(op, set);
            }
            t.put(McRequest.Op.APPEND, twin("append", null, ""));
            t.put(McRequest.Op.PREPEND, twin("append", null, ""));
            t.put(McRequest.Op.INCR, twin("incrby", null, "1"));
            t.put(McRequest.Op.MA, twin("incrby", null, "1"));
            t.put(McRequest.Op.DECR, twin("decrby", null, "1"));
            t.put(McRequest.Op.DELETE, twin("del", null, null));
            t.put(McRequest.Op.MD, twin("del", null, null));
            t.put(McRequest.Op.TOUCH, twin("expire", null, "0"));
            t.put(McRequest.Op.FLUSH, twin("flushall", null, null));
            t.put(McRequest.Op.STATS, twin("info", null, null));
            t.put(McRequest.Op.VERBOSITY, twin("config", "set", "verbosity"));
            t.put(McRequest.Op.ME, twin("object", "encoding", null));
            twins = t;
        }
        return t;
    }

    private Twin twin(String name, String sub, String after) {
        Command c = server.engine().acl().commands().lookup(sub == null ? name : name + "|" + sub);
        if (c == null) {
            throw new IllegalStateException("no Redis command " + name + " " + sub);
        }
        return new Twin(c, Bytes.of(name), sub == null ? null : Bytes.of(sub), after == null ? null : Bytes.of(after));
    }

    /** Null when the client's user may run r, else the refusal (already in the ACL log). */
    Denial refused(McRequest r, Client client) {
        AclUser user = client.user();
        if (user == null || user.rules().allowsEverything()) {
            return null;
        }
        Twin t = twins().get(r.op);
        if (t == null) {
            return null;
        }
        if (r.op == McRequest.Op.MG && r.meta != null && (r.meta.newTtl || r.meta.vivify)) {
            // mg with T or N changes the item: a read and a write, as GETEX
            t = getex;
        }
        byte[][] keys = r.keys != null ? r.keys : new byte[][] {r.key};
        for (byte[] key : keys) {
            Denial d = AclGate.refused(server, client, client, t.command, t.args(key), AclLog.Context.TOPLEVEL);
            if (d != null) {
                return d;
            }
        }
        return null;
    }

    /**
     * What a refused request gets: memcached's words for a request it does not run for this
     * connection (binary: status 0x20 "Auth failure.", without closing as memcached does before a login).
     */
    static void writeDenied(ByteBuf out, McRequest r) {
        if (r.proto == McRequest.Proto.BINARY) {
            McOps.binError(out, r.opcode, r.opaque, McOps.ST_AUTH_ERROR);
        } else {
            out.writeBytes(TEXT_DENIED);
        }
    }
}
