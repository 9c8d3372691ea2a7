package io.ferrite.engine;

import io.ferrite.engine.acl.AclUser;
import io.ferrite.engine.command.Call;
import io.ferrite.engine.command.Command;
import io.ferrite.engine.command.CommandFlag;
import io.ferrite.engine.command.CommandTable;
import io.ferrite.engine.command.Host;
import io.ferrite.engine.tracking.Tracking;

import java.util.ArrayList;
import java.util.List;

/**
 * Dragonfly's pipeline squashing: requests pipelined right behind a call join its run, so the
 * hops and holds are paid once for all of them. It stays linearizable because a client that has
 * not yet seen a reply cannot have ordered its later requests after it, and commands on the same
 * shard keep their order. Only plain keyed commands join: nothing that needs the dispatcher's
 * special handling (errors, MULTI, pauses, reply modes, blocking).
 */
final class Squasher {
    private static final int MAX_STAGED_KEYS = 1024;

    private final Engine engine;
    private final CommandTable table;
    private final Host server;
    private final ClientPause clientPause;

    Squasher(Engine engine, Host server) {
        this.engine = engine;
        this.table = engine.commands();
        this.server = server;
        this.clientPause = engine.clientPause();
    }

    /** A single-shard call and the queued single-shard requests that joined it, each with its shard. */
    static final class Batch {
        final List<Call> calls = new ArrayList<>();
        final List<Shard> owners = new ArrayList<>();

        Batch(Call first, Shard target) {
            add(first, target);
        }

        void add(Call call, Shard owner) {
            calls.add(call);
            owners.add(owner);
        }

        boolean allOn(Shard s) {
            for (Shard o : owners) {
                if (o != s) {
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * Takes the queued single-shard requests that may run with {@code call} (on {@code target}):
     * each shard then runs its share in request order, in one hop, all shards at once, and the
     * replies are put back in request order. Null when none joins; a command that may block
     * runs alone (the requests behind it wait until it is answered).
     */
    Batch joinSingleShard(Session session, Call call, Shard target) {
        if (call.command.has(CommandFlag.BLOCKING) || call.command.awaitsOutside() || session.peekRequest() == null) {
            // nothing pipelined behind it (pipeline depth 1): no batch, and nothing allocated
            return null;
        }
        Batch batch = null;
        Shard[] owner = new Shard[1];
        for (int n = 1, limit = session.squashLimit(); n < limit; n++) {
            Call next = batchable(session, owner);
            if (next == null) {
                break;
            }
            if (batch == null) {
                batch = new Batch(call, target);
            }
            batch.add(next, owner[0]);
        }
        return batch;
    }

    /**
     * Pipelined multi-key commands over several shards queued right behind a first one join its
     * chain (see {@link StagedChain}), their keys merged into {@code route}.
     */
    void joinStaged(Session session, List<Call> calls, KeyRouting route) {
        Client client = session.client();
        while (calls.size() < session.squashLimit() && route.keys.size() < MAX_STAGED_KEYS) {
            byte[][] args = session.peekRequest();
            Command cmd = joinable(client, args);
            if (cmd == null || KeyRouting.singleShard(engine, cmd, args) != null) {
                return;
            }
            KeyRouting r = KeyRouting.of(engine, cmd, args, client.db);
            if (r.single != null || r.keys.isEmpty()) {
                return;
            }
            calls.add(take(session, cmd, args));
            route.merge(r, engine);
        }
    }

    /**
     * Pipelined calls reaching keys they do not name (scripts, SORT BY), queued right behind a
     * first one, join its hold of every shard: each still runs alone and atomically, in request
     * order, but the shards are held and released once for all of them.
     */
    void joinReachingAnyKey(Session session, List<Call> calls) {
        while (calls.size() < session.squashLimit()) {
            byte[][] args = session.peekRequest();
            Command cmd = joinable(session.client(), args, true);
            if (cmd == null) {
                return;
            }
            calls.add(take(session, cmd, args));
        }
    }

    /** The next queued request if it is a plain single-shard keyed command; its shard goes to {@code owner[0]}. */
    private Call batchable(Session session, Shard[] owner) {
        byte[][] args = session.peekRequest();
        Command cmd = joinable(session.client(), args);
        if (cmd == null) {
            return null;
        }
        Shard s = KeyRouting.singleShard(engine, cmd, args);
        if (s == null) {
            return null;
        }
        owner[0] = s;
        return take(session, cmd, args);
    }

    /** The command of a queued request that may run together with the one before it, or null. */
    private Command joinable(Client client, byte[][] args) {
        return joinable(client, args, false);
    }

    /** As {@link #joinable(Client, byte[][])}, for commands that reach undeclared keys ({@code reachingAnyKey}) or for the others. */
    private Command joinable(Client client, byte[][] args, boolean reachingAnyKey) {
        if (args == null || client.inMulti || client.replyMode != Client.ReplyMode.ON) {
            return null;
        }
        Command cmd = table.lookup(args[0]);
        if (cmd == null || cmd.kind() != Command.Kind.KEYED || cmd.hasSubcommands() || !cmd.arityOk(args.length)
            || cmd.has(CommandFlag.BLOCKING) || cmd.awaitsOutside() || cmd.touchesUndeclaredKeys(args) != reachingAnyKey
            || (!client.authenticated && server.authRequired()) || refused(client, cmd, args) || clientPause.delayFor(cmd, args, client) > 0) {
            return null;
        }
        return cmd;
    }

    /** A request its user's ACL rules refuse is left to the dispatcher, which answers -NOPERM and logs it. */
    private boolean refused(Client client, Command cmd, byte[][] args) {
        AclUser user = client.user;
        return user != null && !user.rules().allowsEverything()
            && server.engine().acl().check(user.rules(), cmd, args) != null;
    }

    private Call take(Session session, Command cmd, byte[][] args) {
        Client client = session.client();
        session.takeRequest();
        client.ran(cmd.fullName());
        Call call = new Call(cmd, args, client, server);
        call.track(Tracking.tracks(client, cmd));
        return call;
    }
}
