package io.ferrite.server.snapshot;

import io.ferrite.persistence.snapshot.RdbFile;
import io.ferrite.persistence.snapshot.ShardPart;
import io.ferrite.engine.AccessTracking;
import io.ferrite.engine.Eviction;
import io.ferrite.engine.LruClock;
import io.ferrite.engine.Shard;
import io.ferrite.persistence.rdb.Limits;
import io.ferrite.persistence.rdb.RdbOutput;
import io.ferrite.persistence.rdb.ValueWriter;
import io.ferrite.store.Entry;

/**
 * Serialises a shard's numbered databases on the shard's own thread, as Redis's rdbSaveDb writes
 * each key (rdbSaveKeyValuePair): EXPIRETIME_MS when the key has a TTL, then the type byte, the
 * key and the value. Keys stored but already logically expired are written too, as Redis writes
 * every key its dict holds; the loader drops them. memcached's namespace is not saved.
 */
public final class ShardSerializer {
    private ShardSerializer() {
    }

    public static ShardPart serialise(Shard shard, Limits limits) {
        int databases = shard.databases();
        byte[][] records = new byte[databases][];
        long[] keys = new long[databases];
        long[] expires = new long[databases];
        for (int db = 0; db < databases; db++) {
            if (shard.keys(db) == 0) {
                continue;
            }
            RdbOutput out = limits.output(1024);
            int index = db;
            AccessSave idleNow = AccessSave.of(shard);
            shard.view(db).forEachStored(e -> {
                if (writeRecord(out, e, limits, idleNow)) {
                    expires[index]++;
                }
                keys[index]++;
            });
            records[db] = out.toByteArray();
        }
        return new ShardPart(records, keys, expires);
    }

    /**
     * The time keys' idle times are measured from when an LRU policy is on (rdbSaveKeyValuePair
     * saves them only then, so a restart keeps the eviction order), else -1.
     */
    /**
     * What a save writes of each key's access field, as rdbSaveKeyValuePair: its idle seconds under
     * an LRU policy (IDLE), its decayed counter under an LFU policy (FREQ), nothing otherwise; both
     * as of {@code now}, the save's cut.
     */
    record AccessSave(boolean idle, AccessTracking lfu, long now) {
        static AccessSave of(Shard shard) {
            Eviction.Policy p = shard.engine.evictionPolicy();
            AccessTracking t = shard.engine.access();
            return new AccessSave(p == Eviction.Policy.ALLKEYS_LRU || p == Eviction.Policy.VOLATILE_LRU,
                p.lfu() && t.lfu() ? t : null, System.currentTimeMillis());
        }
    }

    /** One key as rdbSaveKeyValuePair writes it; true when it has a TTL. */
    static boolean writeRecord(RdbOutput out, Entry e, Limits limits, AccessSave access) {
        boolean ttl = e.hasExpiry();
        if (ttl) {
            out.writeByte(RdbFile.OPCODE_EXPIRETIME_MS);
            out.writeMillis(e.expireAt());
        }
        if (access.idle()) {
            out.writeByte(RdbFile.OPCODE_IDLE);
            out.writeLen(LruClock.idleMillis(e.lru(), access.now()) / 1000);
        }
        if (access.lfu() != null) {
            out.writeByte(RdbFile.OPCODE_FREQ);
            out.writeByte(access.lfu().counter(e.lru(), access.now()));
        }
        writeKey(out, e, limits);
        return ttl;
    }

    /** The type byte, the key, the value. */
    private static void writeKey(RdbOutput out, Entry e, Limits limits) {
        ValueWriter.write(out, e.type(), e.value(), limits, e.key);
    }
}
