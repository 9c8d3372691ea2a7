package io.ferrite.persistence.snapshot;

import io.ferrite.persistence.rdb.Crc64;
import io.ferrite.persistence.rdb.FunctionRecord;
import io.ferrite.persistence.rdb.RdbInput;
import io.ferrite.persistence.rdb.Limits;
import io.ferrite.persistence.rdb.RdbOutput;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The opcodes around keys that rdbLoadRio reads: IDLE and FREQ go with the next key only; module
 * data, which no module here can take, stops the load with Redis's words; function libraries,
 * in 7.0's format and the release candidates', go to the caller before the keys.
 */
class RdbOpcodesTest {
    private static final String MODULE_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static RdbOutput header() {
        RdbOutput out = new RdbOutput(64, false);
        out.writeRaw(b("REDIS0010"));
        return out;
    }

    private static byte[] finish(RdbOutput out) {
        out.writeByte(RdbFile.OPCODE_EOF);
        byte[] body = out.toByteArray();
        long crc = Crc64.of(body, 0, body.length);
        out.writeLittleEndian(crc, 8);
        return out.toByteArray();
    }

    private static void key(RdbOutput out, String k) {
        out.writeByte(0);
        out.writeString(b(k));
        out.writeString(b("v"));
    }

    private record Seen(String key, long idle, int freq) {
    }

    private static List<Seen> load(byte[] file) throws RdbLoadException {
        List<Seen> seen = new ArrayList<>();
        RdbLoader.load(file, Limits.DEFAULTS, System.currentTimeMillis(), 16, true,
            (db, key, v, at, idle, freq) -> seen.add(new Seen(new String(key, StandardCharsets.US_ASCII), idle, freq)));
        return seen;
    }

    @Test
    void idleAndFreqGoWithTheNextKeyOnly() throws Exception {
        RdbOutput out = header();
        out.writeByte(RdbFile.OPCODE_IDLE);
        out.writeLen(1000);
        key(out, "lru");
        out.writeByte(RdbFile.OPCODE_FREQ);
        out.writeByte(77);
        key(out, "lfu");
        key(out, "plain");
        assertThat(load(finish(out))).containsExactly(new Seen("lru", 1000, -1), new Seen("lfu", -1, 77),
            new Seen("plain", -1, -1));
    }

    private static long moduleId(String name, int version) {
        long id = 0;
        for (char c : name.toCharArray()) {
            id = id << 6 | MODULE_CHARS.indexOf(c);
        }
        return id << 10 | version;
    }

    @Test
    void moduleAuxDataNamesTheModuleNoneCanLoad() {
        assertThat(RdbLoader.moduleName(moduleId("ReJSON-RL", 3))).isEqualTo("ReJSON-RL");
        RdbOutput out = header();
        out.writeByte(RdbFile.OPCODE_MODULE_AUX);
        out.writeLen(moduleId("ReJSON-RL", 3));
        out.writeLen(2);
        out.writeLen(2);
        byte[] file = finish(out);
        assertThatThrownBy(() -> load(file)).isInstanceOf(RdbLoadException.class)
            .hasMessage("The RDB file contains AUX module data I can't load: no matching module 'ReJSON-RL'");
    }

    @Test
    void aModuleValueIsRefusedWithItsTypeName() {
        RdbOutput out = header();
        out.writeByte(7);
        out.writeString(b("k"));
        out.writeLen(moduleId("graphdata", 1));
        byte[] file = finish(out);
        assertThatThrownBy(() -> load(file)).isInstanceOf(RdbLoadException.class)
            .hasMessageEndingWith("-> The RDB file contains module data I can't load: no matching module type 'graphdata'");
    }

    @Test
    void functionLibrariesAreHandedBackBeforeTheKeysInBothFormats() throws RdbLoadException {
        RdbOutput out = header();
        FunctionRecord.write(out, b("#!lua name=mylib\nredis.register_function('f', function() return 1 end)"));
        // 7.0-rc1/rc2: name, engine, a description flag and description, then the code without its first line
        out.writeByte(FunctionRecord.OPCODE_PRE_GA);
        out.writeString(b("old"));
        out.writeString(b("LUA"));
        out.writeLen(1);
        out.writeString(b("dropped"));
        out.writeString(b("redis.register_function('g', function() return 2 end)"));
        key(out, "k");
        byte[] file = finish(out);
        List<String> seen = new ArrayList<>();
        RdbLoader.Result r = RdbLoader.load(new RdbInput(file, 0, file.length), Limits.DEFAULTS,
            System.currentTimeMillis(), 16, true, null, false,
            code -> seen.add(new String(code, StandardCharsets.US_ASCII)),
            (db, key, value, expireAt, idle, freq) -> seen.add("key " + new String(key, StandardCharsets.US_ASCII)));
        assertThat(seen).containsExactly("#!lua name=mylib\nredis.register_function('f', function() return 1 end)",
            "#!LUA name=old\nredis.register_function('g', function() return 2 end)", "key k");
        assertThat(r.libraries()).hasSize(2);
    }

    @Test
    void aLibraryRefusedStopsTheLoad() {
        RdbOutput out = header();
        FunctionRecord.write(out, b("#!lua name=mylib\nredis.register_function('f', function() return 1 end)"));
        byte[] file = finish(out);
        assertThatThrownBy(() -> RdbLoader.load(new RdbInput(file, 0, file.length), Limits.DEFAULTS,
            System.currentTimeMillis(), 16, true, null, false,
            code -> {
                throw new RdbLoadException(RdbLoader.SHORT_READ);
            },
            (db, key, value, expireAt, idle, freq) -> { }))
            .isInstanceOf(RdbLoadException.class)
            .hasMessage("Short read or OOM loading DB. Unrecoverable error, aborting now.");
    }
}
