package io.ferrite.engine.feed;



/**
 * One entry of the {@link EffectFeed}: a command to apply in database {@link #db}, or the MULTI or
 * EXEC that brackets the effects of one atomic unit (an EXEC, or a command Redis propagates as
 * several commands). Entries are immutable once appended; {@link #seq} numbers them in feed order.
 */
public final class FeedEntry {
    /** What an entry is: a command, or the start or end of a group that must be applied atomically. */
    public enum Kind { COMMAND, MULTI, EXEC }

    private static final byte[][] MULTI_ARGV = {{'M', 'U', 'L', 'T', 'I'}};
    private static final byte[][] EXEC_ARGV = {{'E', 'X', 'E', 'C'}};

    /** Redis's propagation targets (PROPAGATE_AOF, PROPAGATE_REPL): a script's redis.set_repl narrows them. */
    public static final int AOF = 1;
    public static final int REPLICAS = 2;
    public static final int ALL = AOF | REPLICAS;

    private final Kind kind;
    private final int db;
    private final byte[][] argv;
    private final int targets;
    /**
     * Set once by the appending thread before the entry is published through its predecessor's
     * {@link #next}; {@link #UNNUMBERED} until then (the next appender waits for it, see EffectFeed#append).
     */
    volatile long seq = UNNUMBERED;
    static final long UNNUMBERED = -1;
    volatile FeedEntry next;

    FeedEntry(Kind kind, int db, byte[][] argv, int targets) {
        this.kind = kind;
        this.db = db;
        this.argv = argv;
        this.targets = targets;
    }

    static FeedEntry command(int db, byte[][] argv) {
        return command(db, argv, ALL);
    }

    static FeedEntry command(int db, byte[][] argv, int targets) {
        return new FeedEntry(Kind.COMMAND, db, argv, targets);
    }

    static FeedEntry multi(int db) {
        return new FeedEntry(Kind.MULTI, db, MULTI_ARGV, ALL);
    }

    static FeedEntry exec(int db) {
        return new FeedEntry(Kind.EXEC, db, EXEC_ARGV, ALL);
    }

    /** Whether the entry goes to the AOF ({@link #AOF}) or to replicas ({@link #REPLICAS}). */
    public boolean goesTo(int target) {
        return (targets & target) != 0;
    }

    public Kind kind() {
        return kind;
    }

    /** The database the command applies to (for MULTI, the first command's, as Redis selects it before MULTI). */
    public int db() {
        return db;
    }

    /** The command as Redis would propagate it; MULTI and EXEC carry their own one-word argv. Not to be modified. */
    public byte[][] argv() {
        return argv;
    }

    /** Position in the feed: 1 for the first entry ever appended, then consecutive. */
    public long seq() {
        return seq;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder().append(seq).append(" db").append(db);
        for (byte[] a : argv) {
            sb.append(' ').append(new String(a, java.nio.charset.StandardCharsets.UTF_8));
        }
        return sb.toString();
    }
}
