package io.ferrite.engine.command;

import io.ferrite.engine.Client;
import io.ferrite.engine.Keyspace;
import io.ferrite.engine.feed.Effects;
import io.ferrite.reply.Reply;
import io.ferrite.store.Bytes;

/**
 * One request being executed: the command, its arguments, the client, where its reply goes and
 * the keyspace it runs against (a shard's own, or entries gathered from several shards).
 */
public final class Call {
    public final Command command;
    public final byte[][] args;
    public final Client client;
    /** The server running the call, as handlers may see it. */
    public final Host server;
    private Reply reply;
    /** What a whole-keyspace command's {@code before} hands to its parts on the shards (RESET: the subscriptions it drops). */
    private Object shared;
    private Keyspace ks;
    /** A protocol's own decoded request (memcached's), which its table's handlers read instead of {@link #args}. */
    private Object request;
    /** A tracking client's read-only command whose keys its shard remembers for invalidation (client-side caching). */
    private boolean track;

    public Call(Command command, byte[][] args, Client client, Host server) {
        this.command = command;
        this.args = args;
        this.client = client;
        this.server = server;
    }

    public int argc() {
        return args.length;
    }

    public byte[] arg(int i) {
        return args[i];
    }

    public String argString(int i) {
        return Bytes.str(args[i]);
    }

    public boolean argIs(int i, String lowerAscii) {
        return Bytes.is(args[i], lowerAscii);
    }

    public Keyspace ks() {
        return ks;
    }

    /** Where the call runs: a shard's own keyspace, or entries gathered from several (set by the engine). */
    public void ks(Keyspace keyspace) {
        ks = keyspace;
    }

    public Reply reply() {
        return reply;
    }

    /** Where the reply goes (set by the engine before the handler runs). */
    public void reply(Reply writer) {
        reply = writer;
    }

    @SuppressWarnings("unchecked")
    public <T> T request() {
        return (T) request;
    }

    public void request(Object decoded) {
        request = decoded;
    }

    public Object shared() {
        return shared;
    }

    public void share(Object value) {
        shared = value;
    }

    public boolean tracked() {
        return track;
    }

    public void track(boolean on) {
        track = on;
    }

    /** How this call runs commands inside itself (a script); null unless the engine runs it holding every shard. */
    private NestedCalls nested;

    public NestedCalls nested() {
        return nested;
    }

    public void nested(NestedCalls runner) {
        nested = runner;
    }

    public long now() {
        return ks != null ? ks.now() : System.currentTimeMillis();
    }

    // Blocking commands (see Blockable)

    /** Set when the client may not block (inside MULTI/EXEC; scripts should set it too): blocking commands then answer as if timed out. */
    private boolean denyBlocking;
    /** Set by {@link #block}: the engine keeps the client waiting instead of sending a reply. */
    private Blockable.Request blockRequest;
    /** How long the call ran before it blocked (µs): its slow-log duration once the wait ends. */
    private long blockedMicros;

    public void denyBlocking(boolean deny) {
        denyBlocking = deny;
    }

    /** True when the handler asked to block ({@link #block}). */
    public boolean blocked() {
        return blockRequest != null;
    }

    /** The engine takes over a call that asked to block. */
    public Blockable.Request takeBlockRequest() {
        Blockable.Request r = blockRequest;
        blockRequest = null;
        return r;
    }

    public long blockedMicros() {
        return blockedMicros;
    }

    public void blockedMicros(long micros) {
        blockedMicros = micros;
    }

    /** False inside MULTI/EXEC, where Redis's CLIENT_DENY_BLOCKING makes blocking commands return at once. */
    public boolean mayBlock() {
        return !denyBlocking;
    }

    // Propagation (the effects feed: what the AOF and replicas receive)

    /** The unit this call's effects go to while it runs, or null when nobody subscribes to the feed (set by the engine). */
    private Effects effects;
    /** Redis's rewriteClientCommandVector: what to propagate instead of {@link #args} if the call changed the dataset. */
    private byte[][] propagateAs;
    /** Redis's preventCommandPropagation: the call's own arguments are not propagated (it propagated its effects itself). */
    private boolean propagationPrevented;

    public Effects effects() {
        return effects;
    }

    public void effects(Effects unit) {
        effects = unit;
    }

    /** What the call propagates if it changed the dataset: its arguments, or what it rewrote them to; null if prevented. */
    public byte[][] propagated() {
        return propagationPrevented ? null : propagateAs != null ? propagateAs : args;
    }

    /** Before the handler runs: no rewrite, nothing prevented. */
    public void resetPropagation() {
        propagateAs = null;
        propagationPrevented = false;
    }

    /** Propagates {@code argv} instead of the call's own arguments, if the call changes the dataset. */
    public void propagateAs(byte[]... argv) {
        propagateAs = argv;
    }

    /** Redis's alsoPropagate: propagates {@code argv} in the call's database now, in order with its other effects. */
    public void alsoPropagate(byte[]... argv) {
        if (effects != null) {
            effects.add(ks.index(), argv);
        }
    }

    /** True when the effects feed listens: a handler may skip building what it would propagate otherwise. */
    public boolean propagating() {
        return effects != null;
    }

    public void preventPropagation() {
        propagationPrevented = true;
    }

    // Waiting for work outside the engine (see OutsideWork)

    /** Set by {@link #awaitOutside} on the first run; taken by the engine. */
    private OutsideWork outside;
    /** The work the first run handed over, on the second run; null on the first. */
    private OutsideWork awaited;

    /** On the first run of a command registered with {@link CommandRegistry#addAwaiting}: reply nothing, run again once {@code work} is done. */
    public void awaitOutside(OutsideWork work) {
        outside = work;
    }

    /** The engine takes over the work {@link #awaitOutside} handed over (null if none), to run the handler again after it. */
    public OutsideWork takeOutsideWork() {
        OutsideWork w = outside;
        outside = null;
        if (w != null) {
            awaited = w;
        }
        return w;
    }

    /** On the second run: the work the first run handed over; null on the first run. */
    @SuppressWarnings("unchecked")
    public <T extends OutsideWork> T awaited() {
        return (T) awaited;
    }

    /** True between {@link #awaitOutside} and the engine taking the work: the call has not ended yet. */
    public boolean awaitingOutside() {
        return outside != null;
    }

    /** Blocks the client on {@code keys} until one is served by {@code how} or {@code deadline} (Unix ms, 0 = forever) passes; reply nothing. */
    public void block(byte[][] keys, long deadline, Blockable how) {
        blockRequest = new Blockable.Request(keys, deadline, how);
    }
}
