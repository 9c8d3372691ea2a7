package io.ferrite.store.set;

import io.ferrite.common.ShardConfined;
import io.ferrite.store.Bytes;
import io.ferrite.store.CollectionValue;
import io.ferrite.store.Encoding;
import io.ferrite.store.MemoryEstimate;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * A Redis set: an {@link IntSet} while every member is a canonical integer and there are at most
 * set-max-intset-entries of them, else a hash table of members (Redis 7.0 has no listpack sets).
 * Conversion is one-way, as in Redis.
 */
@ShardConfined
public final class SetValue implements CollectionValue {
    /** A hash-table member. */
    static final class Member extends ChainedTable.Node<Member> {
        Member(byte[] key) {
            super(key);
        }
    }

    /** Object header, key reference, hash and chain link of a node. */
    private static final long NODE = 24;

    private IntSet ints;
    private ChainedTable<Member> table;
    private long nodeBytes;

    private SetValue(IntSet ints, ChainedTable<Member> table) {
        this.ints = ints;
        this.table = table;
    }

    /** Redis's setTypeCreate: an intset if the first member is an integer, else a hash table. */
    public static SetValue createFor(byte[] first, int sizeHint) {
        if (Bytes.isCanonicalLong(first)) {
            return new SetValue(new IntSet(), null);
        }
        return new SetValue(null, new ChainedTable<>(sizeHint));
    }

    /** An empty intset-encoded set (Redis's createIntsetObject, used for the results of set algebra). */
    public static SetValue intset() {
        return new SetValue(new IntSet(), null);
    }

    /** An empty hash-table-encoded set (a set loaded with more members than set-max-intset-entries). */
    public static SetValue table(int sizeHint) {
        return new SetValue(null, new ChainedTable<>(sizeHint));
    }

    /** The intset of an intset-encoded set, null for a hash table (for writing it out as Redis lays it). */
    public IntSet intSet() {
        return ints;
    }

    public Encoding encoding() {
        return ints != null ? Encoding.INTSET : Encoding.HASHTABLE;
    }

    public int size() {
        return ints != null ? ints.size() : table.size();
    }

    public boolean contains(byte[] m) {
        if (ints != null) {
            Long v = Bytes.parseLongStrict(m);
            return v != null && ints.contains(v);
        }
        return table.get(m) != null;
    }

    /** Redis's setTypeAdd; {@code maxIntset} is set-max-intset-entries. */
    public boolean add(byte[] m, long maxIntset) {
        if (ints != null) {
            Long v = Bytes.parseLongStrict(m);
            if (v != null) {
                if (!ints.add(v)) {
                    return false;
                }
                if (ints.size() > maxIntset) {
                    toTable();
                }
                return true;
            }
            toTable();
        }
        if (table.get(m) != null) {
            return false;
        }
        table.insert(new Member(m));
        nodeBytes += NODE + MemoryEstimate.bytes(m.length);
        return true;
    }

    private void toTable() {
        ChainedTable<Member> t = new ChainedTable<>(ints.size());
        long bytes = 0;
        for (int i = 0; i < ints.size(); i++) {
            byte[] m = Bytes.fromLong(ints.get(i));
            t.insert(new Member(m));
            bytes += NODE + MemoryEstimate.bytes(m.length);
        }
        ints = null;
        table = t;
        nodeBytes = bytes;
    }

    public boolean remove(byte[] m) {
        if (ints != null) {
            Long v = Bytes.parseLongStrict(m);
            return v != null && ints.remove(v);
        }
        Member n = table.remove(m);
        if (n == null) {
            return false;
        }
        nodeBytes -= NODE + MemoryEstimate.bytes(m.length);
        return true;
    }

    /** Every member in encoding order (ascending for an intset, bucket order for a table). */
    public void forEach(Consumer<byte[]> fn) {
        if (ints != null) {
            for (int i = 0; i < ints.size(); i++) {
                fn.accept(Bytes.fromLong(ints.get(i)));
            }
        } else {
            table.forEach(n -> fn.accept(n.key));
        }
    }

    public List<byte[]> members() {
        List<byte[]> out = new ArrayList<>(size());
        forEach(out::add);
        return out;
    }

    /** A uniformly-ish random member (Redis's setTypeRandomElement); the set must not be empty. */
    public byte[] random(RandomGenerator rnd) {
        if (ints != null) {
            return Bytes.fromLong(ints.get(rnd.nextInt(ints.size())));
        }
        return table.random(rnd).key;
    }

    /** Removes and returns a random member; the set must not be empty. */
    public byte[] pop(RandomGenerator rnd) {
        if (ints != null) {
            int i = rnd.nextInt(ints.size());
            long v = ints.get(i);
            ints.removeAt(i);
            return Bytes.fromLong(v);
        }
        byte[] m = table.random(rnd).key;
        remove(m);
        return m;
    }

    /** One SSCAN step: an intset is returned whole with cursor 0. */
    public long scan(long cursor, Consumer<byte[]> fn) {
        if (ints != null) {
            forEach(fn);
            return 0;
        }
        return table.scan(cursor, n -> fn.accept(n.key));
    }

    public boolean isIntset() {
        return ints != null;
    }

    @Override
    public long memory() {
        if (ints != null) {
            return 24 + ints.memory();
        }
        return 24 + table.memory() + nodeBytes;
    }

    @Override
    public SetValue copy() {
        if (ints != null) {
            return new SetValue(ints.copy(), null);
        }
        SetValue s = new SetValue(null, new ChainedTable<>(table.size()));
        table.forEach(n -> s.table.insert(new Member(n.key)));
        s.nodeBytes = nodeBytes;
        return s;
    }
}
