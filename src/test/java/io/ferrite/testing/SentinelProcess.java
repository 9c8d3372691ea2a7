package io.ferrite.testing;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real redis-sentinel (Debian's, 7.0) as a child process on a free loopback port, monitoring
 * one master under a name. It rewrites its own config file as Sentinel does (the file is its
 * state); its log goes to {@code sentinel.log} beside it. Closing kills it.
 */
public final class SentinelProcess implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path log;

    private SentinelProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** The redis-sentinel executable: $REDIS_SENTINEL, or redis-sentinel on PATH or in /usr/bin; null when missing. */
    public static Path findExecutable() {
        String explicit = System.getenv("REDIS_SENTINEL");
        if (explicit != null && !explicit.isBlank()) {
            Path p = Path.of(explicit);
            return Files.isExecutable(p) ? p : null;
        }
        String path = System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/bin";
        for (String d : path.split(File.pathSeparator)) {
            Path p = Path.of(d.isEmpty() ? "." : d, "redis-sentinel");
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    /**
     * Starts a sentinel in {@code dir} monitoring {@code masterName} at 127.0.0.1:{@code masterPort}
     * with {@code quorum}, then the per-master {@code settings} (e.g. "down-after-milliseconds 1000"),
     * and waits until it answers PING.
     */
    public static SentinelProcess start(Path executable, Path dir, String masterName, int masterPort, int quorum,
                                        List<String> settings) throws Exception {
        Files.createDirectories(dir);
        int port = TestServers.freePort();
        Path conf = dir.resolve("sentinel.conf");
        Path log = dir.resolve("sentinel.log");
        StringBuilder text = new StringBuilder()
            .append("port ").append(port).append('\n')
            .append("bind 127.0.0.1\n")
            .append("daemonize no\n")
            .append("dir \"").append(dir).append("\"\n")
            .append("logfile \"").append(log).append("\"\n")
            .append("sentinel monitor ").append(masterName).append(" 127.0.0.1 ").append(masterPort)
            .append(' ').append(quorum).append('\n');
        for (String s : settings) {
            text.append("sentinel ").append(s.replaceFirst(" ", " " + masterName + " ")).append('\n');
        }
        Files.writeString(conf, text);
        Process p = new ProcessBuilder(executable.toString(), conf.toString())
            .redirectErrorStream(true).redirectOutput(dir.resolve("sentinel.out").toFile()).start();
        SentinelProcess s = new SentinelProcess(p, port, log);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!RawClient.answersPing(port)) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                p.destroyForcibly();
                throw new AssertionError("redis-sentinel did not start:\n" + s.logText());
            }
            Thread.sleep(20);
        }
        return s;
    }

    public int port() {
        return port;
    }

    public String logText() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    @Override
    public void close() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }
}
