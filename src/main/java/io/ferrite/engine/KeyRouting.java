package io.ferrite.engine;

import io.ferrite.engine.command.Command;
import io.ferrite.store.BytesKey;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/** The keys a call names and the shards that own them. */
final class KeyRouting {
    final List<BytesKey> keys = new ArrayList<>(4);
    final TreeSet<Integer> shardIds = new TreeSet<>();
    /** A single owning shard, when there is exactly one. */
    Shard single;

    /**
     * The one shard owning all of a simple-range command's keys, found without allocating; null
     * when the keys span shards, the arguments do not fit, or the key layout is not a plain range.
     */
    static Shard singleShard(Engine engine, Command cmd, byte[][] args) {
        if (!cmd.simpleKeys() || OtherDatabase.of(cmd, args) >= 0) {
            return null;
        }
        int last = cmd.lastKey(args.length);
        int first = cmd.firstKey();
        if (first >= args.length || last >= args.length || last < first) {
            return null;
        }
        Shard s = engine.shardOf(args[first]);
        for (int i = first + cmd.keyStep(); i <= last; i += cmd.keyStep()) {
            if (engine.shardOf(args[i]) != s) {
                return null;
            }
        }
        return s;
    }

    static KeyRouting of(Engine engine, Command cmd, byte[][] args, int db) {
        KeyRouting r = new KeyRouting();
        cmd.keyPositions(args, args.length, i -> r.addKey(engine, db, args[i]));
        int other = OtherDatabase.of(cmd, args);
        if (other >= 0 && other != db) {
            for (int i = 0, n = r.keys.size(); i < n; i++) {
                r.keys.add(new BytesKey(other, r.keys.get(i).bytes()));
            }
        }
        return r;
    }

    void addKey(Engine engine, int db, byte[] key) {
        keys.add(new BytesKey(db, key));
        Shard s = engine.shardOf(key);
        if (shardIds.add(s.id)) {
            single = shardIds.size() == 1 ? s : null;
        }
    }

    void merge(KeyRouting other, Engine engine) {
        keys.addAll(other.keys);
        shardIds.addAll(other.shardIds);
        single = shardIds.size() == 1 ? engine.shard(shardIds.first()) : null;
    }
}
