package io.ferrite.server;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.ferrite.testing.DecoderFuzzing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
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
        ServerConfig c = ServerConfig.defaults();
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

    private static Path directory() {
        try {
            return Files.createDirectories(Path.of("/tmp/ferrite-config-fuzz"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
