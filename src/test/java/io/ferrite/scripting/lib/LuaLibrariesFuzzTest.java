package io.ferrite.scripting.lib;

import org.junit.jupiter.api.Test;
import party.iroiro.luajava.lua51.Lua51;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random and mutated bytes (fixed seeds) into cjson.decode and cmsgpack.unpack: the JVM survives,
 * every call returns promptly (a length header of 2^32 allocates nothing ahead of the bytes), and
 * a sample of the inputs decodes exactly as redis-server 7.0.15 decodes it, errors included.
 */
class LuaLibrariesFuzzTest {
    private static final String DECODE_ALL = LuaDifferential.SHOW
        + "local s = ARGV[1] "
        + "local r = {pcall(cjson.decode, s)} "
        + "local m = {pcall(cmsgpack.unpack, s)} "
        + "local o = {pcall(cmsgpack.unpack_limit, s, 2, 1)} "
        + "return show(r) .. '|' .. show(m) .. '|' .. show(o)";

    private static final String[] JSON_SEEDS = {
        "{\"a\":[1,2,{\"b\":null}],\"c\":\"d\\u00e9\\ud83d\\ude00\",\"e\":-1.5e3,\"f\":true}",
        "[[[[[]]]],{},\"\\\"\\\\\\/\\b\\f\\n\\r\\t\",0x1F,-Infinity,nan,+1,007]",
        "{\"k1\":1,\"k2\":2,\"k3\":[false,null,\"x\"],\"k4\":{\"k5\":{\"k6\":[]}}}",
        "\"plain string with \\u0041 escapes\"",
        "12345678901234567890.123e-7",
    };

    /** Bytes that make structure: brackets, quotes, escapes, number parts, msgpack array/map/nil headers. */
    private static final String INSERTS = "[]{}\",:\\0xe-+.nt\u0091\u00dc\u00c0\u0081\u0000";

    @Test
    void decodersSurviveRandomAndMutatedInput() {
        Random random = new Random(0x5eed);
        List<byte[]> seeds = seeds();
        try (Lua51 lua = LuaDifferential.ferriteState()) {
            long start = System.nanoTime();
            for (int i = 0; i < 6000; i++) {
                byte[] input = i % 3 == 0 ? randomBytes(random) : mutate(random, seeds.get(random.nextInt(seeds.size())));
                long t0 = System.nanoTime();
                String shown = new String(LuaDifferential.runInFerrite(lua, DECODE_ALL, input), StandardCharsets.ISO_8859_1);
                assertThat(shown).as("input %d", i).doesNotStartWith("LuaException").contains("|");
                assertThat(System.nanoTime() - t0).as("input %d took too long", i).isLessThan(2_000_000_000L);
            }
            assertThat(System.nanoTime() - start).isLessThan(120_000_000_000L);
        }
    }

    @Test
    void hugeLengthHeadersAllocateNothingAhead() {
        try (Lua51 lua = LuaDifferential.ferriteState()) {
            for (String header : new String[] {"\u00dd", "\u00df", "\u00db", "\u00dc", "\u00de", "\u00da"}) {
                byte[] input = (header + "\u00ff\u00ff\u00ff\u00ff\u0001").getBytes(StandardCharsets.ISO_8859_1);
                long used = usedHeap();
                String shown = new String(LuaDifferential.runInFerrite(lua, DECODE_ALL, input), StandardCharsets.ISO_8859_1);
                assertThat(shown).contains("Missing bytes in input.");
                assertThat(usedHeap() - used).isLessThan(64L << 20);
            }
        }
    }

    @Test
    void mutatedInputDecodesAsInRedis() throws Exception {
        Random random = new Random(0xfeed);
        List<byte[]> seeds = seeds();
        try (LuaDifferential both = LuaDifferential.start()) {
            for (int i = 0; i < 1500; i++) {
                byte[] input = i % 4 == 0 ? randomBytes(random) : mutate(random, seeds.get(random.nextInt(seeds.size())));
                String expected = new String(both.redis(DECODE_ALL, input), StandardCharsets.ISO_8859_1);
                String actual = new String(both.ferrite(DECODE_ALL, input), StandardCharsets.ISO_8859_1);
                assertThat(actual).as("input %s", LuaDifferential.luaLiteral(input)).isEqualTo(expected);
            }
        }
    }

