package io.ferrite.command;

import io.ferrite.store.Entry;
import io.ferrite.store.ValueType;
import io.ferrite.store.hash.HashValue;
import io.ferrite.store.list.ListValue;
import io.ferrite.store.set.SetValue;
import io.ferrite.store.stream.StreamId;
import io.ferrite.store.stream.StreamValue;
import io.ferrite.store.zset.ZSetValue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * DEBUG DIGEST's signatures, computed as Redis 7.0's debug.c computes them so that Ferrite and
 * Redis holding the same data give the same hex string. Two SHA1 primitives build everything:
 * <ul>
 *   <li>{@code xor(d, data)}: {@code d ^= SHA1(data)}, commutative, for unordered things (set
 *       members, hash fields, sorted set elements, the keys of a database);</li>
 *   <li>{@code mix(d, data)}: {@code d = SHA1(d ^ SHA1(data))}, order-sensitive, for sequences
 *       (list elements, stream entries, a key followed by its value).</li>
 * </ul>
 * A value's digest mixes its type number (Redis's OBJ_* constant, big endian), then its content
 * (integers as their decimal text, scores as {@code %.17g}), then XORs "!!expire!!" in if the key
 * has a TTL; encodings never show. The dataset digest mixes each non-empty database's index (big
 * endian) into the running result and then XORs in the SHA1 of every key's digest (mix(key),
 * then the value's), so a database's part is an XOR that each shard can compute for its own keys.
 * <p>
 * An instance holds one SHA1 engine and is used by one thread.
 */
public final class Digest {
    public static final int SIZE = 20;
    private static final byte[] EXPIRE_MARK = "!!expire!!".getBytes(StandardCharsets.US_ASCII);

    private final MessageDigest sha1;

    public Digest() {
        try {
            sha1 = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is part of every Java runtime", e);
        }
    }

    /** Redis's OBJ_STRING ... OBJ_STREAM numbers (5 is OBJ_MODULE). */
    static int typeNumber(ValueType t) {
        return switch (t) {
            case STRING -> 0;
            case LIST -> 1;
            case SET -> 2;
            case ZSET -> 3;
            case HASH -> 4;
            case STREAM -> 6;
        };
    }

    /** xorDigest: {@code d ^= SHA1(data[off, off+len))}. */
    public void xor(byte[] d, byte[] data, int off, int len) {
        sha1.update(data, off, len);
        byte[] h = sha1.digest();
        for (int i = 0; i < SIZE; i++) {
            d[i] ^= h[i];
        }
    }

    public void xor(byte[] d, byte[] data) {
        xor(d, data, 0, data.length);
    }

    /** mixDigest: {@code d = SHA1(d ^ SHA1(data))}. */
    public void mix(byte[] d, byte[] data, int off, int len) {
        xor(d, data, off, len);
        sha1.update(d, 0, SIZE);
        System.arraycopy(sha1.digest(), 0, d, 0, SIZE);
    }

    public void mix(byte[] d, byte[] data) {
        mix(d, data, 0, data.length);
    }

    private void mixInt(byte[] d, int v) {
        mix(d, new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v});
    }

    /** What DEBUG DIGEST-VALUE reports for one key: the value's digest, without the key; zeros for none. */
    public byte[] ofValue(Entry e) {
        byte[] d = new byte[SIZE];
        if (e != null) {
            addValue(d, e);
        }
        return d;
    }

    /** One key's share of the dataset digest (computeDatasetDigest's per-key digest). */
    public byte[] ofKey(Entry e) {
        byte[] d = new byte[SIZE];
        mix(d, e.key);
        addValue(d, e);
        return d;
    }

    /** Mixes a database's index into the running dataset digest, as Redis does before XORing in its keys. */
    public void mixDatabase(byte[] d, int db) {
        mixInt(d, db);
    }

    /** xorObjectDigest. */
    private void addValue(byte[] d, Entry e) {
        mixInt(d, typeNumber(e.type()));
        switch (e.type()) {
            case STRING -> mix(d, e.bytes());
            case LIST -> ((ListValue) e.value()).range(0, ((ListValue) e.value()).size(), false,
                (b, off, len) -> mix(d, b, off, len));
            case SET -> ((SetValue) e.value()).forEach(m -> xor(d, m));
            case ZSET -> ((ZSetValue) e.value()).forEach((m, score) -> {
                byte[] el = new byte[SIZE];
                mix(el, m);
                mix(el, Numbers.g17(score).getBytes(StandardCharsets.US_ASCII));
                xor(d, el);
            });
            case HASH -> ((HashValue) e.value()).forEach((fb, fo, fl, vb, vo, vl) -> {
                byte[] el = new byte[SIZE];
                mix(el, fb, fo, fl);
                mix(el, vb, vo, vl);
                xor(d, el);
            });
            case STREAM -> ((StreamValue) e.value()).range(StreamId.MIN, StreamId.MAX, false, (id, fv) -> {
                // the entry ID as "%U.%U": a dot, where replies print a dash
                mix(d, (Long.toUnsignedString(id.ms()) + "." + Long.toUnsignedString(id.seq()))
                    .getBytes(StandardCharsets.US_ASCII));
                for (byte[] x : fv) {
                    mix(d, x);
                }
                return true;
            });
            default -> throw new IllegalStateException("no digest for " + e.type());
        }
        if (e.hasExpiry()) {
            xor(d, EXPIRE_MARK);
        }
    }

    /** The 40 lower-case hex digits DEBUG DIGEST prints. */
    public static String hex(byte[] d) {
        StringBuilder sb = new StringBuilder(2 * SIZE);
        for (byte b : d) {
            sb.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
        }
        return sb.toString();
    }

    public static void xorInto(byte[] into, byte[] d) {
        for (int i = 0; i < SIZE; i++) {
            into[i] ^= d[i];
        }
    }
}
