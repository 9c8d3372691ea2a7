package io.ferrite.engine;

import io.ferrite.common.ConnectionConfined;
import io.ferrite.engine.acl.AclUser;
import io.ferrite.engine.command.Command;
import io.ferrite.engine.pubsub.Subscriptions;
import io.ferrite.engine.tracking.ClientTracking;

import java.util.ArrayList;
import java.util.List;

/**
 * One connection's state as Redis keeps it in its client struct: database, protocol, name,
 * authentication, MULTI queue and WATCHed keys. Touched by one thread at a time: the connection's
 * loop, or the shard running the connection's current command.
 */
@ConnectionConfined
public final class Client {
    /**
     * CLIENT REPLY: ON; OFF; SKIP while the command whose reply is skipped runs; SKIP_NEXT while
     * CLIENT REPLY SKIP itself runs (Redis's CLIENT_REPLY_SKIP_NEXT, which becomes SKIP after it).
     */
    public enum ReplyMode { ON, OFF, SKIP, SKIP_NEXT }

    public final long id;
    public final long createdMillis = System.currentTimeMillis();
    public final String addr;
    public final String laddr;
    /** The shard whose event loop serves this connection; changes when the connection migrates. */
    volatile Shard home;
    volatile String name = "";
    volatile int db;
    volatile int resp = 2;
    volatile boolean authenticated;
    /** The ACL user the connection runs as (Redis's c->user); null for the server's own clients, which may run anything. */
    volatile AclUser user;
    volatile long lastInteraction = System.currentTimeMillis();
    volatile String lastCommand = "NULL";

    /** Sets {@link #lastCommand}, skipping the volatile write (a full fence) when the command is the same as before. */
    public void ran(String fullName) {
        if (lastCommand != fullName) {
            lastCommand = fullName;
        }
    }
    volatile ReplyMode replyMode = ReplyMode.ON;
    /** The running command's reply is pub/sub confirmations: pushes, delivered even under CLIENT REPLY OFF/SKIP (Redis's CLIENT_PUSHING). */
    boolean repliedWithPushes;
    volatile boolean noEvict;
    /** Connected over the unix socket (flag U); set once, before the client is registered. */
    private boolean unixSocket;
    volatile boolean killed;
    volatile boolean closeAfterReply;
    /** In MONITOR mode: sees every command the server runs (flag O). */
    volatile boolean monitor;
    /** A replica of this server since its SYNC or PSYNC (flag S, class replica). */
    volatile boolean replica;
    /** The server's own client loading the append-only file: it runs while every other client is told LOADING. */
    volatile boolean loader;

    public void markLoader() {
        loader = true;
    }

    /**
     * The replica's link to its master (Redis's CLIENT_MASTER): its commands are obeyed, never
     * refused as read-only or stale, and the keys they touch count as present even when this
     * replica's clock says they expired (the master's DEL comes in the stream).
     */
    volatile boolean master;

    public void markMaster() {
        master = true;
    }

    public boolean master() {
        return master;
    }

    /** Redis's mustObeyClient: the master's link or the AOF's loader, whose commands were already checked where they first ran. */
    public boolean mustObey() {
        return master || loader;
    }

    /** A script's own client (Redis's CLIENT_SCRIPT): commands answer a script as Redis answers Lua. */
    private boolean script;

    public void markScript() {
        script = true;
    }

    public boolean script() {
        return script;
    }
    volatile long totalInput;
    volatile long totalOutput;

    /**
     * Set once the connection is closed: a blocking command reaching its shard later must not wait
     * (or be served) for it, and replies of a WATCH still in flight are undone, not recorded.
     */
    volatile boolean gone;

    /**
     * The feed number of the last effects this client's commands produced: under appendfsync
     * always its replies leave only once the AOF has that entry on disk. Written by the thread
     * running the client's command, before the reply is handed to the connection's thread.
     */
    private long effectsSeq;

    /** A command of this client appended effects up to feed entry {@code seq} (0: none). */
    public void producedEffects(long seq) {
        if (seq > effectsSeq) {
            effectsSeq = seq;
        }
    }

    /** See {@link #producedEffects}: 0 when this client never changed anything while the feed was read. */
    public long effectsSeq() {
        return effectsSeq;
    }

    // MULTI / EXEC
    boolean inMulti;
    /** The request at the head of the queue already had its eviction run (maxmemory): it now runs or is refused. */
    boolean evictedForRequest;
    /**
     * That run ended under maxmemory (Redis's performEvictions returning EVICT_OK): the request runs
     * even if clients' buffers took memory over again meanwhile. Written on a shard before the wake-up.
     */
    volatile boolean evictionFreedEnough;
    /** An EXEC is running: its WATCH state is its own until it ends, even if the client disconnects. */
    boolean execRunning;
    boolean multiAborted;
    final List<QueuedCommand> queued = new ArrayList<>();
    /**
     * What CLIENT LIST shows of the MULTI queue (Redis's multi= and multi-mem=), published by the
     * connection's own thread so that another client's CLIENT LIST never walks this queue.
     */
    private volatile MultiFigures multiFigures = MultiFigures.NONE;

    /** Commands queued in MULTI (-1 outside MULTI) and their argument bytes, published together. */
    public record MultiFigures(int count, long memory) {
        static final MultiFigures NONE = new MultiFigures(-1, 0);
    }

