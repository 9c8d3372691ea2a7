package io.ferrite.server;

import io.ferrite.engine.feed.EffectFeed;
import io.netty.channel.EventLoop;

import java.util.ArrayList;
import java.util.List;

/**
 * The replies of one event loop held back for the append-only file, released together once per
 * turn of the loop, as Redis writes its AOF buffer once in beforeSleep and then every reply: the
 * first reply held in a turn schedules a task, which runs after the turn's reads; it writes (and
 * under always fsyncs) every pending entry at once through the AOF's offer ({@link
 * EffectFeed#helpDurable}), then lets go of every reply that no longer waits. A reply still
 * waiting (another thread was writing) is handed to the AOF writer, which wakes it. Touched only
 * by its event loop's thread.
 */
final class HeldReplies implements Runnable {
    private static final ThreadLocal<HeldReplies> OF_LOOP = new ThreadLocal<>();

    private final EventLoop loop;
    private final EffectFeed feed;
    private List<Held> held = new ArrayList<>();
    private List<Held> spare = new ArrayList<>();
    private long highest;

    private record Held(long seq, Runnable then) {
    }

    private HeldReplies(EventLoop loop, EffectFeed feed) {
        this.loop = loop;
        this.feed = feed;
    }

    /** Holds {@code then} (on {@code loop}'s thread) until feed entry {@code seq} is written as the policy wants. */
    static void hold(EventLoop loop, EffectFeed feed, long seq, Runnable then) {
        assert loop.inEventLoop() : "replies are held on their own event loop";
        HeldReplies h = OF_LOOP.get();
        if (h == null || h.feed != feed) {
            h = new HeldReplies(loop, feed);
            OF_LOOP.set(h);
        }
        h.add(seq, then);
    }

    private void add(long seq, Runnable then) {
        if (held.isEmpty()) {
            loop.execute(this);
        }
        held.add(new Held(seq, then));
        highest = Math.max(highest, seq);
    }

    @Override
    public void run() {
        List<Held> batch = held;
        held = spare;
        spare = batch;
        if (feed.mustWaitFor(highest)) {
            feed.helpDurable(highest);
        }
        highest = 0;
        for (Held h : batch) {
            if (!feed.mustWaitFor(h.seq())) {
                h.then().run();
            } else {
                feed.whenDurable(h.seq(), () -> loop.execute(h.then()));
            }
        }
        batch.clear();
    }
}
