package io.ferrite.persistence.rdb;

import io.ferrite.store.Bytes;
import io.ferrite.store.Encoding;
import io.ferrite.store.ValueType;
import io.ferrite.store.hash.HashValue;
import io.ferrite.store.list.ListValue;
import io.ferrite.store.set.SetValue;
import io.ferrite.store.zset.FloatParse;
import io.ferrite.store.zset.ZSetValue;

import java.util.List;

/**
 * Reads a value as Redis 7.0's rdbLoadObjectType and rdbLoadObject do, in every encoding 7.0
 * writes and the older ones it still loads and converts (ziplist lists, hashes and sorted sets,
 * zipmap hashes, quicklist 1, streams v1), with the checks sanitize-dump-payload makes: element
 * counts, duplicates, NaN scores and empty values are refused. The encoding a loaded value gets
 * follows the {@link Limits}, as rdbLoadObject's conversions do.
 */
public final class ValueReader {
    private ValueReader() {
    }

    /**
     * The value at {@code in}, or null when it is well formed but holds no element (Redis's
     * RDB_LOAD_ERR_EMPTY_KEY, which older versions could write): a file then skips the key, as
     * rdbLoadRio does, and RESTORE refuses it. Either way the value's bytes have been read.
     */
    public static LoadedValue read(RdbInput in, Limits limits) throws RdbFormatException {
        return read(in, in.readByte(), limits);
    }

    /** As {@link #read(RdbInput, Limits)}, after the type byte, read already (a file holds the key between the two). */
    public static LoadedValue read(RdbInput in, int type, Limits limits) throws RdbFormatException {
        try {
            return readValue(in, type, limits);
        } catch (RdbFormatException e) {
            if (e == EMPTY_KEY) {
                return null;
            }
            throw e;
        }
    }

    /**
     * Thrown where a value turns out to hold nothing, once its bytes are read; {@link #read} returns
     * null for it. One shared instance: the exception carries no stack trace.
     */
    private static final RdbFormatException EMPTY_KEY = new RdbFormatException("empty keys are not allowed");

    private static LoadedValue readValue(RdbInput in, int type, Limits limits) throws RdbFormatException {
        return switch (type) {
            case RdbType.STRING -> {
                byte[] s = in.readString();
                yield new LoadedValue(ValueType.STRING, s, Encoding.forNewString(s));
            }
            case RdbType.LIST -> readPlainList(in, limits);
            case RdbType.LIST_ZIPLIST -> list(ziplist(in.readString(), "List ziplist"), limits);
            case RdbType.LIST_QUICKLIST, RdbType.LIST_QUICKLIST_2 -> readQuicklist(in, type, limits);
            case RdbType.SET -> readPlainSet(in, limits);
            case RdbType.SET_INTSET -> readIntset(in.readString(), limits);
            case RdbType.HASH -> readPlainHash(in, limits);
            case RdbType.HASH_ZIPMAP -> hashFromZipmap(zipmap(in.readString()), limits);
            case RdbType.HASH_ZIPLIST -> hashFromPairs(ziplist(in.readString(), "Hash ziplist"), limits, "Hash ziplist");
            case RdbType.HASH_LISTPACK -> limits.sanitize()
                ? hashFromPairs(listpack(in.readString(), "Hash listpack"), limits, "Hash listpack")
                : hashTrusting(in.readString(), limits);
            case RdbType.ZSET, RdbType.ZSET_2 -> readPlainZSet(in, type == RdbType.ZSET_2, limits);
            case RdbType.ZSET_ZIPLIST -> zsetFromPairs(ziplist(in.readString(), "Zset ziplist"), limits, "Zset ziplist");
            case RdbType.ZSET_LISTPACK -> zsetFromPairs(listpack(in.readString(), "Zset listpack"), limits, "Zset listpack");
            case RdbType.STREAM_LISTPACKS, RdbType.STREAM_LISTPACKS_2 ->
                new LoadedValue(ValueType.STREAM, StreamCodec.read(in, type == RdbType.STREAM_LISTPACKS_2, limits.sanitize()), Encoding.STREAM);
            default -> throw RdbInput.corrupt("unknown or unsupported value type " + type);
        };
    }

