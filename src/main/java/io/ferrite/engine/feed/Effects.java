package io.ferrite.engine.feed;



/**
 * The effects of one execution unit, gathered while it runs and appended to the feed together
 * when it ends (Redis's server.also_propagate and propagatePendingCommands): a unit of one command
 * appends it alone; a unit of several (an EXEC, SPOP with a count, XREADGROUP creating a consumer)
 * appends them wrapped in MULTI ... EXEC, MULTI taking the first command's database, as Redis 7.0
 * wraps them. A unit is used by one thread at a time (an EXEC's steps hand it along with the run).
 */
public final class Effects {
    private final EffectFeed feed;
    private final boolean transaction;
    private FeedEntry first;
    private FeedEntry last;
    private int count;
    /** Where the calls' own commands go (redis.set_repl); what commands add besides (alsoPropagate, expiries) goes everywhere, as in Redis 7.0. */
    private int callTargets = FeedEntry.ALL;

    Effects(EffectFeed feed, boolean transaction) {
        this.feed = feed;
        this.transaction = transaction;
    }

    /** True for an EXEC's unit, which expired keys met on the way join. */
    public boolean transaction() {
        return transaction;
    }

    public EffectFeed feed() {
        return feed;
    }

    /** Adds a command to propagate in database {@code db} (nothing for the memcached namespace). */
    public void add(int db, byte[][] argv) {
        add(db, argv, FeedEntry.ALL);
    }

    /**
     * A script's redis.set_repl: where the commands its calls propagate go from now on (an
     * {@link FeedEntry#AOF} and {@link FeedEntry#REPLICAS} mask; 0 propagates none of them).
     */
    public void callTargets(int targets) {
        callTargets = targets;
    }

    /** DEBUG REPLICATE: a command for the replicas only, never run here nor written to the AOF. */
    public void addForReplicas(int db, byte[][] argv) {
        add(db, argv, FeedEntry.REPLICAS);
    }

    /** Adds a call's own command (Redis's call() propagating c->argv), to the targets set by {@link #callTargets}. */
    public void addCalled(int db, byte[][] argv) {
        if (callTargets != 0) {
            add(db, argv, callTargets);
        }
    }

    private void add(int db, byte[][] argv, int targets) {
        if (db >= feed.databases()) {
            return;
        }
        FeedEntry e = FeedEntry.command(db, argv, targets);
        if (first == null) {
            first = e;
        } else {
            last.next = e;
        }
        last = e;
        count++;
    }

    public int size() {
        return count;
    }

    /**
     * Appends what was gathered (if anything) and empties the unit; returns the feed number of the
     * unit's last entry (0 when it held nothing), what a reply waits on under appendfsync always.
     */
    public long commit() {
        if (count == 0) {
            return 0;
        }
        long seq;
        if (count == 1) {
            feed.append(first, last);
            seq = last.seq;
        } else {
            FeedEntry multi = FeedEntry.multi(first.db());
            FeedEntry exec = FeedEntry.exec(last.db());
            multi.next = first;
            last.next = exec;
            feed.append(multi, exec);
            seq = exec.seq;
        }
        first = null;
        last = null;
        count = 0;
        return seq;
    }
}
