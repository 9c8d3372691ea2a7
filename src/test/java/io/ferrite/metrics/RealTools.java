package io.ferrite.metrics;

import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real monitoring tools the tests run (Debian's prometheus, promtool, prometheus-redis-exporter):
 * found on PATH; a missing one fails the test under CI=true and skips it elsewhere, as the
 * reference servers do.
 */
final class RealTools {
    private RealTools() {
    }

    static Path require(String name) {
        String path = System.getenv("PATH");
        if (path != null) {
            for (String d : path.split(File.pathSeparator)) {
                Path p = Path.of(d.isEmpty() ? "." : d, name);
                if (Files.isExecutable(p)) {
                    return p;
                }
            }
        }
        if ("true".equals(System.getenv("CI"))) {
            throw new AssertionError(name + " not found on PATH (scripts/test installs it)");
        }
        Assumptions.abort(name + " not installed");
        return null;
    }

    /** Runs a command to completion with {@code stdin}, returning exit code and output (stdout + stderr). */
    static Result run(List<String> cmd, String stdin, long timeoutSeconds) {
        try {
            Path out = Files.createTempFile("ferrite-tool-", ".out");
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
            Process p = pb.start();
            if (stdin != null) {
                p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            p.getOutputStream().close();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(cmd + " did not finish within " + timeoutSeconds + " s");
            }
            String text = Files.readString(out);
            Files.deleteIfExists(out);
            return new Result(p.exitValue(), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    record Result(int exit, String output) {
    }

    /** A long-running tool started in the background; its output goes to a log file kept for failure messages. */
    static final class Background implements AutoCloseable {
        final Process process;
        final Path log;

        Background(List<String> cmd) {
            try {
                log = Files.createTempFile("ferrite-tool-", ".log");
                process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        String log() {
            try {
                return Files.readString(log);
            } catch (IOException e) {
                return "(no log: " + e + ")";
            }
        }

        @Override
        public void close() {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
                Files.deleteIfExists(log);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException ignored) {
                // a leftover temp file is harmless
            }
        }
    }
}
