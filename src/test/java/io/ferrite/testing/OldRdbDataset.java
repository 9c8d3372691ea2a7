package io.ferrite.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Keys in every encoding an older Redis wrote and 7.0 converts on load, each chosen to land on one
 * side of a conversion threshold (named after what it should become under the default settings),
 * as RDB files of versions 7 to 9 ({@link OldRdb}).
 */
public final class OldRdbDataset {
    private OldRdbDataset() {
    }

    /** One key: its RDB type, name and value bytes. */
    public record Item(int type, String key, byte[] value) {
    }

    private static List<String> range(int n, java.util.function.IntFunction<String> f) {
        return IntStream.range(0, n).mapToObj(f).toList();
    }

    private static List<String> pairs(int n, java.util.function.IntFunction<String> field,
                                      java.util.function.IntFunction<String> value) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(field.apply(i));
            out.add(value.apply(i));
        }
        return out;
    }

    public static List<Item> items() {
        List<Item> l = new ArrayList<>();
        // strings: integer encodings of each width, raw, long
        l.add(new Item(OldRdb.STRING, "str:int8", OldRdb.stringValue("-100")));
        l.add(new Item(OldRdb.STRING, "str:int16", OldRdb.stringValue("30000")));
        l.add(new Item(OldRdb.STRING, "str:int32", OldRdb.stringValue("-2000000000")));
        l.add(new Item(OldRdb.STRING, "str:int64-as-text", OldRdb.stringValue("9000000000000")));
        l.add(new Item(OldRdb.STRING, "str:raw", OldRdb.stringValue("hello old world")));
        l.add(new Item(OldRdb.STRING, "str:long", OldRdb.stringValue("z".repeat(20_000))));
        // ziplist lists: every entry encoding; a long one splits into several quicklist nodes
        List<String> mixed = List.of("a", "0", "12", "13", "-1", "127", "-128", "200", "-32768", "32767", "40000",
            "-8388608", "8388607", "9000000", "2147483647", "-2147483648", "4294967296", "-9223372036854775808",
            "9223372036854775807", "007", "1.5", "", "x".repeat(63), "y".repeat(64), "w".repeat(300), "v".repeat(16_400));
        l.add(new Item(OldRdb.LIST_ZIPLIST, "list:ziplist", OldRdb.blob(OldRdb.ziplist(mixed))));
        l.add(new Item(OldRdb.LIST_ZIPLIST, "list:ziplist-long",
            OldRdb.blob(OldRdb.ziplist(range(700, i -> i % 3 == 0 ? Integer.toString(i * 7919) : "element-" + i)))));
        // quicklist 1: ziplist nodes, one of them empty (skipped)
        l.add(new Item(OldRdb.LIST_QUICKLIST, "list:quicklist1", OldRdb.quicklist(List.of(
            OldRdb.ziplist(List.of("a", "b", "1")), OldRdb.ziplist(List.of()),
            OldRdb.ziplist(range(100, i -> "n" + i)), OldRdb.ziplist(List.of("z".repeat(5000)))))));
        l.add(new Item(OldRdb.LIST, "list:plain", OldRdb.plain(List.of("p", "10", "q".repeat(100)), 1)));
        // sets
        l.add(new Item(OldRdb.SET_INTSET, "set:intset16", OldRdb.blob(OldRdb.intset(-5, 1, 2, 300))));
        l.add(new Item(OldRdb.SET_INTSET, "set:intset64", OldRdb.blob(OldRdb.intset(-5_000_000_000L, 7, 1L << 40))));
        l.add(new Item(OldRdb.SET_INTSET, "set:intset-to-hashtable",
            OldRdb.blob(OldRdb.intset(IntStream.range(0, 600).mapToLong(i -> i * 3L - 500).toArray()))));
        l.add(new Item(OldRdb.SET, "set:plain-ints", OldRdb.plain(List.of("3", "1", "2"), 1)));
        l.add(new Item(OldRdb.SET, "set:plain-strings", OldRdb.plain(List.of("a", "b", "1"), 1)));
        // hashes: zipmap and ziplist, small, with long values, and long
        l.add(new Item(OldRdb.HASH_ZIPMAP, "hash:zipmap", OldRdb.blob(OldRdb.zipmap(List.of("f1", "v1", "n", "123", "e", ""), 0))));
        l.add(new Item(OldRdb.HASH_ZIPMAP, "hash:zipmap-free", OldRdb.blob(OldRdb.zipmap(List.of("a", "b", "c", "d"), 3))));
        l.add(new Item(OldRdb.HASH_ZIPMAP, "hash:zipmap-long-value",
            OldRdb.blob(OldRdb.zipmap(List.of("f", "v".repeat(300), "g", "1"), 0))));
        l.add(new Item(OldRdb.HASH_ZIPMAP, "hash:zipmap-many",
            OldRdb.blob(OldRdb.zipmap(pairs(600, i -> "f" + i, i -> "v" + i), 0))));
        l.add(new Item(OldRdb.HASH_ZIPMAP, "hash:zipmap-254",
            OldRdb.blob(OldRdb.zipmap(pairs(300, i -> "k" + i, Integer::toString), 1))));
        l.add(new Item(OldRdb.HASH_ZIPLIST, "hash:ziplist", OldRdb.blob(OldRdb.ziplist(List.of("f1", "v1", "f2", "2", "3", "")))));
        l.add(new Item(OldRdb.HASH_ZIPLIST, "hash:ziplist-long-value",
            OldRdb.blob(OldRdb.ziplist(List.of("f", "v".repeat(300), "g", "1")))));
        l.add(new Item(OldRdb.HASH_ZIPLIST, "hash:ziplist-many",
            OldRdb.blob(OldRdb.ziplist(pairs(600, i -> "field" + i, i -> i % 2 == 0 ? Integer.toString(i) : "value" + i)))));
        l.add(new Item(OldRdb.HASH, "hash:plain", OldRdb.plain(List.of("a", "1", "b", "2"), 2)));
        l.add(new Item(OldRdb.HASH, "hash:plain-long-value", OldRdb.plain(List.of("a", "x".repeat(100), "b", "2"), 2)));
        // sorted sets: ziplist (member, score as text or integer), plain with text and binary scores
        l.add(new Item(OldRdb.ZSET_ZIPLIST, "zset:ziplist",
            OldRdb.blob(OldRdb.ziplist(List.of("a", "1", "b", "1.5", "c", "-3", "d", "1e100", "e", "inf", "f", "-inf")))));
        l.add(new Item(OldRdb.ZSET_ZIPLIST, "zset:ziplist-long-member",
            OldRdb.blob(OldRdb.ziplist(List.of("m".repeat(100), "1", "n", "2")))));
        l.add(new Item(OldRdb.ZSET_ZIPLIST, "zset:ziplist-many",
            OldRdb.blob(OldRdb.ziplist(pairs(200, i -> "member" + i, i -> Double.toString(i / 7.0))))));
        l.add(new Item(OldRdb.ZSET, "zset:plain-text", OldRdb.plainZset(List.of("a", "b", "c", "d"),
            List.of(1.5, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.125), false)));
        l.add(new Item(OldRdb.ZSET, "zset:plain-text-many", OldRdb.plainZset(range(200, i -> "m" + i),
            IntStream.range(0, 200).mapToObj(i -> i * 0.5).toList(), false)));
        l.add(new Item(OldRdb.ZSET_2, "zset:plain-binary", OldRdb.plainZset(List.of("a", "b"), List.of(0.1, 1e-300), true)));
        l.add(new Item(OldRdb.ZSET_2, "zset:plain-binary-long-member",
            OldRdb.plainZset(List.of("a", "q".repeat(100)), List.of(1.0, 2.0), true)));
        return l;
    }

    /** Keys the loaders drop: their value holds nothing (Redis's empty-key skip). */
    public static List<Item> emptyItems() {
        return List.of(new Item(OldRdb.LIST_ZIPLIST, "empty:ziplist-list", OldRdb.blob(OldRdb.ziplist(List.of()))),
            new Item(OldRdb.LIST_QUICKLIST, "empty:quicklist1", OldRdb.quicklist(List.of(OldRdb.ziplist(List.of())))),
            new Item(OldRdb.ZSET_ZIPLIST, "empty:ziplist-zset", OldRdb.blob(OldRdb.ziplist(List.of()))),
            new Item(OldRdb.HASH_ZIPLIST, "empty:ziplist-hash", OldRdb.blob(OldRdb.ziplist(List.of()))),
            new Item(OldRdb.SET, "empty:plain-set", OldRdb.plain(List.of(), 1)));
    }

    /**
     * The data set as a file of {@code version}: database 0 with every item, some with expiries in
     * seconds and milliseconds (one already passed, which loading drops), empty values (dropped
     * too), and database 3 with a few more; LRU and LFU opcodes in version 9.
     */
    public static byte[] file(int version) {
        List<Item> items = items();
        OldRdb f = new OldRdb(version).selectDb(0, items.size() + 3, 3);
        long now = System.currentTimeMillis();
        for (int i = 0; i < items.size(); i++) {
            Item it = items.get(i);
            if (version == 9 && i % 5 == 1) {
                f.idle(1000 + i);
            }
            if (i % 7 == 3) {
                f.keyExpiringSeconds(now / 1000 + 100_000 + i, it.type(), it.key(), it.value());
            } else if (i % 7 == 5) {
                f.keyExpiringMillis(now + 200_000_000L + i, it.type(), it.key(), it.value());
            } else {
                f.key(it.type(), it.key(), it.value());
            }
        }
        f.keyExpiringSeconds(now / 1000 - 100, OldRdb.STRING, "expired:seconds", OldRdb.stringValue("gone"));
        f.keyExpiringMillis(now - 100_000, OldRdb.LIST_ZIPLIST, "expired:millis", OldRdb.blob(OldRdb.ziplist(List.of("gone"))));
        for (Item it : emptyItems()) {
            f.key(it.type(), it.key(), it.value());
        }
        f.selectDb(3, 2, 0);
        f.key(OldRdb.HASH_ZIPMAP, "db3:zipmap", OldRdb.blob(OldRdb.zipmap(List.of("x", "1"), 0)));
        if (version == 9) {
            f.freq(5);
        }
        f.key(OldRdb.SET_INTSET, "db3:intset", OldRdb.blob(OldRdb.intset(1, 2, 3)));
        return f.finish();
    }
}