    // WATCH: set from any shard when a watched key changes
    volatile boolean casDirty;
    final List<WatchedKey> watched = new ArrayList<>();

    /** The connection serving this client, for messages delivered out of band (pub/sub, invalidations). */
    volatile Session session;
    public final Subscriptions subscriptions = new Subscriptions();
    public final ClientTracking tracking = new ClientTracking();

    public Client(long id, String addr, String laddr, Shard home, boolean authenticated) {
        this.id = id;
        this.addr = addr;
        this.laddr = laddr;
        this.home = home;
        this.authenticated = authenticated;
    }

    /** The blocking command the client waits in (BLPOP ...), or null. */
    volatile BlockedClient blocked;
    /** Waiting for CLIENT PAUSE to end: Redis counts and flags such a client as blocked too. */
    volatile boolean postponed;

    /** True while the client waits in a blocking command or for CLIENT PAUSE (CLIENT LIST's flag b). */
    public boolean isBlocked() {
        return blocked != null || postponed;
    }

    public record QueuedCommand(Command command, byte[][] args) {
    }

    public record WatchedKey(int db, byte[] key, Shard shard) {
    }

    public void clearMulti() {
        inMulti = false;
        multiAborted = false;
        queued.clear();
        multiFigures = MultiFigures.NONE;
    }

    /** MULTI: commands are queued from now on. */
    void beginMulti() {
        inMulti = true;
        multiFigures = new MultiFigures(0, 0);
    }

    /** A command queued inside MULTI. */
    void queue(QueuedCommand q) {
        queued.add(q);
        long bytes = multiFigures.memory();
        for (byte[] a : q.args()) {
            bytes += a.length;
        }
        multiFigures = new MultiFigures(queued.size(), bytes);
    }

    /** The MULTI queue's figures for CLIENT LIST; readable from any thread. */
    public MultiFigures multiFigures() {
        return multiFigures;
    }

    /** MULTI state flags for CLIENT LIST. */
    public String flags() {
        StringBuilder f = new StringBuilder();
        if (replica && !monitor) {
            f.append('S');
        }
        if (monitor) {
            f.append('O');
        }
        if (subscriptions.active()) {
            f.append('P');
        }
        if (multiFigures.count() >= 0) {
            f.append('x');
        }
        if (isBlocked()) {
            f.append('b');
        }
        if (tracking.on()) {
            f.append('t');
        }
        if (tracking.brokenRedirect()) {
            f.append('R');
        }
        if (tracking.bcast()) {
            f.append('B');
        }
        if (casDirty && !watched.isEmpty()) {
            f.append('d');
        }
        if (unixSocket) {
            f.append('U');
        }
        if (noEvict) {
            f.append('e');
        }
        return f.isEmpty() ? "N" : f.toString();
    }

    // ---------------------------------------------------------------- accessors for the server and command layers

    /** True while the client WATCHes keys. */
    public boolean watching() {
        return !watched.isEmpty();
    }

    /** How many keys the client WATCHes (its memory, for maxmemory-clients); an instant's figure from other threads. */
    public int watchedCount() {
        return watched.size();
    }

    public Shard home() {
        return home;
    }

    public void home(Shard value) {
        home = value;
    }

    public String name() {
        return name;
    }

    public void name(String value) {
        name = value;
    }

    public int db() {
        return db;
    }

    public void db(int value) {
        db = value;
    }

    public int resp() {
        return resp;
    }

    public void resp(int value) {
        resp = value;
    }

    public AclUser user() {
        return user;
    }

    public void user(AclUser u) {
        user = u;
    }

    public boolean authenticated() {
        return authenticated;
    }

    public void authenticated(boolean value) {
        authenticated = value;
    }

    public long lastInteraction() {
        return lastInteraction;
    }

    public void lastInteraction(long value) {
        lastInteraction = value;
    }

    public String lastCommand() {
        return lastCommand;
    }

    public ReplyMode replyMode() {
        return replyMode;
    }

    public void replyMode(ReplyMode value) {
        replyMode = value;
    }

    public boolean repliedWithPushes() {
        return repliedWithPushes;
    }

    public void repliedWithPushes(boolean value) {
        repliedWithPushes = value;
    }

    public boolean noEvict() {
        return noEvict;
    }

    /** Marks a client accepted on the unix socket (Redis's CLIENT_UNIX_SOCKET). */
    public void viaUnixSocket() {
        unixSocket = true;
    }

    public boolean unixSocket() {
        return unixSocket;
    }

    public void noEvict(boolean value) {
        noEvict = value;
    }

    public boolean killed() {
        return killed;
    }

    public void killed(boolean value) {
        killed = value;
    }

    public boolean closeAfterReply() {
        return closeAfterReply;
    }

    public void closeAfterReply(boolean value) {
        closeAfterReply = value;
    }

    public boolean monitor() {
        return monitor;
    }

    public boolean replica() {
        return replica;
    }

    public void replica(boolean value) {
        replica = value;
    }

    public void monitor(boolean value) {
        monitor = value;
    }

    public boolean inMulti() {
        return inMulti;
    }

    public Session session() {
        return session;
    }

    public void session(Session value) {
        session = value;
    }
}