    @Test
    void randomStructFormatsAndBitOperandsMatchRedis() throws Exception {
        Random random = new Random(0xb175);
        String[] ops = {"tobit", "bnot", "band", "bor", "bxor", "lshift", "rshift", "arshift", "rol", "ror", "bswap", "tohex"};
        try (LuaDifferential both = LuaDifferential.start()) {
            for (int i = 0; i < 600; i++) {
                String expression = switch (i % 3) {
                    case 0 -> "bit." + ops[random.nextInt(ops.length)] + "(" + number(random) + ", " + number(random) + ")";
                    case 1 -> "struct.pack(" + quote(format(random)) + ", " + number(random) + ", " + number(random)
                        + ", 'abcdef', " + number(random) + ")";
                    default -> "struct.unpack(" + quote(format(random)) + ", ARGV[1], " + (1 + random.nextInt(3)) + ")";
                };
                byte[] data = new byte[random.nextInt(24)];
                random.nextBytes(data);
                String script = LuaDifferential.expressionScript(expression);
                String expected = new String(both.redis(script, data), StandardCharsets.ISO_8859_1);
                String actual = new String(both.ferrite(script, data), StandardCharsets.ISO_8859_1);
                assertThat(actual).as(expression + " on " + LuaDifferential.luaLiteral(data)).isEqualTo(expected);
            }
        }
    }

    @Test
    void randomTablesEncodeAsInRedis() throws Exception {
        Random random = new Random(0x7ab1e);
        try (LuaDifferential both = LuaDifferential.start()) {
            for (int i = 0; i < 400; i++) {
                String expression = "(function() local t = " + value(random, 0) + " "
                    + "local p = {pcall(cmsgpack.pack, t)} "
                    + "return {pcall(cjson.encode, t)}, p, p[1] and {pcall(cmsgpack.unpack, p[2])} end)()";
                String script = LuaDifferential.expressionScript(expression);
                String expected = new String(both.redis(script), StandardCharsets.ISO_8859_1);
                String actual = new String(both.ferrite(script), StandardCharsets.ISO_8859_1);
                assertThat(actual).as(expression).isEqualTo(expected);
            }
        }
    }

    @Test
    void randomDoublesPrintAsInRedisAtEveryPrecision() throws Exception {
        Random random = new Random(0xd0b1e);
        try (LuaDifferential both = LuaDifferential.start()) {
            for (int i = 0; i < 300; i++) {
                StringBuilder list = new StringBuilder("{");
                for (int n = 0; n < 20; n++) {
                    double d;
                    do {
                        d = switch (n % 3) {
                            case 0 -> Double.longBitsToDouble(random.nextLong());
                            case 1 -> random.nextDouble() * Math.pow(10, random.nextInt(40) - 20);
                            default -> Math.round(random.nextDouble() * 1e6) / Math.pow(10, random.nextInt(8));
                        };
                    } while (!Double.isFinite(d));
                    list.append(String.format(java.util.Locale.ROOT, "%.17g", d)).append(',');
                }
                String expression = "(function() local n = cjson.new() n.encode_number_precision(" + (1 + i % 14) + ") "
                    + "return n.encode(" + list.append('}') + "), cmsgpack.pack(" + list + ") end)()";
                String script = LuaDifferential.expressionScript(expression);
                String expected = new String(both.redis(script), StandardCharsets.ISO_8859_1);
                String actual = new String(both.ferrite(script), StandardCharsets.ISO_8859_1);
                assertThat(actual).as(expression).isEqualTo(expected);
            }
        }
    }

