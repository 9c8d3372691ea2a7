package io.ferrite.persistence.snapshot;

import io.ferrite.persistence.rdb.Crc64;
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
 * data and function libraries, which no module or engine here can take, stop the load with Redis's
 * words.
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
    void functionLibrariesStopTheLoadAsInARedisWithoutTheirEngine() {
        RdbOutput out = header();
        out.writeByte(RdbFile.OPCODE_FUNCTION);
        out.writeString(b("#!lua name=mylib\nredis.register_function('f', function() return 1 end)"));
        byte[] file = finish(out);
        assertThatThrownBy(() -> load(file)).isInstanceOf(RdbLoadException.class)
            .hasMessage("Short read or OOM loading DB. Unrecoverable error, aborting now.");
        RdbOutput pre = header();
        pre.writeByte(RdbFile.OPCODE_FUNCTION_PRE_GA);
        byte[] preGa = finish(pre);
        assertThatThrownBy(() -> load(preGa)).isInstanceOf(RdbLoadException.class)
            .hasMessageEndingWith("-> Pre-release function format not supported.");
    }
}
