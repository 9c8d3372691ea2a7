package io.ferrite.engine;

import io.ferrite.engine.command.Call;
import io.ferrite.engine.command.Command;
import io.ferrite.engine.command.CommandFlag;
import io.ferrite.engine.command.CommandTable;
import io.ferrite.engine.command.Host;
import io.ferrite.engine.tracking.Tracking;
import io.ferrite.reply.Reply;
import io.ferrite.store.Bytes;
import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Takes a connection's requests one at a time, in order: finds the command, applies Redis's checks
 * (unknown command, arity, authentication, MULTI queueing) with Redis's words, and sends it to the
 * shard(s) that own its keys. A command whose keys live on the connection's own shard runs at once
 * on this thread; any other finishes later through {@link Session#resume}.
 */
public final class Dispatcher {
    private final Host server;
    private final Engine engine;
    private final CommandTable table;
    private final Transactions transactions;
    private final ClientPause clientPause;

    public Dispatcher(Host server, Engine engine) {
        this.server = server;
        this.engine = engine;
        this.table = engine.commands();
        this.clientPause = engine.clientPause();
        this.transactions = new Transactions(this, engine);
    }

    Host server() {
        return server;
    }

    public ClientPause clientPause() {
        return clientPause;
    }

    /** Called by a postponed connection when it resumes on its own after the pause ran out. */
    public void resumed(Session session) {
        clientPause.resumed(session);
    }

    /** Handles one request; returns false when its reply will come through {@link Session#resume}. */
    public boolean process(Session session, byte[][] args) {
        Client client = session.client();
        Reply reply = session.reply();
        // the home shard's clock (at most one expiry period old, like Redis's cached server.unixtime):
        // this runs on the home shard's thread, and an unchanged value skips the volatile write
        long now = client.home.now;
        if (client.lastInteraction != now) {
            client.lastInteraction = now;
        }
        Command cmd = table.lookup(args[0]);
        if (cmd == null) {
            reply.error(unknownCommand(args));
            flagTransaction(client);
            return true;
        }
        if (cmd.hasSubcommands() && (args.length >= 2 || cmd.handler() == null)) {
            if (args.length < 2) {
                rejectArity(reply, cmd, client);
                return true;
            }
            Command sub = cmd.subcommands().get(lowerAscii(args[1]));
            if (sub == null) {
                reply.error("ERR unknown subcommand '" + truncate(args[1]) + "'. Try "
                    + cmd.name().toUpperCase(java.util.Locale.ROOT) + " HELP.");
                flagTransaction(client);
                return true;
            }
            cmd = sub;
        }
        client.lastCommand = cmd.fullName();
        if (!cmd.arityOk(args.length)) {
            rejectArity(reply, cmd, client);
            return true;
        }
        if (cmd.has(CommandFlag.PROTECTED) && !server.config().allows("enable-" + protectedName(cmd) + "-command", client.addr)) {
            String name = protectedName(cmd);
            reject(reply, cmd, client, "ERR " + name.toUpperCase(java.util.Locale.ROOT) + " command not allowed. If the enable-"
                + name + "-command option is set to \"local\", you can run it from"
                + " a local connection, otherwise you need to set this option in the configuration file, and then"
                + " restart the server.");
            return true;
        }
        if (!client.authenticated && !cmd.has(CommandFlag.NO_AUTH) && server.authRequired()) {
            reject(reply, cmd, client, "NOAUTH Authentication required.");
            return true;
        }
        if (engine.overMaxMemory() && refusedOnOom(cmd, client)) {
            reject(reply, cmd, client, OOM);
            return true;
        }
        if (client.resp == 2 && client.subscriptions.active() && !SUBSCRIBER_COMMANDS.contains(cmd.fullName())) {
            reject(reply, cmd, client, "ERR Can't execute '" + cmd.fullName()
                + "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context");
            return true;
        }
        if (client.monitor && touchesKeyspace(cmd)) {
            // Redis treats a MONITOR client as a replica: it may not read or write keys
            reject(reply, cmd, client, "ERR Replica can't interact with the keyspace");
            return true;
        }
        long pause = clientPause.delayFor(cmd, client);
        if (pause > 0) {
            clientPause.postpone(session);
            session.postpone(args, pause);
            return false;
        }
        if (cmd.kind() == Command.Kind.TRANSACTION) {
            return transactions.handle(session, cmd, args);
        }
        if (client.inMulti) {
            if (cmd.has(CommandFlag.NO_MULTI)) {
                reject(reply, cmd, client, "ERR Command not allowed inside a transaction");
                return true;
            }
            if (!cmd.fullName().equals("quit") && !cmd.fullName().equals("reset")) {
                client.queue(new Client.QueuedCommand(cmd, args));
                reply.simple("QUEUED");
                return true;
            }
        }
        Call call = new Call(cmd, args, client, server);
        call.track = Tracking.tracks(client, cmd);
        return execute(session, call);
    }

    private boolean execute(Session session, Call call) {
        Client client = session.client();
        Command cmd = call.command;
        switch (cmd.kindFor(call.args)) {
            case LOCAL -> {
                if (DEBUG_OBJECT.test(call.args)) {
                    // DEBUG's spec names no keys, but DEBUG OBJECT reads one: run it on the key's shard
                    Shard owner = engine.shardOf(call.args[2]);
                    return runOn(session, call, owner, owner != client.home || !owner.free());
                }
                call.reply = session.reply();
                call.ks = client.home.view(client.db);
                Invoker.invoke(call, client.home);
                return true;
            }
            case KEYED -> {
                if (cmd.touchesUndeclaredKeys(call.args)) {
                    holdEveryShard(session, call);
                    return false;
                }
                Shard only = singleShard(cmd, call.args);
                if (only != null) {
                    return runOn(session, call, only, only != client.home || !only.free());
                }
                KeyRouting route = KeyRouting.of(engine, cmd, call.args, client.db);
                Shard target = route.single;
                if (target == null && route.keys.isEmpty()) {
                    target = client.home;
                }
                if (target != null) {
                    return runOn(session, call, target, target != client.home || !target.free());
                }
                List<Call> calls = new ArrayList<>();
                calls.add(call);
                if (!cmd.has(CommandFlag.BLOCKING)) {
                    squashStaged(session, calls, route);
                }
                new StagedChain(engine, session, calls, route).start();
                return false;
            }
            case ALL_SHARDS -> {
                cmd.sharded().before(call);
                if (cmd.sharded().atomic()) {
                    holdEveryShard(session, call);
                } else {
                    fanOutUnheld(session, call);
                }
                return false;
            }
            default -> throw new IllegalStateException(cmd.fullName());
        }
    }

    /** Runs one call atomically with every shard held: whole-keyspace commands and calls reaching undeclared keys. */
    private void holdEveryShard(Session session, Call call) {
        new CrossShardRun(engine, session, List.of(call), List.of(new KeyRouting()), engine.shards(), false, () -> { })
            .start();
    }

    /**
     * Runs a call on one shard. Pipelined requests queued right behind it that are also single-shard
     * commands join it: each shard runs its share of the batch in request order, in one hop, all
     * shards at once, and the replies are put back in request order. This is Dragonfly's pipeline
     * squashing: it stays linearizable because a client that has not yet seen a reply cannot have
     * ordered its later requests after it, and commands on the same shard keep their order.
     */
    private boolean runOn(Session session, Call call, Shard target, boolean hop) {
        Client client = session.client();
        List<Call> calls = null;
        List<Shard> owners = null;
        boolean allInline = !hop;
        Shard[] owner = new Shard[1];
        // a command that may block runs alone: the requests behind it wait until it is answered
        for (int n = 0; n < MAX_BATCH && !call.command.has(CommandFlag.BLOCKING); n++) {
            Call next = batchable(session, owner);
            if (next == null) {
                break;
            }
            if (calls == null) {
                calls = new ArrayList<>();
                owners = new ArrayList<>();
                calls.add(call);
                owners.add(target);
            }
            calls.add(next);
            owners.add(owner[0]);
            allInline &= owner[0] == client.home;
        }
        if (allInline) {
            long t = System.nanoTime();
            for (Call c : calls == null ? List.of(call) : calls) {
                c.reply = session.reply();
                c.ks = client.home.view(client.db);
                t = Invoker.invokeAt(c, client.home, t);
            }
            return !Blocking.blockedHere(engine, session, call, client.home);
        }
        if (calls == null) {
            calls = List.of(call);
            owners = List.of(target);
            if (hop) {
                session.hopped(target);
            }
        }
        new PipelineBatch(engine, session, calls, owners).start();
        return false;
    }

    private static final int MAX_BATCH = 64;

    static final String OOM = "OOM command not allowed when used memory > 'maxmemory'.";

    /**
     * Redis's processCommand over maxmemory (noeviction): commands that may grow memory are
     * refused, and so is anything queued inside MULTI (queueing itself grows memory), except
     * EXEC, DISCARD, QUIT and RESET; EXEC is refused when a queued command may grow memory.
     */
    private static boolean refusedOnOom(Command cmd, Client client) {
        if (cmd.has(CommandFlag.DENYOOM)) {
            return true;
        }
        String name = cmd.fullName();
        if (name.equals("exec")) {
            for (Client.QueuedCommand q : client.queued) {
                if (q.command().has(CommandFlag.DENYOOM)) {
                    return true;
                }
            }
            return false;
        }
        return client.inMulti && !name.equals("discard") && !name.equals("quit") && !name.equals("reset");
    }

    /** What a RESP2 client may send while subscribed (Redis 7.0's processCommand). */
    private static final java.util.Set<String> SUBSCRIBER_COMMANDS = java.util.Set.of("ping", "subscribe", "ssubscribe",
        "unsubscribe", "sunsubscribe", "psubscribe", "punsubscribe", "quit", "reset");

    private static final java.util.function.Predicate<byte[][]> DEBUG_OBJECT = a -> a.length == 3
        && Bytes.is(a[0], "debug") && Bytes.is(a[1], "object");

    /**
     * The one shard owning all of a simple-range command's keys, found without allocating; null
     * when the keys span shards, the arguments do not fit, or the key layout is not a plain range.
     */
    private Shard singleShard(Command cmd, byte[][] args) {
        if (!cmd.simpleKeys() || OtherDatabase.of(cmd, args) >= 0) {
            return null;
        }
        int last = cmd.lastKey(args.length);
        int first = cmd.firstKey();
        if (first >= args.length || last >= args.length || last < first) {
            return null;
        }
        Shard s = engine.shardOf(args[first]);
        for (int i = first + cmd.keyStep(); i <= last; i += cmd.keyStep()) {
            if (engine.shardOf(args[i]) != s) {
                return null;
            }
        }
        return s;
    }

    /** The next queued request if it is a plain single-shard keyed command that may join a batch; its shard goes to {@code owner[0]}. */
    private Call batchable(Session session, Shard[] owner) {
        Client client = session.client();
        byte[][] args = session.peekRequest();
        Command cmd = joinable(client, args);
        if (cmd == null) {
            return null;
        }
        Shard s = singleShard(cmd, args);
        if (s == null) {
            return null;
        }
        owner[0] = s;
        return take(session, cmd, args);
    }

    /**
     * The command of a queued request that may run together with the one before it: a plain keyed
     * command that needs none of process()'s special handling (errors, MULTI, pauses, reply modes).
     */
    private Command joinable(Client client, byte[][] args) {
        if (args == null || client.inMulti || client.replyMode != Client.ReplyMode.ON) {
            return null;
        }
        Command cmd = table.lookup(args[0]);
        if (cmd == null || cmd.kind() != Command.Kind.KEYED || cmd.hasSubcommands() || !cmd.arityOk(args.length)
            || cmd.has(CommandFlag.BLOCKING)
            || (!client.authenticated && server.authRequired()) || clientPause.delayFor(cmd, client) > 0) {
            return null;
        }
        return cmd;
    }

    private Call take(Session session, Command cmd, byte[][] args) {
        Client client = session.client();
        session.takeRequest();
        client.lastCommand = cmd.fullName();
        Call call = new Call(cmd, args, client, server);
        call.track = Tracking.tracks(client, cmd);
        return call;
    }

    private static final int MAX_STAGED_KEYS = 1024;

    /**
     * Pipelined multi-key commands over several shards queued right behind a first one join its
     * chain: the holds and hops are paid once for all of them (see {@link StagedChain}).
     */
    private void squashStaged(Session session, List<Call> calls, KeyRouting route) {
        Client client = session.client();
        while (calls.size() < MAX_BATCH && route.keys.size() < MAX_STAGED_KEYS) {
            byte[][] args = session.peekRequest();
            Command cmd = joinable(client, args);
            if (cmd == null || singleShard(cmd, args) != null) {
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

    /** A whole-keyspace command that needs no atomicity (SCAN, RANDOMKEY): each shard in turn, no holds. */
    private void fanOutUnheld(Session session, Call call) {
        Client client = session.client();
        Shard[] all = engine.shards();
        Object[] parts = new Object[all.length];
        int[] pending = {all.length};
        ByteBuf buf = session.newBuffer();
        call.reply = new Reply(buf, client.resp, session.reply().listener());
        for (int i = 0; i < all.length; i++) {
            int idx = i;
            Shard s = all[i];
            s.run(() -> {
                s.beginCommand();
                Object part = Invoker.onShard(call, s.view(client.db));
                session.execute(() -> {
                    parts[idx] = part;
                    if (--pending[0] == 0) {
                        long t0 = System.nanoTime();
                        int errors = call.reply.errorCount();
                        Invoker.combine(call, java.util.Arrays.asList(parts));
                        Invoker.record(call, client.home, t0, errors);
                        session.resume(buf);
                    }
                });
            });
        }
    }

    /** EXEC: runs the queued calls as one atomic unit over every shard they (and the WATCHed keys) touch. */
    void exec(Session session, List<Client.QueuedCommand> queued, Runnable afterCalls) {
        Client client = session.client();
        List<Call> calls = new ArrayList<>(queued.size());
        List<KeyRouting> routes = new ArrayList<>(queued.size());
        KeyRouting all = new KeyRouting();
        boolean everywhere = false;
        // each command's keys live in the database it will run in: a queued SELECT changes it for those after it
        int db = client.db;
        for (Client.QueuedCommand q : queued) {
            Call call = new Call(q.command(), q.args(), client, server);
            call.track = Tracking.tracks(client, q.command(), false);
            calls.add(call);
            KeyRouting r = q.command().kind() == Command.Kind.KEYED
                ? KeyRouting.of(engine, q.command(), q.args(), db) : new KeyRouting();
            db = selectedBy(q, db);
            routes.add(r);
            all.merge(r, engine);
            everywhere |= q.command().kindFor(q.args()) == Command.Kind.ALL_SHARDS || q.command().touchesUndeclaredKeys(q.args());
        }
        // CLIENT CACHING covered the whole transaction; it ends with EXEC
        client.tracking.caching = false;
        for (Client.WatchedKey w : client.watched) {
            all.shardIds.add(w.shard().id);
        }
        Shard[] held;
        if (everywhere) {
            held = engine.shards();
        } else if (all.shardIds.isEmpty()) {
            held = new Shard[] {client.home};
        } else {
            held = all.shardIds.stream().map(engine::shard).toArray(Shard[]::new);
        }
        new CrossShardRun(engine, session, calls, routes, held, true, afterCalls).start();
    }

    /**
     * The connection is closed. An EXEC in flight keeps its WATCH state (it decides, when its
     * shards are held, whether a watched key changed) and drops it when it ends.
     */
    public static void disconnected(Client client) {
        client.gone = true;
        if (client.execRunning) {
            client.clearMulti();
        } else {
            resetTransaction(client);
        }
    }

    /** The database a client is in after queued command {@code q}, which ran in {@code db} (SELECT changes it when it succeeds). */
    private int selectedBy(Client.QueuedCommand q, int db) {
        if (!q.command().fullName().equals("select") || q.args().length != 2) {
            return db;
        }
        Long n = Bytes.parseLongStrict(q.args()[1]);
        return n != null && n >= 0 && n < engine.shard(0).databases() ? n.intValue() : db;
    }

    /** Drops the client's WATCHes and MULTI state: RESET and disconnects. */
    public static void resetTransaction(Client client) {
        client.clearMulti();
        Transactions.unwatchAll(client);
    }

    private Shard[] shardsOf(KeyRouting route) {
        return route.shardIds.stream().map(engine::shard).toArray(Shard[]::new);
    }

    /** Redis's allowProtectedAction: DEBUG follows enable-debug-command, MODULE enable-module-command. */
    private static String protectedName(Command cmd) {
        return cmd.fullName().startsWith("debug") ? "debug" : "module";
    }

    private void rejectArity(Reply reply, Command cmd, Client client) {
        reject(reply, cmd, client, "ERR wrong number of arguments for '" + cmd.fullName() + "' command");
    }

    private void reject(Reply reply, Command cmd, Client client, String error) {
        if (cmd.fullName().equals("exec")) {
            // Redis's execCommandAbort: any rejection of EXEC itself discards the transaction
            reply.error("EXECABORT Transaction discarded because of: " + (error.startsWith("ERR ") ? error.substring(4) : error));
            client.home.stats.rejected[cmd.id()]++;
            resetTransaction(client);
            return;
        }
        reply.error(error);
        client.home.stats.rejected[cmd.id()]++;
        flagTransaction(client);
    }

    private static boolean touchesKeyspace(Command cmd) {
        return cmd.has(CommandFlag.READONLY) || cmd.has(CommandFlag.WRITE) || cmd.has(CommandFlag.MAY_REPLICATE);
    }

    private static void flagTransaction(Client client) {
        if (client.inMulti) {
            client.multiAborted = true;
        }
    }

    static String unknownCommand(byte[][] args) {
        StringBuilder sb = new StringBuilder("ERR unknown command '").append(truncate(args[0]))
            .append("', with args beginning with: ");
        StringBuilder rest = new StringBuilder();
        for (int i = 1; i < args.length && rest.length() < 128; i++) {
            String a = new String(args[i], StandardCharsets.UTF_8);
            int room = 128 - rest.length();
            rest.append('\'').append(a, 0, Math.min(a.length(), room)).append("' ");
        }
        return sb.append(rest).toString();
    }

    private static String truncate(byte[] b) {
        String s = new String(b, StandardCharsets.UTF_8);
        return s.length() > 128 ? s.substring(0, 128) : s;
    }

    private static String lowerAscii(byte[] b) {
        return new String(Bytes.lower(b), StandardCharsets.UTF_8);
    }
}