    /**
     * The checks of a packed blob fail with the words rdbLoadObject logs ("Hash listpack integrity
     * check failed."), which operators and Redis's own tests look for.
     */
    private static RdbFormatException integrity(String what) {
        return RdbInput.corrupt(what + " integrity check failed.");
    }

    static List<byte[]> listpack(byte[] blob, String what) throws RdbFormatException {
        try {
            return Listpack.read(blob);
        } catch (RdbFormatException e) {
            throw integrity(what);
        }
    }

    /**
     * A listpack under sanitize-dump-payload no: only the header is checked (lpValidateIntegrity
     * without deep validation); its sound leading elements, and whether all were sound.
     */
    static Listpack.Trusted trusted(byte[] blob, String what) throws RdbFormatException {
        try {
            return Listpack.readTrusting(blob);
        } catch (RdbFormatException e) {
            throw integrity(what);
        }
    }

    /**
     * A listpack hash under sanitize-dump-payload no: a listpack whose elements are all sound gets
     * the usual checks; one that is not is kept with its sound leading pairs, marked, so the first
     * command that reads it ends the server, as Redis's lpFind or lpNext would trip on it.
     */
    private static LoadedValue hashTrusting(byte[] blob, Limits limits) throws RdbFormatException {
        Listpack.Trusted t = trusted(blob, "Hash listpack");
        if (t.sound()) {
            return hashFromPairs(t.elements(), limits, "Hash listpack");
        }
        HashValue h = new HashValue();
        List<byte[]> pairs = t.elements();
        for (int i = 0; i + 1 < pairs.size(); i += 2) {
            h.set(pairs.get(i), pairs.get(i + 1));
        }
        // even with no sound pair left: Redis keeps the listpack, whose header claims entries
        h.markCorrupt("listpack entries sound");
        return new LoadedValue(ValueType.HASH, h, h.encoding());
    }

    private static List<byte[]> ziplist(byte[] blob, String what) throws RdbFormatException {
        try {
            return Ziplist.read(blob);
        } catch (RdbFormatException e) {
            throw integrity(what);
        }
    }

    private static List<byte[]> zipmap(byte[] blob) throws RdbFormatException {
        try {
            return Ziplist.readZipmap(blob);
        } catch (RdbFormatException e) {
            throw integrity("Zipmap");
        }
    }

    private static RdbFormatException empty() {
        return EMPTY_KEY;
    }

    // ---------------------------------------------------------------- lists

    private static LoadedValue readPlainList(RdbInput in, Limits limits) throws RdbFormatException {
        int n = in.readCount(1);
        if (n == 0) {
            throw empty();
        }
        ListValue l = new ListValue();
        for (int i = 0; i < n; i++) {
            l.pushTail(in.readString(), limits.listFill());
        }
        return new LoadedValue(ValueType.LIST, l, Encoding.QUICKLIST);
    }

    private static LoadedValue list(List<byte[]> elements, Limits limits) throws RdbFormatException {
        if (elements.isEmpty()) {
            throw empty();
        }
        ListValue l = new ListValue();
        for (byte[] e : elements) {
            l.pushTail(e, limits.listFill());
        }
        return new LoadedValue(ValueType.LIST, l, Encoding.QUICKLIST);
    }

