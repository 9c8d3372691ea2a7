package io.ferrite.persistence.rdb;

import io.ferrite.store.ValueType;
import io.ferrite.store.hash.HashValue;
import io.ferrite.store.list.ListValue;
import io.ferrite.store.zset.ZSetValue;
import io.ferrite.store.stream.StreamId;
import io.ferrite.store.stream.StreamValue;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The RDB primitives and the encodings Redis 7.0 only reads: CRC-64's check value, listpack
 * integer and string forms, and payloads in the ziplist, zipmap, quicklist 1 and stream v1
 * encodings, built here byte by byte from the formats.
 */
class RdbCodecTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void crc64IsRedisJonesVariant() {
        assertThat(Crc64.of(b("123456789"), 0, 9)).isEqualTo(0xe9c6d914c4b8d9caL);
    }

    @Test
    void crc64EightBytesAtATimeAgreesWithTheBytewiseDefinition() {
        java.util.Random rnd = new java.util.Random(42);
        byte[] data = new byte[4096];
        rnd.nextBytes(data);
        for (int n = 0; n < 200; n++) {
            int off = rnd.nextInt(64);
            int len = rnd.nextInt(data.length - off);
            long seed = rnd.nextLong();
            assertThat(Crc64.update(seed, data, off, len)).isEqualTo(Crc64.updateBytewise(seed, data, off, len));
        }
        assertThat(Crc64.of(b("123456789123456789"), 0, 18)).isEqualTo(Crc64.updateBytewise(0, b("123456789123456789"), 0, 18));
    }

    @Test
    void listpackRoundTripsEveryIntegerWidthAndStringLength() throws Exception {
        List<byte[]> in = new ArrayList<>();
        for (long v : new long[] {0, 127, 128, -1, -4096, 4095, 4096, -32768, 32767, 40000, -8388608, 8388607,
            8388608, Integer.MIN_VALUE, Integer.MAX_VALUE, 1L << 40, Long.MIN_VALUE, Long.MAX_VALUE}) {
            in.add(b(Long.toString(v)));
        }
        in.add(b(""));
        in.add(b("-0"));
        in.add(b("01"));
        in.add(b("x".repeat(63)));
        in.add(b("x".repeat(64)));
        in.add(b("x".repeat(4095)));
        in.add(b("x".repeat(4096)));
        in.add(b("x".repeat(20000)));
        Listpack.Builder lp = new Listpack.Builder();
        in.forEach(lp::add);
        byte[] blob = lp.build();
        List<byte[]> out = Listpack.read(blob);
        assertThat(out).hasSize(in.size());
        for (int i = 0; i < in.size(); i++) {
            assertThat(out.get(i)).isEqualTo(in.get(i));
        }
        byte[] truncated = Arrays.copyOf(blob, blob.length - 3);
        assertThatThrownBy(() -> Listpack.read(truncated)).isInstanceOf(RdbFormatException.class);
    }

    /** A ziplist as Redis 6 wrote one: 6-bit strings and the small-integer, int16 and int64 forms. */
    static byte[] ziplist(Object... entries) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int prev = 0;
        int tail = 10;
        for (Object e : entries) {
            ByteArrayOutputStream en = new ByteArrayOutputStream();
            en.write(prev);
            if (e instanceof String s) {
                byte[] v = b(s);
                en.write(v.length);
                en.writeBytes(v);
            } else {
                long v = (Long) e;
                if (v >= 0 && v <= 12) {
                    en.write(0xF1 + (int) v);
                } else if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
                    en.write(0xC0);
                    en.write((int) v & 0xFF);
                    en.write((int) (v >> 8) & 0xFF);
                } else {
                    en.write(0xE0);
                    for (int i = 0; i < 8; i++) {
                        en.write((int) (v >>> (8 * i)) & 0xFF);
                    }
                }
            }
            tail = 10 + body.size();
            prev = en.size();
            body.writeBytes(en.toByteArray());
        }
        int total = 10 + body.size() + 1;
        ByteArrayOutputStream zl = new ByteArrayOutputStream();
        le(zl, total, 4);
        le(zl, tail, 4);
        le(zl, entries.length, 2);
        zl.writeBytes(body.toByteArray());
        zl.write(0xFF);
        return zl.toByteArray();
    }

    private static void le(ByteArrayOutputStream o, long v, int n) {
        for (int i = 0; i < n; i++) {
            o.write((int) (v >>> (8 * i)) & 0xFF);
        }
    }

    private static LoadedValue load(int type, byte[]... strings) throws Exception {
        RdbOutput out = new RdbOutput(64);
        out.writeByte(type);
        for (byte[] s : strings) {
            out.writeString(s);
        }
        byte[] p = out.toByteArray();
        return ValueReader.read(new RdbInput(p, 0, p.length), Limits.DEFAULTS);
    }

    @Test
    void ziplistListLoadsAsAQuicklist() throws Exception {
        LoadedValue v = load(RdbType.LIST_ZIPLIST, ziplist("a", 5L, -300L, 1L << 40, "hello"));
        assertThat(v.type()).isEqualTo(ValueType.LIST);
        assertThat(((ListValue) v.value()).toList()).extracting(x -> new String(x, StandardCharsets.US_ASCII))
            .containsExactly("a", "5", "-300", "1099511627776", "hello");
    }

    @Test
    void quicklistOneOfZiplistNodesLoads() throws Exception {
        RdbOutput out = new RdbOutput(64);
        out.writeByte(RdbType.LIST_QUICKLIST);
        out.writeLen(2);
        out.writeString(ziplist("a", "b"));
        out.writeString(ziplist(7L));
        byte[] p = out.toByteArray();
        ListValue l = (ListValue) ValueReader.read(new RdbInput(p, 0, p.length), Limits.DEFAULTS).value();
        assertThat(l.size()).isEqualTo(3);
        assertThat(new String(l.get(2), StandardCharsets.US_ASCII)).isEqualTo("7");
    }

    @Test
    void ziplistHashAndZsetLoadAsListpacks() throws Exception {
        HashValue h = (HashValue) load(RdbType.HASH_ZIPLIST, ziplist("f", "v", "n", 3L)).value();
        assertThat(h.isListpack()).isTrue();
        assertThat(new String(h.get(b("n")), StandardCharsets.US_ASCII)).isEqualTo("3");
        ZSetValue z = (ZSetValue) load(RdbType.ZSET_ZIPLIST, ziplist("a", "1.5", "b", 2L)).value();
        assertThat(z.isListpack()).isTrue();
        assertThat(z.score(b("a"))).isEqualTo(1.5);
        assertThat(z.score(b("b"))).isEqualTo(2.0);
        assertThatThrownBy(() -> load(RdbType.HASH_ZIPLIST, ziplist("f", "v", "f", "w")))
            .isInstanceOf(RdbFormatException.class).hasMessage("Hash ziplist integrity check failed.");
        byte[] bad = ziplist("a", "b");
        bad[9] = 5;
        assertThatThrownBy(() -> load(RdbType.ZSET_ZIPLIST, bad)).hasMessage("Zset ziplist integrity check failed.");
    }

    @Test
    void zipmapHashLoads() throws Exception {
        ByteArrayOutputStream zm = new ByteArrayOutputStream();
        zm.write(2);
        for (String[] kv : new String[][] {{"name", "ferrite"}, {"n", "1"}}) {
            zm.write(kv[0].length());
            zm.writeBytes(b(kv[0]));
            zm.write(kv[1].length());
            zm.write(1);
            zm.writeBytes(b(kv[1]));
            zm.write(0);
        }
        zm.write(0xFF);
        HashValue h = (HashValue) load(RdbType.HASH_ZIPMAP, zm.toByteArray()).value();
        assertThat(h.size()).isEqualTo(2);
        assertThat(new String(h.get(b("name")), StandardCharsets.US_ASCII)).isEqualTo("ferrite");
    }

    @Test
    void oldTextScoreZsetLoads() throws Exception {
        RdbOutput out = new RdbOutput(64);
        out.writeByte(RdbType.ZSET);
        out.writeLen(2);
        out.writeString(b("a"));
        out.writeByte(3);
        out.writeRaw(b("2.5"));
        out.writeString(b("b"));
        out.writeByte(254);
        byte[] p = out.toByteArray();
        ZSetValue z = (ZSetValue) ValueReader.read(new RdbInput(p, 0, p.length), Limits.DEFAULTS).value();
        assertThat(z.score(b("a"))).isEqualTo(2.5);
        assertThat(z.score(b("b"))).isEqualTo(Double.POSITIVE_INFINITY);
    }

    /** A v2 stream written, its type byte turned to v1 and its v2-only fields dropped, loads with entries-added = length. */
    @Test
    void streamVersionOneLoads() throws Exception {
        StreamValue s = new StreamValue();
        s.append(new StreamId(1, 1), new byte[][] {b("f"), b("v")}, 4096, 100);
        s.append(new StreamId(2, 0), new byte[][] {b("f"), b("w")}, 4096, 100);
        RdbOutput v1 = new RdbOutput(64);
        v1.writeByte(RdbType.STREAM_LISTPACKS);
        RdbOutput v2 = new RdbOutput(64);
        ValueWriter.write(v2, ValueType.STREAM, s, Limits.DEFAULTS);
        byte[] full = v2.toByteArray();
        // node count, then the node's key and listpack, as written for v2
        RdbInput in = new RdbInput(full, 1, full.length - 1);
        in.readLen();
        byte[] key = in.readString();
        byte[] lp = in.readString();
        v1.writeLen(1);
        v1.writeString(key);
        v1.writeString(lp);
        v1.writeLen(2);
        v1.writeLen(2);
        v1.writeLen(0);
        v1.writeLen(0);
        byte[] p = v1.toByteArray();
        StreamValue loaded = (StreamValue) ValueReader.read(new RdbInput(p, 0, p.length), Limits.DEFAULTS).value();
        assertThat(loaded.length()).isEqualTo(2);
        assertThat(loaded.entriesAdded()).isEqualTo(2);
        assertThat(loaded.lastId()).isEqualTo(new StreamId(2, 0));
    }

    /** A value holding nothing is no value (a file skips its key, as Redis's RDB_LOAD_ERR_EMPTY_KEY), and RESTORE refuses it. */
    @Test
    void emptyValuesAreSkippedInFilesAndRefusedByRestore() throws Exception {
        assertThat(load(RdbType.LIST_ZIPLIST, ziplist())).isNull();
        assertThat(load(RdbType.HASH_LISTPACK, new Listpack.Builder().build())).isNull();
        RdbOutput out = new RdbOutput(64);
        out.writeByte(RdbType.LIST_ZIPLIST);
        out.writeString(ziplist());
        out.writeLittleEndian(RdbType.VERSION, 2);
        out.writeLittleEndian(Crc64.of(out.array(), 0, out.length()), 8);
        byte[] payload = out.toByteArray();
        assertThat(DumpPayload.verify(payload)).isTrue();
        assertThatThrownBy(() -> DumpPayload.load(payload, Limits.DEFAULTS)).isInstanceOf(RdbFormatException.class);
    }

    @Test
    void hugeLengthsAreRefusedBeforeAllocating() {
        RdbOutput out = new RdbOutput(16);
        out.writeByte(RdbType.SET);
        out.writeLen(Long.MAX_VALUE);
        byte[] p = out.toByteArray();
        assertThatThrownBy(() -> ValueReader.read(new RdbInput(p, 0, p.length), Limits.DEFAULTS))
            .isInstanceOf(RdbFormatException.class);
        RdbOutput lzf = new RdbOutput(16);
        lzf.writeByte(RdbType.STRING);
        lzf.writeByte(0xC3);
        lzf.writeLen(2);
        lzf.writeLen(1L << 31);
        lzf.writeRaw(new byte[] {0, 'a'});
        byte[] q = lzf.toByteArray();
        assertThatThrownBy(() -> ValueReader.read(new RdbInput(q, 0, q.length), Limits.DEFAULTS))
            .isInstanceOf(RdbFormatException.class);
    }
}
