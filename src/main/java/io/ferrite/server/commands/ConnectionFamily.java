package io.ferrite.server.commands;

import io.ferrite.engine.AclGate;
import io.ferrite.engine.Client;
import io.ferrite.engine.Dispatcher;
import io.ferrite.engine.Keyspace;
import io.ferrite.engine.ShardKeyspace;
import io.ferrite.engine.acl.Acl;
import io.ferrite.engine.acl.AclLog;
import io.ferrite.engine.acl.AclUser;
import io.ferrite.engine.command.Call;
import io.ferrite.engine.command.CommandRegistry;
import io.ferrite.engine.command.Errors;
import io.ferrite.engine.command.ShardedCommand;
import io.ferrite.engine.pubsub.PubSub;
import io.ferrite.engine.tracking.TrackingCommands;
import io.ferrite.server.Server;
import io.ferrite.server.Version;
import io.ferrite.store.Bytes;

import java.util.List;

/** Connection commands (PING, ECHO, QUIT, SELECT, RESET, HELLO, AUTH), as Redis 7.0 answers them. */
public final class ConnectionFamily {
    static final String WRONGPASS = "WRONGPASS invalid username-password pair or user is disabled.";
    static final String AUTH_NOPASS = "ERR AUTH <password> called without any password configured for the default user. "
        + "Are you sure your configuration is correct?";
    static final String HELLO_NOAUTH = "NOAUTH HELLO must be called with the client already authenticated, otherwise the "
        + "HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version "
        + "at the same time";

    private ConnectionFamily() {
    }

    public static void register(CommandRegistry r) {
        r.add("ping", ConnectionFamily::ping);
        r.add("echo", c -> c.reply().bulk(c.arg(1)));
        r.add("quit", ConnectionFamily::quit);
        r.add("select", ConnectionFamily::select);
        r.addSharded("reset", new Reset());
        r.add("hello", ConnectionFamily::hello);
        r.add("auth", ConnectionFamily::auth);
    }

    static void ping(Call c) {
        if (c.argc() > 2) {
            c.reply().error("ERR wrong number of arguments for 'ping' command");
        } else if (c.client.resp() == 2 && c.client.subscriptions.active()) {
            // a RESP2 subscriber gets PING's answer in the shape of a message
            c.reply().array(2);
            c.reply().bulk("pong");
            c.reply().bulk(c.argc() == 2 ? c.arg(1) : Bytes.EMPTY);
        } else if (c.argc() == 2) {
            c.reply().bulk(c.arg(1));
        } else {
            c.reply().simple("PONG");
        }
    }

    static void quit(Call c) {
        c.reply().ok();
        c.client.closeAfterReply(true);
    }

    static void select(Call c) {
        Long db = Bytes.parseLongStrict(c.arg(1));
        if (db == null || db > Integer.MAX_VALUE || db < Integer.MIN_VALUE) {
            c.reply().error(Errors.NOT_INTEGER);
            return;
        }
        if (db < 0 || db >= Server.of(c).config().getInt("databases")) {
            c.reply().error(Errors.DB_INDEX);
            return;
        }
        c.client.db(db.intValue());
        c.reply().ok();
    }

    /**
     * RESET: Redis's clearClientConnectionState, then +RESET in RESP2. The subscriptions are dropped
     * on every shard before the reply, so nothing published after it reaches the client.
     */
    static final class Reset implements ShardedCommand {
        @Override
        public void before(Call c) {
            Dispatcher.resetTransaction(c.client);
            TrackingCommands.disconnected(c.server.engine(), c.client);
            c.share(c.client.subscriptions.active() ? c.client.subscriptions.clear() : null);
        }

        @Override
        @SuppressWarnings("unchecked")
        public Object onShard(Call c, Keyspace ks) {
            if (c.shared() != null) {
                PubSub.forget(((ShardKeyspace) ks).shard(), c.client, (List<byte[]>[]) c.shared());
            }
            return null;
        }

