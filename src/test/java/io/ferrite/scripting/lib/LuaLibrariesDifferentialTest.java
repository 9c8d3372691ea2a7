package io.ferrite.scripting.lib;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * cjson, cmsgpack, struct and bit against redis-server 7.0.15: every expression of
 * {@code scripting/lua-libraries.cases} (number formatting, nesting, sparse arrays, cjson.null,
 * error texts, msgpack integer boundaries, struct formats, bit boundaries) must show the same
 * results, byte for byte, in Ferrite's Lua state and in Redis's EVAL.
 */
class LuaLibrariesDifferentialTest {
    private static LuaDifferential both;

    @BeforeAll
    static void start() throws Exception {
        both = LuaDifferential.start();
    }

    @AfterAll
    static void stop() throws IOException {
        if (both != null) {
            both.close();
        }
    }

    @TestFactory
    Stream<DynamicTest> everyCaseMatchesRedis() throws IOException {
        List<String> cases = cases();
        assertThat(cases).hasSizeGreaterThan(400);
        return cases.stream().map(expression -> DynamicTest.dynamicTest(expression, () -> {
            String script = LuaDifferential.expressionScript(expression);
            String expected = new String(both.redis(script), StandardCharsets.ISO_8859_1);
            String actual = new String(both.ferrite(script), StandardCharsets.ISO_8859_1);
            assertThat(actual).as(expression).isEqualTo(expected);
        }));
    }

    private static List<String> cases() throws IOException {
        List<String> out = new ArrayList<>();
        try (InputStream in = LuaLibrariesDifferentialTest.class.getResourceAsStream("/scripting/lua-libraries.cases")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    out.add(line);
                }
            }
        }
        return out;
    }
}
