package io.ferrite.engine;

import io.ferrite.engine.acl.AclLog;
import io.ferrite.engine.acl.Denial;
import io.ferrite.engine.command.Call;
import io.ferrite.engine.command.Command;
import io.ferrite.engine.command.CommandFlag;
import io.ferrite.engine.command.CommandTable;
import io.ferrite.engine.command.Host;
import io.ferrite.engine.tracking.Tracking;
import io.ferrite.reply.Reply;
import io.ferrite.store.Bytes;

import java.nio.charset.StandardCharsets;

/**
 * Takes a connection's requests one at a time, in order: finds the command, applies Redis's checks
 * (unknown command, arity, authentication, OOM, pauses, MULTI queueing) with Redis's words, and
 * hands it to the {@link Router}, which picks how it runs ({@link Execution}). A command whose keys
 * live on the connection's own shard runs at once on this thread; any other finishes later through
 * {@link Session#resume}.
 */
public final class Dispatcher {
    private final Host server;
    private final Engine engine;
    private final CommandTable table;
    private final Transactions transactions;
    private final ClientPause clientPause;
    private final Router router;

    public Dispatcher(Host server, Engine engine) {
        this.server = server;
        this.engine = engine;
        this.table = engine.commands();
        this.clientPause = engine.clientPause();
        this.transactions = new Transactions(server, engine);
        this.router = new Router(engine, new Squasher(engine, server));
    }

    public ClientPause clientPause() {
        return clientPause;
    }

    /** Called by a postponed connection when it resumes on its own after the pause ran out. */
    public void resumed(Session session) {
        clientPause.resumed(session);
    }

    /** The name Redis's lastcmd would give a request: the command's, or {@code <unknown>}. */
    public String commandName(byte[][] args) {
        Command cmd = table.lookup(args[0]);
        return cmd == null ? "<unknown>" : cmd.fullName();
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
        client.ran(cmd.fullName());
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
        Denial denied = AclGate.refused(server, client, client, cmd, args,
            client.inMulti ? AclLog.Context.MULTI : AclLog.Context.TOPLEVEL);
        if (denied != null) {
            reject(reply, cmd, client, denied.error(cmd.fullName()));
            return true;
        }
        // the master's commands are obeyed: a replica ignores maxmemory for them (replica-ignore-maxmemory)
        boolean overMemory = !client.master && engine.overMaxMemory();
        if (client.evictedForRequest) {
            client.evictedForRequest = false;
            overMemory &= !client.evictionFreedEnough;
        } else if (overMemory && engine.evictionPolicy() != Eviction.Policy.NOEVICTION) {
            // Redis's performEvictions before the command: the request waits, at the head of the
            // queue, while the shards remove keys, then comes back here to run or be refused
            client.evictedForRequest = true;
            client.evictionFreedEnough = false;
            session.postpone(args, EVICTION_WAIT_MILLIS);
            Eviction.run(engine, () -> {
                client.evictionFreedEnough = !engine.overMaxMemory();
                session.wake();
            });
            return false;
        }
        // an eviction past its time limit goes on in the background; meanwhile commands run (Redis's EVICT_RUNNING)
        if (overMemory && !(engine.evictionPolicy() != Eviction.Policy.NOEVICTION && engine.evictingInBackground())
                && refusedOnOom(cmd, args, client)) {
            reject(reply, cmd, client, OOM);
            return true;
        }
        String diskError = client.master ? null : server.writesDeniedBecause();
        if (diskError != null && (writes(cmd, args, client) || cmd.fullName().equals("ping"))) {
            reject(reply, cmd, client, diskError);
            return true;
        }
        String noReplicas = server.replicasDenyWrites();
        if (noReplicas != null && !client.master && writes(cmd, args, client)) {
            reject(reply, cmd, client, noReplicas);
            return true;
        }
        if (!client.master && server.readOnlyReplica() && writes(cmd, args, client)) {
            reject(reply, cmd, client, READONLY);
            return true;
        }
        if (client.resp == 2 && client.subscriptions.active() && !SUBSCRIBER_COMMANDS.contains(cmd.fullName())) {
            reject(reply, cmd, client, "ERR Can't execute '" + cmd.fullName()
                + "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context");
            return true;
        }
        if (server.staleDataRefused() && !client.master && deniedWhileStale(cmd, client)) {
            reject(reply, cmd, client, MASTERDOWN);
            return true;
        }
        if (server.loading() && !client.loader && deniedWhileLoading(cmd, client)) {
            reject(reply, cmd, client, LOADING);
            return true;
        }
        if (server.asyncLoading() && !client.loader && deniedWhileAsyncLoading(cmd, client)) {
            reject(reply, cmd, client, LOADING);
            return true;
        }
        String busy = cmd.has(CommandFlag.ALLOW_BUSY) ? null : engine.busyGate().refuse(cmd, client);
        if (busy != null) {
            reject(reply, cmd, client, busy);
            return true;
        }
        if ((client.monitor || client.replica()) && touchesKeyspace(cmd)) {
            // a replica's link (and MONITOR, which Redis flags as a replica too) may not read or write keys
            reject(reply, cmd, client, "ERR Replica can't interact with the keyspace");
            return true;
        }
        long pause = clientPause.delayFor(cmd, args, client);
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
        call.track(Tracking.tracks(client, cmd));
        return router.run(session, call);
    }

