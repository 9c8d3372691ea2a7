package io.ferrite.testing;

import io.ferrite.persistence.rdb.Crc64;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * A writer of RDB files and DUMP payloads in the encodings Redis 5 and 6 (and 2.x for zipmaps)
 * wrote and Redis 7.0 still loads and converts: zipmap hashes (type 9), ziplist lists, sorted sets
 * and hashes (10, 12, 13), quicklist 1 lists of ziplist nodes (14), intsets (11), the plain forms
 * (1 to 5), strings plain and integer-encoded, expiries in seconds (EXPIRETIME) and milliseconds,
 * and RDB version 7 to 9 headers. Written from the formats as rdb.h, rdb.c, ziplist.c, zipmap.c
 * and intset.c describe them, so users moving from an older Redis can be tested without its files.
 */
public final class OldRdb {
    public static final int STRING = 0;
    public static final int LIST = 1;
    public static final int SET = 2;
    public static final int ZSET = 3;
    public static final int HASH = 4;
    public static final int ZSET_2 = 5;
    public static final int HASH_ZIPMAP = 9;
    public static final int LIST_ZIPLIST = 10;
    public static final int SET_INTSET = 11;
    public static final int ZSET_ZIPLIST = 12;
    public static final int HASH_ZIPLIST = 13;
    public static final int LIST_QUICKLIST = 14;

    private static final int OPCODE_IDLE = 0xF8;
    private static final int OPCODE_FREQ = 0xF9;
    private static final int OPCODE_AUX = 0xFA;
    private static final int OPCODE_RESIZEDB = 0xFB;
    private static final int OPCODE_EXPIRETIME_MS = 0xFC;
    private static final int OPCODE_EXPIRETIME = 0xFD;
    private static final int OPCODE_SELECTDB = 0xFE;
    private static final int OPCODE_EOF = 0xFF;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final int version;

    /** A file of RDB version {@code version} (7 to 9 here): signature, then aux fields as Redis 5 and 6 wrote them. */
    public OldRdb(int version) {
        this.version = version;
        out.writeBytes(String.format("REDIS%04d", version).getBytes(StandardCharsets.US_ASCII));
        aux("redis-ver", version == 9 ? "6.2.14" : version == 8 ? "4.0.14" : "3.2.13");
        aux("redis-bits", "64");
        aux("ctime", Long.toString(System.currentTimeMillis() / 1000));
        aux("used-mem", "1000000");
    }

    private void aux(String k, String v) {
        out.write(OPCODE_AUX);
        out.writeBytes(string(bytes(k)));
        out.writeBytes(string(bytes(v)));
    }

    public OldRdb selectDb(int db, int keys, int expires) {
        out.write(OPCODE_SELECTDB);
        out.writeBytes(length(db));
        out.write(OPCODE_RESIZEDB);
        out.writeBytes(length(keys));
        out.writeBytes(length(expires));
        return this;
    }

    /** A key without expiry; {@code value} is the value's bytes as {@link #value} builders give them. */
    public OldRdb key(int type, String key, byte[] value) {
        out.write(type);
        out.writeBytes(string(bytes(key)));
        out.writeBytes(value);
        return this;
    }

    /** A key with an expiry in Unix seconds (EXPIRETIME, 4 bytes: what Redis before 2.6 wrote). */
    public OldRdb keyExpiringSeconds(long unixSeconds, int type, String key, byte[] value) {
        out.write(OPCODE_EXPIRETIME);
        out.writeBytes(le(unixSeconds, 4));
        return key(type, key, value);
    }

    /** A key with an expiry in Unix milliseconds (EXPIRETIME_MS). */
    public OldRdb keyExpiringMillis(long unixMillis, int type, String key, byte[] value) {
        out.write(OPCODE_EXPIRETIME_MS);
        out.writeBytes(le(unixMillis, 8));
        return key(type, key, value);
    }

    /** LRU idle seconds before the next key (RDB 9). */
    public OldRdb idle(long seconds) {
        out.write(OPCODE_IDLE);
        out.writeBytes(length(seconds));
        return this;
    }

    /** An LFU counter before the next key (RDB 9). */
    public OldRdb freq(int counter) {
        out.write(OPCODE_FREQ);
        out.write(counter);
        return this;
    }

    /** EOF, and the CRC-64 of everything before it (from RDB 5 on). */
    public byte[] finish() {
        out.write(OPCODE_EOF);
        byte[] body = out.toByteArray();
        byte[] file = Arrays.copyOf(body, body.length + 8);
        System.arraycopy(le(Crc64.of(body, 0, body.length), 8), 0, file, body.length, 8);
        return file;
    }