        @Override
        public void reply(Call c, List<Object> parts) {
            reset(c);
        }

        @Override
        public boolean atomic() {
            return false;
        }
    }

    static void reset(Call c) {
        Client cl = c.client;
        cl.db(0);
        cl.resp(2);
        c.reply().protocol(2);
        // Redis's clientSetDefaultAuth
        cl.user(Server.of(c).acl().defaultUser());
        cl.authenticated(!Server.of(c).authRequired());
        cl.name("");
        if (cl.replyMode() != Client.ReplyMode.SKIP) {
            // Redis clears OFF but not the SKIP of this very command: RESET's own reply is then skipped
            cl.replyMode(Client.ReplyMode.ON);
        }
        Server.of(c).observer().monitors().remove(cl);
        c.reply().simple("RESET");
    }

    /**
     * Redis's ACLAuthenticateUser: on success the connection runs as the user; a failure is in the
     * ACL log with reason "auth", the command's name as typed and the user name tried.
     */
    static boolean authenticate(Call c, byte[] user, byte[] pass) {
        Acl acl = Server.of(c).acl();
        AclUser u = acl.authenticate(user, pass);
        if (u != null) {
            c.client.authenticated(true);
            c.client.user(u);
            return true;
        }
        AclGate.log(c.server, c.client, "auth", c.client.inMulti() ? AclLog.Context.MULTI : AclLog.Context.TOPLEVEL,
            c.arg(0), user);
        return false;
    }

    static void auth(Call c) {
        if (c.argc() > 3) {
            c.reply().error(Errors.SYNTAX);
            return;
        }
        byte[] user;
        byte[] pass;
        if (c.argc() == 2) {
            if (Server.of(c).acl().defaultUser().rules().nopass()) {
                c.reply().error(AUTH_NOPASS);
                return;
            }
            user = Bytes.of(Acl.DEFAULT);
            pass = c.arg(1);
        } else {
            user = c.arg(1);
            pass = c.arg(2);
        }
        if (authenticate(c, user, pass)) {
            c.reply().ok();
        } else {
            c.reply().error(WRONGPASS);
        }
    }

    static void hello(Call c) {
        long ver = 0;
        int next = 1;
        if (c.argc() >= 2) {
            Long v = Bytes.parseLongStrict(c.arg(next++));
            if (v == null) {
                c.reply().error("ERR Protocol version is not an integer or out of range");
                return;
            }
            ver = v;
            if (ver < 2 || ver > 3) {
                c.reply().error("NOPROTO unsupported protocol version");
                return;
            }
        }
        for (int j = next; j < c.argc(); j++) {
            int more = c.argc() - 1 - j;
            if (c.argIs(j, "auth") && more >= 2) {
                if (!authenticate(c, c.arg(j + 1), c.arg(j + 2))) {
                    c.reply().error(WRONGPASS);
                    return;
                }
                j += 2;
            } else if (c.argIs(j, "setname") && more >= 1) {
                if (!ClientFamily.setName(c, c.arg(j + 1))) {
                    return;
                }
                j++;
            } else {
                c.reply().error("ERR Syntax error in HELLO option '" + c.argString(j) + "'");
                return;
            }
        }
        if (!c.client.authenticated() && Server.of(c).authRequired()) {
            c.reply().error(HELLO_NOAUTH);
            return;
        }
        if (ver != 0) {
            c.client.resp((int) ver);
            c.reply().protocol((int) ver);
        }
        c.reply().map(7);
        c.reply().bulk("server");
        c.reply().bulk("redis");
        c.reply().bulk("version");
        c.reply().bulk(Version.REDIS);
        c.reply().bulk("proto");
        c.reply().integer(c.client.resp());
        c.reply().bulk("id");
        c.reply().integer(c.client.id);
        c.reply().bulk("mode");
        c.reply().bulk("standalone");
        c.reply().bulk("role");
        c.reply().bulk("master");
        c.reply().bulk("modules");
        c.reply().array(0);
    }
}
