package io.ferrite.command;

import io.ferrite.engine.Client;
import io.ferrite.engine.Keyspace;
import io.ferrite.protocol.resp.Reply;
import io.ferrite.server.Server;

/**
 * One request being executed: the command, its arguments, the client, where its reply goes and
 * the keyspace it runs against (a shard's own, or entries gathered from several shards).
 */
public final class Call {
    public final Command command;
    public final byte[][] args;
    public final Client client;
    public final Server server;
    public Reply reply;
    public Keyspace ks;
    /** A tracking client's read-only command whose keys its shard remembers for invalidation (client-side caching). */
    public boolean track;

    public Call(Command command, byte[][] args, Client client, Server server) {
        this.command = command;
        this.args = args;
        this.client = client;
        this.server = server;
    }

    public int argc() {
        return args.length;
    }

    public byte[] arg(int i) {
        return args[i];
    }

    public String argString(int i) {
        return io.ferrite.store.Bytes.str(args[i]);
    }

    public boolean argIs(int i, String lowerAscii) {
        return io.ferrite.store.Bytes.is(args[i], lowerAscii);
    }

    public Keyspace ks() {
        return ks;
    }

    public long now() {
        return ks != null ? ks.now() : System.currentTimeMillis();
    }
}
