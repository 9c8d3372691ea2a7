package io.ferrite.engine;

import io.ferrite.engine.command.Call;

import java.util.List;

/**
 * The strategy for calls whose keys live on the connection's own shard, free right now: they run
 * at once on this thread, replying into the session's own buffer, with no hop, hold or object of
 * their own. Most commands of a well-spread load run this way.
 */
final class Inline {
    private Inline() {
    }

    /** Runs one call here; false when it blocked (its reply comes when it is served). */
    static boolean run(Engine engine, Session session, Call call) {
        Shard home = session.client().home;
        prepare(session, call, home);
        Execution.call(call, home, System.nanoTime());
        return !Blocking.blockedHere(engine, session, call, home);
    }

    /** Runs a call that neither blocks nor needs its shard (LOCAL: PING, CLIENT ID ...). */
    static void runLocal(Session session, Call call) {
        Shard home = session.client().home;
        prepare(session, call, home);
        Execution.call(call, home, System.nanoTime());
    }

    /** Runs squashed calls here, in request order, each one's end the next one's start. */
    static void runAll(Session session, List<Call> calls) {
        Shard home = session.client().home;
        long t = System.nanoTime();
        for (Call c : calls) {
            prepare(session, c, home);
            t = Execution.call(c, home, t);
        }
    }

    private static void prepare(Session session, Call call, Shard home) {
        call.reply(session.reply());
        call.ks(home.view(session.client().db));
    }
}
