package io.ferrite.engine;

import io.ferrite.engine.feed.EffectFeed;
import io.ferrite.store.Encoding;
import io.ferrite.store.Entry;
import io.ferrite.store.ValueType;

/**
 * One database across every shard, for a call that reaches keys it could not name in advance
 * (SORT ... BY/GET patterns; scripts touching undeclared keys): each operation goes straight to
 * the {@link ShardKeyspace} of the key's owning shard.
 * <p>
 * It exists only while the call holds <em>every</em> shard (see {@link AtomicRun}), which is
 * what makes touching another shard's data from the running thread safe: a held shard runs none of
 * its own work (commands, active expiry, memcached requests are parked), and each hold and release
 * is a task hand-off through the shard's event loop, so every change a shard made before the hold
 * happens-before the call, and everything the call did happens-before the shard's next task. No
 * entry moves and nothing is copied; the call sees every key exactly as its owner holds it.
 */
final class AnyKeyKeyspace implements Keyspace {
    private final Engine engine;
    private final int index;
    private final long now;

    /** Every shard must already be held by the caller, and given the command's clock {@code now}. */
    AnyKeyKeyspace(Engine engine, int index, long now) {
        this.engine = engine;
        this.index = index;
        this.now = now;
    }

    private ShardKeyspace owner(byte[] key) {
        return engine.shardOf(key).view(index);
    }

    @Override
    public int index() {
        return index;
    }

    @Override
    public long now() {
        return now;
    }

    @Override
    public Entry read(byte[] key) {
        return owner(key).read(key);
    }

    @Override
    public Entry peek(byte[] key) {
        return owner(key).peek(key);
    }

    @Override
    public Entry stored(byte[] key) {
        return owner(key).stored(key);
    }

    @Override
    public Entry write(byte[] key) {
        return owner(key).write(key);
    }

    @Override
    public Entry add(byte[] key, ValueType type, Object value, Encoding encoding) {
        return owner(key).add(key, type, value, encoding);
    }

    @Override
    public void replace(Entry e, ValueType type, Object value, Encoding encoding) {
        owner(e.key).replace(e, type, value, encoding);
    }

    @Override
    public Entry setString(byte[] key, byte[] value, Encoding encoding, boolean keepTtl) {
        return owner(key).setString(key, value, encoding, keepTtl);
    }

    @Override
    public boolean delete(byte[] key) {
        return owner(key).delete(key);
    }

    @Override
    public void lazyFreed(byte[] key, long objects) {
        owner(key).lazyFreed(key, objects);
    }

    @Override
    public void expire(Entry e, long at) {
        owner(e.key).expire(e, at);
    }

    @Override
    public void modified(Entry e, long memoryDelta) {
        owner(e.key).modified(e, memoryDelta);
    }

    @Override
    public void resized(Entry e, long memoryDelta) {
        owner(e.key).resized(e, memoryDelta);
    }

    /** The whole database: every shard's part, consistent because all are held. */
    @Override
    public int size() {
        int n = 0;
        for (int i = 0; i < engine.shardCount(); i++) {
            n += engine.shard(i).view(index).size();
        }
        return n;
    }

    @Override
    public Keyspace other(int db) {
        return new AnyKeyKeyspace(engine, db, now);
    }

    @Override
    public void notify(Notify type, String event, byte[] key) {
        owner(key).notify(type, event, key);
    }

    @Override
    public void signalReady(byte[] key) {
        owner(key).signalReady(key);
    }

    /** The changes of every shard: the call holds them all and touches each key on its owner. */
    @Override
    public long dirty() {
        long n = 0;
        for (int i = 0; i < engine.shardCount(); i++) {
            n += engine.shard(i).stats.dirty;
        }
        return n;
    }

    @Override
    public EffectFeed feed() {
        return engine.feed();
    }
}
