package io.ferrite.server;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.ferrite.testing.DecoderFuzzing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Map;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fuzz target for the config-file reader (Jazzer; see scripts/fuzz): whatever a file holds,
 * loading it either succeeds or stops with Redis's "FATAL CONFIG FILE ERROR" naming the line
 * ({@link ServerConfig.ConfigError}), and never with another exception, a hang or a crash. Plain
 * {@code mvn test} runs the committed corpus under
 * {@code src/test/resources/io/ferrite/server/ServerConfigFuzzTestInputs/} and a bounded run of
 * mutated inputs.
 */
class ServerConfigFuzzTest {
    /**
     * One directory for every input, at a fixed place so that a seed can name it: the file is
     * {@code c}, and {@code dir /tmp/ferrite-config-fuzz} then {@code include c} includes itself.
     */
    private static final Path DIR = directory();
    private static final Path FILE = DIR.resolve("c");

    @FuzzTest
    void configFile(byte[] data) {
        check(data);
    }

    @Test
    @Timeout(120)
    void mutatedSeeds() {
        DecoderFuzzing.mutateSeeds(DecoderFuzzing.seeds(getClass(), "configFile"), 1_000, 6379,
            ServerConfigFuzzTest::check);
    }

    static void check(byte[] data) {
        try {
            Files.write(FILE, data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ServerConfig c = fresh();
        try {
            c.load(FILE);
        } catch (ServerConfig.ConfigError expected) {
            return;
        } catch (IOException e) {
            throw new AssertionError("a config file that exists and can be read failed with " + e, e);
        }
        // what loaded must read back as values the server can use
        for (String name : ServerConfig.directives().keySet()) {
            if (c.get(name) == null) {
                throw new AssertionError(name + " lost its value");
            }
        }
    }

    /**
     * {@link ServerConfig#defaults()} without its cost: defaults() parses every directive's default
     * (four fifths of an input's time when fuzzing, with those parsers instrumented), so the parsed
     * values are taken once and copied into each input's new config. {@link #freshIsDefaults}
     * checks that the copy is what defaults() builds, field by field.
     */
    static ServerConfig fresh() {
        ServerConfig c = new ServerConfig();
        values(c).putAll(DEFAULT_VALUES);
        return c;
    }

    private static final Field VALUES = valuesField();
    private static final Map<String, String> DEFAULT_VALUES = Map.copyOf(values(ServerConfig.defaults()));

    private static Field valuesField() {
        try {
            Field f = ServerConfig.class.getDeclaredField("values");
            f.setAccessible(true);
            return f;
        } catch (NoSuchFieldException e) {
            throw new AssertionError("ServerConfig keeps its directives' values elsewhere now: update fresh()", e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> values(ServerConfig c) {
        try {
            return (Map<String, String>) VALUES.get(c);
        } catch (IllegalAccessException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void freshIsDefaults() throws IllegalAccessException {
        ServerConfig copy = fresh();
        ServerConfig made = ServerConfig.defaults();
        for (Field f : ServerConfig.class.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers())) {
                continue;
            }
            f.setAccessible(true);
            Object a = f.get(copy);
            Object b = f.get(made);
            if (a instanceof Collection<?> ca && b instanceof Collection<?> cb) {
                // an ArrayDeque has no equals of its own
                a = new ArrayList<>(ca);
                b = new ArrayList<>(cb);
            }
            assertEquals(b, a, "field " + f.getName());
        }
        assertEquals(made.snapshot(), copy.snapshot());
    }

    private static Path directory() {
        try {
            return Files.createDirectories(Path.of("/tmp/ferrite-config-fuzz"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