    /** Quicklist 2 nodes are plain (one element) or packed (a listpack); quicklist 1 nodes are ziplists. Empty packed nodes are skipped, as Redis does. */
    private static LoadedValue readQuicklist(RdbInput in, int type, Limits limits) throws RdbFormatException {
        int nodes = in.readCount(2);
        if (nodes == 0) {
            throw empty();
        }
        ListValue l = new ListValue();
        // sanitize-dump-payload no: a node whose elements are not all sound is kept, as Redis keeps it
        boolean corrupt = false;
        for (int i = 0; i < nodes; i++) {
            long container = RdbType.NODE_PACKED;
            if (type == RdbType.LIST_QUICKLIST_2) {
                container = in.readLen();
                if (container != RdbType.NODE_PACKED && container != RdbType.NODE_PLAIN) {
                    throw RdbInput.corrupt("Quicklist integrity check failed.");
                }
            }
            byte[] data = in.readString();
            if (data.length == 0) {
                throw RdbInput.corrupt("empty quicklist node");
            }
            if (container == RdbType.NODE_PLAIN) {
                l.pushTail(data, limits.listFill());
                continue;
            }
            List<byte[]> elements;
            if (type == RdbType.LIST_QUICKLIST_2 && !limits.sanitize()) {
                Listpack.Trusted t = trusted(data, "Listpack");
                elements = t.elements();
                corrupt |= !t.sound();
            } else {
                elements = type == RdbType.LIST_QUICKLIST_2 ? listpack(data, "Listpack") : ziplist(data, "Ziplist");
            }
            for (byte[] e : elements) {
                l.pushTail(e, limits.listFill());
            }
        }
        if (corrupt) {
            // even with no sound element left: Redis keeps the listpack, whose header claims entries
            l.markCorrupt("listpack entries sound");
        } else if (l.isEmpty()) {
            throw empty();
        }
        return new LoadedValue(ValueType.LIST, l, Encoding.QUICKLIST);
    }

    // ---------------------------------------------------------------- sets

    private static LoadedValue readPlainSet(RdbInput in, Limits limits) throws RdbFormatException {
        int n = in.readCount(1);
        if (n == 0) {
            throw empty();
        }
        long maxIntset = Math.min(limits.setMaxIntsetEntries(), 1L << 30);
        SetValue s = n > maxIntset ? SetValue.table(n) : SetValue.intset();
        for (int i = 0; i < n; i++) {
            if (!s.add(in.readString(), maxIntset)) {
                throw RdbInput.corrupt("Duplicate set members detected");
            }
        }
        return new LoadedValue(ValueType.SET, s, s.encoding());
    }

    /** intset.c's blob: encoding (2, 4 or 8) and length, 32-bit little-endian, then ascending distinct elements. */
    private static LoadedValue readIntset(byte[] blob, Limits limits) throws RdbFormatException {
        if (blob.length < 8) {
            throw RdbInput.corrupt("Intset integrity check failed.");
        }
        RdbInput in = new RdbInput(blob, 0, blob.length);
        long width = in.readLittleEndian(4);
        long count = in.readLittleEndian(4);
        if ((width != 2 && width != 4 && width != 8) || count * width != blob.length - 8L) {
            throw RdbInput.corrupt("Intset integrity check failed.");
        }
        if (count == 0) {
            // intsetValidateIntegrity refuses an empty intset: a corrupt value, not an empty key
            throw RdbInput.corrupt("Intset integrity check failed.");
        }
        SetValue s = SetValue.intset();
        int shift = 64 - 8 * (int) width;
        long prev = 0;
        for (long i = 0; i < count; i++) {
            long v = (in.readLittleEndian((int) width) << shift) >> shift;
            if (i > 0 && v <= prev) {
                throw RdbInput.corrupt("Intset integrity check failed.");
            }
            prev = v;
            s.add(Bytes.fromLong(v), Long.MAX_VALUE);
        }
        if (s.size() > limits.setMaxIntsetEntries()) {
            SetValue t = SetValue.table(s.size());
            s.forEach(m -> t.add(m, 0));
            s = t;
        }
        return new LoadedValue(ValueType.SET, s, s.encoding());
    }

    // ---------------------------------------------------------------- hashes

    private static LoadedValue readPlainHash(RdbInput in, Limits limits) throws RdbFormatException {
        int n = in.readCount(2);
        if (n == 0) {
            throw empty();
        }
        HashValue h = new HashValue();
        if (n > limits.hashMaxEntries()) {
            h.convertToTable();
        }
        for (int i = 0; i < n; i++) {
            byte[] f = in.readString();
            byte[] v = in.readString();
            if (h.isListpack() && (f.length > limits.hashMaxValue() || v.length > limits.hashMaxValue())) {
                h.convertToTable();
            }
            if (!h.set(f, v)) {
                throw RdbInput.corrupt("Duplicate hash fields detected");
            }
        }
        return new LoadedValue(ValueType.HASH, h, h.encoding());
    }

