package io.ferrite.engine;

import io.ferrite.engine.command.Call;
import io.ferrite.engine.command.Command;
import io.ferrite.engine.command.Host;
import io.ferrite.engine.tracking.Tracking;
import io.ferrite.store.Bytes;
import io.ferrite.reply.Reply;

import java.util.ArrayList;
import java.util.List;

/** MULTI, EXEC, DISCARD, WATCH and UNWATCH, with Redis's replies and errors (multi.c). */
final class Transactions {
    private final Host server;
    private final Engine engine;

    Transactions(Host server, Engine engine) {
        this.server = server;
        this.engine = engine;
    }

    boolean handle(Session session, Command cmd, byte[][] args) {
        boolean done = run(session, cmd, args);
        if (done || cmd.fullName().equals("watch")) {
            // counted and shown to MONITOR like any command; EXEC once its commands have run
            counted(session, cmd, args);
        }
        return done;
    }

    private void counted(Session session, Command cmd, byte[][] args) {
        Execution.answered(new Call(cmd, args, session.client(), server));
    }

    private boolean run(Session session, Command cmd, byte[][] args) {
        Client c = session.client();
        Reply reply = session.reply();
        switch (cmd.fullName()) {
            case "multi" -> {
                if (c.inMulti) {
                    reply.error("ERR MULTI calls can not be nested");
                } else {
                    c.beginMulti();
                    reply.ok();
                }
                return true;
            }
            case "discard" -> {
                if (!c.inMulti) {
                    reply.error("ERR DISCARD without MULTI");
                    return true;
                }
                c.clearMulti();
                unwatchAll(c);
                reply.ok();
                return true;
            }
            case "unwatch" -> {
                unwatchAll(c);
                reply.ok();
                return true;
            }
            case "watch" -> {
                if (c.inMulti) {
                    reply.error("ERR WATCH inside MULTI is not allowed");
                    return true;
                }
                return watch(session, args);
            }
            case "exec" -> {
                return exec(session, cmd, args);
            }
            default -> throw new IllegalStateException(cmd.fullName());
        }
    }

    private boolean exec(Session session, Command cmd, byte[][] args) {
        Client c = session.client();
        Reply reply = session.reply();
        if (!c.inMulti) {
            reply.error("ERR EXEC without MULTI");
            return true;
        }
        if (c.multiAborted) {
            reply.error("EXECABORT Transaction discarded because of previous errors.");
            c.clearMulti();
            unwatchAll(c);
            return true;
        }
        List<Client.QueuedCommand> queued = new ArrayList<>(c.queued);
        c.clearMulti();
        if (c.casDirty) {
            reply.nilArray();
            unwatchAll(c);
            return true;
        }
        c.execRunning = true;
        exec(session, queued, () -> {
            c.execRunning = false;
            unwatchAll(c);
            session.execute(() -> counted(session, cmd, args));
        });
        return false;
    }

    private boolean watch(Session session, byte[][] args) {
        Client c = session.client();
        int db = c.db;
        List<byte[]> fresh = new ArrayList<>();
        outer:
        for (int i = 1; i < args.length; i++) {
            for (Client.WatchedKey w : c.watched) {
                if (w.db() == db && java.util.Arrays.equals(w.key(), args[i])) {
                    continue outer;
                }
            }
            for (byte[] f : fresh) {
                if (java.util.Arrays.equals(f, args[i])) {
                    continue outer;
                }
            }
            fresh.add(args[i]);
        }
        if (fresh.isEmpty()) {
            session.reply().ok();
            return true;
        }
        new WatchRun(engine, session, fresh).start();
        return false;
    }

    /** Forgets every WATCHed key of the client (EXEC, DISCARD, UNWATCH, RESET, disconnect). */
    static void unwatchAll(Client c) {
        for (Client.WatchedKey w : c.watched) {
            w.shard().run(() -> w.shard().unwatch(w.db(), w.key(), c));
        }
        c.watched.clear();
        c.casDirty = false;
    }

    /** EXEC: runs the queued calls as one atomic unit over every shard they (and the WATCHed keys) touch. */
    private void exec(Session session, List<Client.QueuedCommand> queued, Runnable afterCalls) {
        Client client = session.client();
        List<Call> calls = new ArrayList<>(queued.size());
        List<KeyRouting> routes = new ArrayList<>(queued.size());
        KeyRouting all = new KeyRouting();
        boolean everywhere = false;
        // each command's keys live in the database it will run in: a queued SELECT changes it for those after it
        int db = client.db;
        for (Client.QueuedCommand q : queued) {
            Call call = new Call(q.command(), q.args(), client, server);
            call.track(Tracking.tracks(client, q.command(), false));
            calls.add(call);
            KeyRouting r = q.command().kind() == Command.Kind.KEYED
                ? KeyRouting.of(engine, q.command(), q.args(), db) : new KeyRouting();
            db = selectedBy(q, db);
            routes.add(r);
            all.merge(r, engine);
            everywhere |= q.command().kindFor(q.args()) == Command.Kind.ALL_SHARDS || q.command().touchesUndeclaredKeys(q.args());
        }
        // CLIENT CACHING covered the whole transaction; it ends with EXEC
        client.tracking.caching(false);
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
        new AtomicRun(engine, session, calls, routes, held, true, afterCalls).start();
    }

    /** The database a client is in after queued command {@code q}, which ran in {@code db} (SELECT changes it when it succeeds). */
    private int selectedBy(Client.QueuedCommand q, int db) {
        if (!q.command().fullName().equals("select") || q.args().length != 2) {
            return db;
        }
        Long n = Bytes.parseLongStrict(q.args()[1]);
        return n != null && n >= 0 && n < engine.shard(0).databases() ? n.intValue() : db;
    }
}