    /** Lua source of a random value: numbers, byte strings, booleans, cjson.null, arrays, maps, sparse tables. */
    private static String value(Random random, int depth) {
        switch (random.nextInt(depth > 3 ? 4 : 7)) {
            case 0:
                return "(" + number(random) + ")";
            case 1: {
                byte[] b = new byte[random.nextInt(12)];
                random.nextBytes(b);
                return random.nextBoolean() ? LuaDifferential.luaLiteral(b) : "'k" + random.nextInt(40) + "'";
            }
            case 2:
                return random.nextBoolean() ? "true" : "false";
            case 3:
                return "cjson.null";
            case 4: {
                StringBuilder sb = new StringBuilder("{");
                for (int n = random.nextInt(8); n > 0; n--) {
                    sb.append(value(random, depth + 1)).append(',');
                }
                return sb.append('}').toString();
            }
            default: {
                StringBuilder sb = new StringBuilder("{");
                for (int n = random.nextInt(8); n > 0; n--) {
                    String key = switch (random.nextInt(4)) {
                        case 0 -> "'k" + random.nextInt(40) + "'";
                        case 1 -> Integer.toString(1 + random.nextInt(random.nextBoolean() ? 12 : 40));
                        case 2 -> "(" + number(random) + ")";
                        default -> LuaDifferential.luaLiteral(new byte[] {(byte) random.nextInt(256), (byte) random.nextInt(256)});
                    };
                    sb.append('[').append(key).append("]=").append(value(random, depth + 1)).append(',');
                }
                return sb.append('}').toString();
            }
        }
    }

    private static String number(Random random) {
        return switch (random.nextInt(6)) {
            case 0 -> Integer.toString(random.nextInt());
            case 1 -> Long.toString(random.nextLong() >> random.nextInt(64));
            case 2 -> Double.toString(random.nextGaussian() * Math.pow(10, random.nextInt(25)));
            case 3 -> Integer.toString(random.nextInt(70) - 35);
            case 4 -> (random.nextBoolean() ? "-" : "") + "2^" + random.nextInt(70);
            default -> random.nextInt(4) + ".5";
        };
    }

    private static String format(Random random) {
        String options = "<>!bBhHlLTiIfdxcs 0123456789";
        StringBuilder sb = new StringBuilder();
        for (int n = random.nextInt(6); n >= 0; n--) {
            sb.append(options.charAt(random.nextInt(options.length())));
        }
        return sb.toString();
    }

    private static String quote(String s) {
        return "'" + s + "'";
    }

    private static long usedHeap() {
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    private static List<byte[]> seeds() {
        List<byte[]> seeds = new ArrayList<>();
        for (String json : JSON_SEEDS) {
            seeds.add(json.getBytes(StandardCharsets.UTF_8));
        }
        try (Lua51 lua = LuaDifferential.ferriteState()) {
            String[] packs = {
                "cmsgpack.pack({1, 2, {a = 'b', c = {true, false}}, 'str', 1.5, -129, 2^40})",
                "cmsgpack.pack(string.rep('x', 40), {x = {y = {z = {}}}}, 0.1, -2^63, 65536, nil)",
                "cmsgpack.pack({[1] = 'a', [3] = 'c'}, 127, 128, -32, -33, 1e300)",
            };
            for (String p : packs) {
                seeds.add(LuaDifferential.runInFerrite(lua, "return " + p));
            }
        }
        return seeds;
    }

    private static byte[] randomBytes(Random random) {
        byte[] b = new byte[random.nextInt(48)];
        random.nextBytes(b);
        return b;
    }

    private static byte[] mutate(Random random, byte[] seed) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(seed);
        byte[] b = out.toByteArray();
        int edits = 1 + random.nextInt(4);
        for (int e = 0; e < edits && b.length > 0; e++) {
            int at = random.nextInt(b.length);
            switch (random.nextInt(5)) {
                case 0 -> b[at] = (byte) random.nextInt(256);
                case 1 -> b = java.util.Arrays.copyOf(b, at);
                case 2 -> {
                    byte[] c = new byte[b.length + 1];
                    System.arraycopy(b, 0, c, 0, at);
                    c[at] = (byte) INSERTS.charAt(random.nextInt(INSERTS.length()));
                    System.arraycopy(b, at, c, at + 1, b.length - at);
                    b = c;
                }
                case 3 -> {
                    byte[] c = new byte[b.length - 1];
                    System.arraycopy(b, 0, c, 0, at);
                    System.arraycopy(b, at + 1, c, at, b.length - at - 1);
                    b = c;
                }
                default -> b[at] ^= (byte) (1 << random.nextInt(8));
            }
        }
        return b;
    }
}