    /**
     * A zipmap hash, which Redis 7.0 rebuilds as a listpack: converted to a hash table when it has
     * more fields than hash-max-listpack-entries, or (unlike the ziplist and listpack forms, which
     * only count) a field or value longer than hash-max-listpack-value.
     */
    private static LoadedValue hashFromZipmap(List<byte[]> pairs, Limits limits) throws RdbFormatException {
        LoadedValue v = hashFromPairs(pairs, limits, "Zipmap");
        long longest = 0;
        for (byte[] s : pairs) {
            longest = Math.max(longest, s.length);
        }
        HashValue h = (HashValue) v.value();
        if (h.isListpack() && longest > limits.hashMaxValue()) {
            h.convertToTable();
            return new LoadedValue(ValueType.HASH, h, h.encoding());
        }
        return v;
    }

    /** A listpack, ziplist or zipmap of fields and values: kept packed unless over hash-max-listpack-entries. */
    private static LoadedValue hashFromPairs(List<byte[]> pairs, Limits limits, String what) throws RdbFormatException {
        if (pairs.size() % 2 != 0) {
            throw integrity(what);
        }
        if (pairs.isEmpty()) {
            throw empty();
        }
        HashValue h = new HashValue();
        if (pairs.size() / 2 > limits.hashMaxEntries()) {
            h.convertToTable();
        }
        for (int i = 0; i < pairs.size(); i += 2) {
            if (!h.set(pairs.get(i), pairs.get(i + 1))) {
                // Redis's pair validation looks for duplicates as part of the integrity check; for a
                // listpack the log line names the cause as Redis's conversion of such a listpack does
                throw what.endsWith("listpack") ? RdbInput.corrupt(what + " integrity check failed: listpack with dup elements")
                    : integrity(what);
            }
        }
        return new LoadedValue(ValueType.HASH, h, h.encoding());
    }

    // ---------------------------------------------------------------- sorted sets

    private static LoadedValue readPlainZSet(RdbInput in, boolean binary, Limits limits) throws RdbFormatException {
        int n = in.readCount(2);
        if (n == 0) {
            throw empty();
        }
        ZSetValue z = ZSetValue.skiplist(n);
        for (int i = 0; i < n; i++) {
            byte[] m = in.readString();
            double score = binary ? in.readBinaryDouble() : in.readTextDouble();
            if (Double.isNaN(score)) {
                throw RdbInput.corrupt("Zset with NAN score detected");
            }
            if (!z.put(m, score, Long.MAX_VALUE, Long.MAX_VALUE)) {
                throw RdbInput.corrupt("Duplicate zset fields detected");
            }
        }
        // sorted sets are not stored in order, so Redis converts only after loading
        z.maybeToListpack(limits.zsetMaxEntries(), limits.zsetMaxValue());
        return new LoadedValue(ValueType.ZSET, z, z.encoding());
    }

    private static LoadedValue zsetFromPairs(List<byte[]> pairs, Limits limits, String what) throws RdbFormatException {
        if (pairs.size() % 2 != 0) {
            throw integrity(what);
        }
        if (pairs.isEmpty()) {
            throw empty();
        }
        int n = pairs.size() / 2;
        ZSetValue z = n > limits.zsetMaxEntries() ? ZSetValue.skiplist(n) : ZSetValue.listpack(n);
        for (int i = 0; i < pairs.size(); i += 2) {
            byte[] text = pairs.get(i + 1);
            FloatParse.Result r = FloatParse.strtod(text, 0);
            if (r.end() == 0 || Double.isNaN(r.value())) {
                throw integrity(what);
            }
            // a listpack stays a listpack whatever its members' lengths, as in rdbLoadObject
            if (!z.put(pairs.get(i), r.value(), Long.MAX_VALUE, Long.MAX_VALUE)) {
                throw integrity(what);
            }
        }
        return new LoadedValue(ValueType.ZSET, z, z.encoding());
    }
}
