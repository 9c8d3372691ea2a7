package io.ferrite.store;

import io.ferrite.store.hash.HashValue;
import io.ferrite.store.list.ListValue;
import io.ferrite.store.set.SetValue;
import io.ferrite.store.stream.ConsumerGroup;
import io.ferrite.store.stream.StreamValue;
import io.ferrite.store.zset.ZSetValue;

/**
 * How much work freeing a value is, counted as Redis's lazyfreeGetFreeEffort counts allocations:
 * UNLINK frees a value "in the background" (and counts it in lazyfreed_objects) only above
 * {@link #LAZYFREE_THRESHOLD}. The JVM's collector frees everything in the background anyway; the
 * figure keeps INFO's counters telling what Redis's would.
 */
public final class FreeEffort {
    /** Redis's LAZYFREE_THRESHOLD. */
    public static final long LAZYFREE_THRESHOLD = 64;

    private FreeEffort() {
    }

    public static long of(Entry e) {
        Object v = e.value();
        return switch (e.type()) {
            // a quicklist is one allocation per node
            case LIST -> ((ListValue) v).nodeCount();
            // hash tables and skiplists: one allocation per element; packed encodings are one
            case SET -> ((SetValue) v).encoding() == Encoding.HASHTABLE ? ((SetValue) v).size() : 1;
            case HASH -> ((HashValue) v).encoding() == Encoding.HASHTABLE ? ((HashValue) v).size() : 1;
            case ZSET -> ((ZSetValue) v).encoding() == Encoding.SKIPLIST ? ((ZSetValue) v).size() : 1;
            case STREAM -> stream((StreamValue) v);
            default -> 1;
        };
    }

    /** Every radix-tree node, plus each group and its PEL, estimated from the first group's as Redis does. */
    private static long stream(StreamValue s) {
        long effort = s.radixTreeNodes();
        if (s.groupCount() > 0) {
            ConsumerGroup first = s.groups().iterator().next();
            effort += (long) s.groupCount() * (1 + first.pel.size());
        }
        return effort;
    }
}
