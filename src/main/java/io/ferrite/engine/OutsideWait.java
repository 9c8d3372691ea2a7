package io.ferrite.engine;

import io.ferrite.common.Log;
import io.ferrite.engine.command.Call;
import io.ferrite.engine.command.Command;
import io.ferrite.engine.command.OutsideWork;
import io.ferrite.engine.pubsub.OutOfBand;
import io.ferrite.reply.Reply;
import io.netty.buffer.ByteBuf;

import java.util.List;

/**
 * The strategy for a command that waits for work outside the engine ({@link OutsideWork}: MIGRATE's
 * round trip to another server). Its first step runs on its keys as any keyed call does ({@link Hop}
 * on one shard, {@link StagedChain} over several); when the handler handed over outside work, the
 * holds end, the work runs with no shard waiting for it, and a second step runs the handler again on
 * the same keys, whose reply is the call's one reply. Meanwhile the client waits, like a blocked one:
 * its pipelined requests run after the reply. Holding the keys through a network round trip would
 * stall every command on them for as long as the other server takes; instead the second step must
 * find out for itself what changed meanwhile.
 */
final class OutsideWait {
    private final Engine engine;
    private final Session session;
    private final Call call;

    OutsideWait(Engine engine, Session session, Call call) {
        this.engine = engine;
        this.session = session;
        this.call = call;
    }

    void start() {
        step(new FirstStep());
    }

    /** Runs the call on its keys, its reply going to {@code to}. */
    private void step(Session to) {
        Client client = session.client();
        if (call.command.kindFor(call.args) == Command.Kind.LOCAL) {
            stepHere(to, client);
            return;
        }
        KeyRouting route = KeyRouting.of(engine, call.command, call.args, client.db);
        if (route.keys.isEmpty() || route.single != null) {
            new Hop(engine, to, call, route.single != null ? route.single : client.home).start();
        } else {
            new StagedChain(engine, to, List.of(call), route).start();
        }
    }

    /**
     * A keyless call (SHUTDOWN, WAIT, CLIENT LIST) runs on the session's thread as every LOCAL
     * command does, never queued behind a held shard: SHUTDOWN NOSAVE must end a server whose
     * shards a runaway script holds.
     */
    private void stepHere(Session to, Client client) {
        Shard home = client.home;
        ByteBuf out = to.newBuffer();
        call.reply(new Reply(out, client.resp, to.reply().listener()));
        call.ks(home.view(client.db));
        Execution.call(call, home, System.nanoTime());
        // after the dispatcher has returned, as a shard's reply would come
        to.execute(() -> to.resume(out));
    }

    /** On the session's thread, once the outside work ended: the second step answers the client. */
    private void secondStep() {
        step(session);
    }

    /**
     * The session as the first step sees it: a reply (an error, or an answer needing no outside
     * work) goes to the client; an empty one, left by a call that handed over work, starts the work.
     */
    private final class FirstStep implements Session {
        @Override
        public void resume(ByteBuf reply) {
            OutsideWork work = call.takeOutsideWork();
            if (work == null) {
                session.resume(reply);
                return;
            }
            reply.release();
            try {
                work.start(() -> session.execute(OutsideWait.this::secondStep));
            } catch (Throwable e) {
                // the work could not even start: the second step still answers, from what the work recorded
                Log.warning("Internal error starting outside work of '" + call.command.fullName() + "': " + e);
                session.execute(OutsideWait.this::secondStep);
            }
        }

        @Override
        public Client client() {
            return session.client();
        }

        @Override
        public Reply reply() {
            return session.reply();
        }

        @Override
        public ByteBuf newBuffer() {
            return session.newBuffer();
        }

        @Override
        public void execute(Runnable task) {
            session.execute(task);
        }

        @Override
        public void close() {
            session.close();
        }

        @Override
        public void deliver(OutOfBand message) {
            session.deliver(message);
        }
    }
}