    /** Redis's is_write_command: a write command, or an EXEC whose queue holds one. */
    private static boolean writes(Command cmd, byte[][] args, Client client) {
        return cmd.has(CommandFlag.WRITE, args) || queues(cmd, client, CommandFlag.WRITE);
    }

    /** Whether {@code cmd} is an EXEC whose queue holds a command flagged {@code flag} (Redis's mstate.cmd_flags). */
    private static boolean queues(Command cmd, Client client, CommandFlag flag) {
        if (cmd.fullName().equals("exec")) {
            for (Client.QueuedCommand q : client.queued) {
                if (q.command().has(flag)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** A safety net only: the eviction run wakes the request as soon as it ends. */
    private static final long EVICTION_WAIT_MILLIS = 10_000;

    static final String OOM = "OOM command not allowed when used memory > 'maxmemory'.";

    /**
     * Redis's processCommand over maxmemory (noeviction): commands that may grow memory are
     * refused, and so is anything queued inside MULTI (queueing itself grows memory), except
     * EXEC, DISCARD, QUIT and RESET; EXEC is refused when a queued command may grow memory.
     */
    private static boolean refusedOnOom(Command cmd, byte[][] args, Client client) {
        if (cmd.has(CommandFlag.DENYOOM, args)) {
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

    static final String LOADING = "LOADING Redis is loading the dataset in memory";

    /**
     * Redis's processCommand while loading: a command without the loading flag is refused, and so
     * is EXEC when a command it queued lacks it (queued before the load began).
     */
    private static boolean deniedWhileLoading(Command cmd, Client client) {
        return lacks(cmd, client, CommandFlag.LOADING);
    }

    /** Redis's is_deny_async_loading_command: {@code cmd}, or for EXEC a command it queued, is flagged no-async-loading. */
    private static boolean deniedWhileAsyncLoading(Command cmd, Client client) {
        return cmd.has(CommandFlag.NO_ASYNC_LOADING) || queues(cmd, client, CommandFlag.NO_ASYNC_LOADING);
    }

    /** Whether {@code cmd}, or for EXEC a command it queued, lacks {@code flag} (Redis's cmd_inv_flags). */
    private static boolean lacks(Command cmd, Client client, CommandFlag flag) {
        if (!cmd.has(flag)) {
            return true;
        }
        if (cmd.fullName().equals("exec")) {
            for (Client.QueuedCommand q : client.queued) {
                if (!q.command().has(flag)) {
                    return true;
                }
            }
        }
        return false;
    }

    static final String READONLY = "READONLY You can't write against a read only replica.";
    static final String MASTERDOWN = "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.";

    /** Redis's is_denystale_command: a command without the stale flag, or an EXEC queueing one. */
    private static boolean deniedWhileStale(Command cmd, Client client) {
        return lacks(cmd, client, CommandFlag.STALE);
    }

    /** What a RESP2 client may send while subscribed (Redis 7.0's processCommand). */
    private static final java.util.Set<String> SUBSCRIBER_COMMANDS = java.util.Set.of("ping", "subscribe", "ssubscribe",
        "unsubscribe", "sunsubscribe", "psubscribe", "punsubscribe", "quit", "reset");

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

    /** Drops the client's WATCHes and MULTI state: RESET and disconnects. */
    public static void resetTransaction(Client client) {
        client.clearMulti();
        Transactions.unwatchAll(client);
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
