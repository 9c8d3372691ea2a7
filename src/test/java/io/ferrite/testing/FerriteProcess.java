package io.ferrite.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Ferrite as a process of its own (for kill -9, signals and resource limits), started from the
 * test's class path on a loopback port with its output in a log file; a small, quickly started
 * JVM. Closing kills it.
 */
public final class FerriteProcess implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path log;

    private FerriteProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts one on {@code dir} with {@code directives} (pairs like "--appendonly", "yes") and waits until it answers PING. */
    public static FerriteProcess start(Path dir, Path log, String... directives) throws Exception {
        return start(TestServers.freePort(), null, dir, log, directives);
    }

    /**
     * Starts one on a chosen {@code port} (a restart where clients and Sentinels look for it), reading
     * {@code configFile} first when it is not null, as redis-server does, so CONFIG REWRITE has a
     * file to rewrite; the command line's directives still win over the file's.
     */
    public static FerriteProcess start(int port, Path configFile, Path dir, Path log, String... directives)
            throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m",
            "-cp", System.getProperty("java.class.path"), "io.ferrite.server.Main"));
        if (configFile != null) {
            cmd.add(configFile.toString());
        }
        cmd.addAll(List.of("--port", String.valueOf(port), "--bind", "127.0.0.1", "--memcached-port", "0",
            "--metrics-port", "0", "--dir", dir.toString()));
        cmd.addAll(List.of(directives));
        // the output comes through a pipe, copied to the log by this JVM: limits set on the process
        // (a file-size limit standing for a full disk) must not stop its log
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        Thread copier = new Thread(() -> copy(p, log), "ferrite-process-log");
        copier.setDaemon(true);
        copier.start();
        FerriteProcess f = new FerriteProcess(p, port, log);
        f.awaitUp();
        return f;
    }

    private static void copy(Process p, Path log) {
        try (java.io.InputStream in = p.getInputStream();
             java.io.OutputStream out = Files.newOutputStream(log, java.nio.file.StandardOpenOption.CREATE,
                 java.nio.file.StandardOpenOption.APPEND)) {
            byte[] b = new byte[8192];
            for (int n; (n = in.read(b)) > 0; ) {
                out.write(b, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // the process ended: nothing more to copy
        }
    }

    private void awaitUp() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!RawClient.answersPing(port)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new AssertionError("Ferrite did not start:\n" + logText());
            }
            Thread.sleep(20);
        }
    }

    public int port() {
        return port;
    }

    public Process process() {
        return process;
    }

    public String logText() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    /** Runs a command line (prlimit, kill) about this process and waits for it; its exit code. */
    public int run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not end");
        }
        if (p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed: " + out);
        }
        return p.exitValue();
    }

    /** Waits for the process to end by itself; its exit code. */
    public int awaitExit(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            throw new AssertionError("Ferrite did not exit within " + seconds + " s");
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }
}
