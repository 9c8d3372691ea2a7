package io.ferrite.engine.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SpecJsonTest {
    @Test
    void readsTheSpecsAsJacksonsDataBindingDoes() throws Exception {
        JsonNode expected;
        try (InputStream in = SpecJsonTest.class.getResourceAsStream("/redis-commands.json")) {
            expected = new ObjectMapper().readTree(in);
        }
        JsonNode specs = SpecJson.redisSpecs();
        // same node types (IntNode for small integers), same values, same field order
        assertThat(specs).isEqualTo(expected);
        assertThat(fieldOrder(specs)).isEqualTo(fieldOrder(expected));
    }

    @Test
    void everySpecSurvivesItsCompactForm() {
        JsonNode specs = SpecJson.redisSpecs();
        for (Map.Entry<String, JsonNode> e : specs.properties()) {
            byte[] compact = SpecJson.bytes(e.getValue());
            JsonNode back = SpecJson.tree(compact);
            assertThat(back).as(e.getKey()).isEqualTo(e.getValue());
            assertThat(fieldOrder(back)).as(e.getKey()).isEqualTo(fieldOrder(e.getValue()));
        }
    }

    @Test
    void compactFormIsSmallerThanTheTreeItStandsFor() {
        JsonNode get = SpecJson.redisSpecs().get("get");
        byte[] compact = SpecJson.bytes(get);
        // no whitespace between tokens: the text is exactly what a compact writer prints
        assertThat(new String(compact, java.nio.charset.StandardCharsets.UTF_8)).doesNotContain(": ", ", ")
            .startsWith("{\"").contains("\"arity\":2");
    }

    @Test
    void refusesTrailingOrMissingValues() {
        assertThatThrownBy(() -> SpecJson.tree("{} {}".getBytes())).isInstanceOf(java.io.UncheckedIOException.class);
        assertThatThrownBy(() -> SpecJson.tree(new byte[0])).isInstanceOf(java.io.UncheckedIOException.class);
    }

    @Test
    void keepsScalarsOfEveryKind() {
        JsonNode n = SpecJson.tree("{\"i\":-3,\"l\":12345678901,\"d\":1.5,\"t\":true,\"f\":false,\"z\":null,\"s\":\"x\"}"
            .getBytes());
        assertThat(SpecJson.tree(SpecJson.bytes(n))).isEqualTo(n);
        assertThat(n.get("i").isInt()).isTrue();
        assertThat(n.get("l").isLong()).isTrue();
        assertThat(n.get("d").doubleValue()).isEqualTo(1.5);
        assertThat(n.get("z").isNull()).isTrue();
    }

    private static String fieldOrder(JsonNode n) {
        StringBuilder b = new StringBuilder();
        walk(n, b);
        return b.toString();
    }

    private static void walk(JsonNode n, StringBuilder b) {
        if (n.isObject()) {
            for (Map.Entry<String, JsonNode> e : n.properties()) {
                b.append(e.getKey()).append('{');
                walk(e.getValue(), b);
                b.append('}');
            }
        } else if (n.isArray()) {
            for (JsonNode c : n) {
                b.append('[');
                walk(c, b);
                b.append(']');
            }
        }
    }
}
