package io.ferrite.engine.feed;

/**
 * A reader of the {@link EffectFeed} from the moment it subscribed: it sees every entry appended
 * after that, in feed order, each exactly once. One thread reads a subscription; the feed's writers
 * never wait for it (entries it has not read yet stay reachable from it, so a reader that stops
 * reading must {@link #close}).
 */
public final class FeedSubscription implements AutoCloseable {
    private final EffectFeed feed;
    /** The last entry read (at first, the feed's tail when subscribing). */
    private FeedEntry last;

    FeedSubscription(EffectFeed feed, FeedEntry start) {
        this.feed = feed;
        this.last = start;
    }

    /** The next entry, or null if the writers have appended nothing more yet. */
    public FeedEntry poll() {
        FeedEntry n = last.next;
        if (n != null) {
            last = n;
        }
        return n;
    }

    /** Hands every entry available now to {@code reader}, in order; returns how many. */
    public int drain(java.util.function.Consumer<FeedEntry> reader) {
        int n = 0;
        for (FeedEntry e = poll(); e != null; e = poll()) {
            reader.accept(e);
            n++;
        }
        return n;
    }

    @Override
    public void close() {
        feed.unsubscribe(this);
    }
}