    /** A DUMP payload of the value: type, value, the RDB version in 2 bytes, the CRC-64 of it all. */
    public static byte[] payload(int type, byte[] value, int rdbVersion) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(type);
        b.writeBytes(value);
        b.writeBytes(le(rdbVersion, 2));
        byte[] body = b.toByteArray();
        byte[] p = Arrays.copyOf(body, body.length + 8);
        System.arraycopy(le(Crc64.of(body, 0, body.length), 8), 0, p, body.length, 8);
        return p;
    }

    // ---------------------------------------------------------------- values

    /** A string value (type 0): integer-encoded when it is a canonical integer of 32 bits, else raw. */
    public static byte[] stringValue(String s) {
        return string(bytes(s));
    }

    /** A plain list (type 1), set (2) or hash (4): a count, then the strings. */
    public static byte[] plain(List<String> strings, int perElement) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(length(strings.size() / perElement));
        for (String s : strings) {
            b.writeBytes(string(bytes(s)));
        }
        return b.toByteArray();
    }

    /** A plain sorted set: type 3 scores as text (253 nan, 254 inf, 255 -inf), type 5 as binary doubles. */
    public static byte[] plainZset(List<String> members, List<Double> scores, boolean binary) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(length(members.size()));
        for (int i = 0; i < members.size(); i++) {
            b.writeBytes(string(bytes(members.get(i))));
            double d = scores.get(i);
            if (binary) {
                b.writeBytes(le(Double.doubleToLongBits(d), 8));
            } else if (Double.isInfinite(d)) {
                b.write(d > 0 ? 254 : 255);
            } else {
                byte[] text = bytes(redisDouble(d));
                b.write(text.length);
                b.writeBytes(text);
            }
        }
        return b.toByteArray();
    }

    /** "%.17g", as rdbSaveDoubleValue writes a score. */
    private static String redisDouble(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e17) {
            return Long.toString((long) d);
        }
        return new java.math.BigDecimal(d).round(new java.math.MathContext(17)).stripTrailingZeros().toString()
            .replace("E+", "e+").replace("E-", "e-");
    }

    /** A value that is one string holding a blob (ziplist, zipmap, intset). */
    public static byte[] blob(byte[] encoded) {
        return string(encoded);
    }

    /** A quicklist 1 value (type 14): a node count, then each node's ziplist as a string. */
    public static byte[] quicklist(List<byte[]> ziplists) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(length(ziplists.size()));
        for (byte[] z : ziplists) {
            b.writeBytes(string(z));
        }
        return b.toByteArray();
    }

    // ---------------------------------------------------------------- packed encodings

    /**
     * A ziplist (ziplist.c): zlbytes and zltail (32 bits), zllen (16 bits, 65535 when it does not
     * fit), the entries, 0xFF. Each entry: the previous entry's length (1 byte below 254, else 0xFE
     * and 32 bits), the encoding, the data. Strings of up to 31 bytes that are canonical integers
     * get an integer encoding, the smallest that holds them, as zipTryEncoding chooses.
     */
    public static byte[] ziplist(List<String> entries) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int prevLen = 0;
        int lastOffset = 10;
        for (String e : entries) {
            lastOffset = 10 + body.size();
            ByteArrayOutputStream entry = new ByteArrayOutputStream();
            if (prevLen < 254) {
                entry.write(prevLen);
            } else {
                entry.write(0xFE);
                entry.writeBytes(le(prevLen, 4));
            }
            byte[] s = bytes(e);
            Long v = s.length > 0 && s.length < 32 ? canonicalLong(e) : null;
            if (v != null) {
                long x = v;
                if (x >= 0 && x <= 12) {
                    entry.write(0xF1 + (int) x);
                } else if (x >= Byte.MIN_VALUE && x <= Byte.MAX_VALUE) {
                    entry.write(0xFE);
                    entry.writeBytes(le(x, 1));
                } else if (x >= Short.MIN_VALUE && x <= Short.MAX_VALUE) {
                    entry.write(0xC0);
                    entry.writeBytes(le(x, 2));
                } else if (x >= -(1 << 23) && x < (1 << 23)) {
                    entry.write(0xF0);
                    entry.writeBytes(le(x, 3));
                } else if (x >= Integer.MIN_VALUE && x <= Integer.MAX_VALUE) {
                    entry.write(0xD0);
                    entry.writeBytes(le(x, 4));
                } else {
                    entry.write(0xE0);
                    entry.writeBytes(le(x, 8));
                }
            } else if (s.length <= 63) {
                entry.write(s.length);
                entry.writeBytes(s);
            } else if (s.length <= 16383) {
                entry.write(0x40 | (s.length >> 8));
                entry.write(s.length & 0xFF);
                entry.writeBytes(s);
            } else {
                entry.write(0x80);
                entry.write(s.length >>> 24);
                entry.write((s.length >>> 16) & 0xFF);
                entry.write((s.length >>> 8) & 0xFF);
                entry.write(s.length & 0xFF);
                entry.writeBytes(s);
            }
            prevLen = entry.size();
            body.writeBytes(entry.toByteArray());
        }
        ByteArrayOutputStream z = new ByteArrayOutputStream();
        int total = 10 + body.size() + 1;
        z.writeBytes(le(total, 4));
        z.writeBytes(le(entries.isEmpty() ? 10 : lastOffset, 4));
        z.writeBytes(le(Math.min(entries.size(), 0xFFFF), 2));
        z.writeBytes(body.toByteArray());
        z.write(0xFF);
        return z.toByteArray();
    }

    /**
     * A zipmap (zipmap.c): a count byte (254 when it does not fit), then per pair the field's length
     * (1 byte below 254, else 254 and 32 bits little-endian), the field, the value's length, a
     * free-space byte, the value and that many unused bytes; 0xFF. {@code free} unused bytes follow
     * each value, as after an update that shrank it.
     */
    public static byte[] zipmap(List<String> pairs, int free) {
        ByteArrayOutputStream z = new ByteArrayOutputStream();
        int n = pairs.size() / 2;
        z.write(Math.min(n, 254));
        for (int i = 0; i < pairs.size(); i += 2) {
            byte[] f = bytes(pairs.get(i));
            byte[] v = bytes(pairs.get(i + 1));
            zipmapLength(z, f.length);
            z.writeBytes(f);
            zipmapLength(z, v.length);
            z.write(free);
            z.writeBytes(v);
            z.writeBytes(new byte[free]);
        }
        z.write(0xFF);
        return z.toByteArray();
    }

    private static void zipmapLength(ByteArrayOutputStream z, int len) {
        if (len < 254) {
            z.write(len);
        } else {
            z.write(254);
            z.writeBytes(le(len, 4));
        }
    }

    /** An intset (intset.c): the element width (2, 4 or 8) and count in 32 bits, then the sorted elements. */
    public static byte[] intset(long... sortedValues) {
        int width = 2;
        for (long v : sortedValues) {
            if (v < Short.MIN_VALUE || v > Short.MAX_VALUE) {
                width = Math.max(width, 4);
            }
            if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
                width = 8;
            }
        }
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(le(width, 4));
        b.writeBytes(le(sortedValues.length, 4));
        for (long v : sortedValues) {
            b.writeBytes(le(v, width));
        }
        return b.toByteArray();
    }

    // ---------------------------------------------------------------- primitives

    /** rdbSaveLen: 6 bits, 14 bits, or 0x80 and 32 bits big-endian. */
    static byte[] length(long n) {
        if (n < 64) {
            return new byte[] {(byte) n};
        }
        if (n < 16384) {
            return new byte[] {(byte) (0x40 | (n >> 8)), (byte) n};
        }
        return new byte[] {(byte) 0x80, (byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n};
    }

    /** rdbSaveRawString: integer-encoded (int8, int16, int32) when it is a canonical integer that fits, else length and bytes. */
    static byte[] string(byte[] s) {
        String text = new String(s, StandardCharsets.ISO_8859_1);
        Long v = s.length > 0 && s.length <= 11 ? canonicalLong(text) : null;
        if (v != null && v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
            long x = v;
            if (x >= Byte.MIN_VALUE && x <= Byte.MAX_VALUE) {
                return new byte[] {(byte) 0xC0, (byte) x};
            }
            if (x >= Short.MIN_VALUE && x <= Short.MAX_VALUE) {
                return concat(new byte[] {(byte) 0xC1}, le(x, 2));
            }
            return concat(new byte[] {(byte) 0xC2}, le(x, 4));
        }
        return concat(length(s.length), s);
    }

    private static Long canonicalLong(String s) {
        try {
            BigInteger b = new BigInteger(s);
            if (!b.toString().equals(s) || b.bitLength() > 63) {
                return null;
            }
            return b.longValue();
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static byte[] le(long v, int bytes) {
        byte[] b = new byte[bytes];
        for (int i = 0; i < bytes; i++) {
            b[i] = (byte) (v >>> (8 * i));
        }
        return b;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
