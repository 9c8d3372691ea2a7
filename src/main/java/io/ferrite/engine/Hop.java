package io.ferrite.engine;

import io.ferrite.engine.command.Call;

/**
 * The strategy for one call on another shard (or on this one while it is held), with nothing
 * pipelined behind it to join: {@link ShardBatch} without its lists, since at pipeline depth 1
 * this is most of what a connection sends once its keys are spread over the shards.
 */
final class Hop extends Execution implements Runnable {
    private final Call call;
    private final Shard target;
    private final int db;

    Hop(Engine engine, Session session, Call call, Shard target) {
        super(engine, session);
        this.call = call;
        this.target = target;
        this.db = client.db;
        // allocated here, on the connection's thread, which also frees it: the pool's thread cache serves both
        call.reply(reply());
    }

    @Override
    void start() {
        target.run(this);
    }

    /** On the target's thread. */
    @Override
    public void run() {
        call.ks(target.view(db));
        try {
            call(call, target, System.nanoTime());
        } catch (Throwable e) {
            // outside the handler (which is guarded): the call still gets its one reply
            failed(call, e);
            target.writer = null;
        }
        target.tracking.broadcastNow(engine.sessions());
        if (Blocking.blockedHere(engine, session, call, target)) {
            dropReply();
            return;
        }
        resume();
    }
}
