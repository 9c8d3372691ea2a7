package io.ferrite.compat;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A real redis-server started as a child process on a free loopback port. */
public final class RedisProcess implements AutoCloseable {
  public final int port;
  private final Process process;
  private final Path dir;

  private RedisProcess(int port, Process process, Path dir) {
    this.port = port;
    this.process = process;
    this.dir = dir;
  }

  /** The redis-server executable: -Dcompat.redisServer, $REDIS_SERVER, or redis-server on PATH. */
  public static Path findExecutable() {
    String explicit = System.getProperty("compat.redisServer", System.getenv("REDIS_SERVER"));
    if (explicit != null && !explicit.isBlank()) {
      Path p = Path.of(explicit);
      return Files.isExecutable(p) ? p : null;
    }
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String d : path.split(File.pathSeparator)) {
      Path p = Path.of(d.isEmpty() ? "." : d, "redis-server");
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }

  /** A currently free loopback port, never 6379 or 11211. */
  static int freePort() throws IOException {
    for (int i = 0; i < 50; i++) {
      try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
        int p = s.getLocalPort();
        if (p != 6379 && p != 11211) {
          return p;
        }
      }
    }
    throw new IOException("no free port found");
  }

  /** A redis-server with the default test settings, then {@code extra} arguments (e.g. {@code --replicaof}). */
  public static RedisProcess start(Path executable, String... extra) throws IOException, InterruptedException {
    IOException last = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      int port = freePort();
      Path dir = Files.createTempDirectory("ferrite-compat-redis-");
      Path log = dir.resolve("redis.log");
      List<String> args = new java.util.ArrayList<>(List.of(
          executable.toString(),
          "--port", String.valueOf(port),
          "--bind", "127.0.0.1",
          "--save", "",
          "--appendonly", "no",
          "--daemonize", "no",
          "--enable-debug-command", "yes",
          "--dir", dir.toString(),
          "--logfile", ""));
      args.addAll(List.of(extra));
      ProcessBuilder pb = new ProcessBuilder(args);
      pb.redirectErrorStream(true);
      pb.redirectOutput(log.toFile());
      Process proc = pb.start();
      RedisProcess rp = new RedisProcess(port, proc, dir);
      Runtime.getRuntime().addShutdownHook(new Thread(proc::destroyForcibly));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (System.nanoTime() < deadline && proc.isAlive()) {
        if (ping(port)) {
          return rp;
        }
        Thread.sleep(20);
      }
      String out = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
      rp.close();
      last = new IOException("redis-server did not come up on port " + port + ":\n" + out);
    }
    throw last;
  }

  /** The process id, for signals (SIGSTOP / SIGCONT) a test sends. */
  public long pid() {
    return process.pid();
  }

  /** The server's log so far. */
  public String log() throws IOException {
    Path log = dir.resolve("redis.log");
    return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
  }

  static boolean ping(int port) {
    return io.ferrite.testing.RawClient.answersPing(port);
  }


  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // best effort
    }
  }
}
