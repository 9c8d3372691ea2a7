package io.ferrite.compat;

import static org.junit.jupiter.api.Assertions.fail;

import io.ferrite.compat.CaseFile.Case;
import io.ferrite.compat.CompatRunner.Endpoint;
import io.ferrite.server.Server;
import io.ferrite.server.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Differential compatibility suite: every case in redis-compat-tests/cases is run against a real
 * redis-server (started here as a child process) and against an in-process Ferrite, once per shard
 * count in {@code -Dferrite.test.shards} (default "1,4"); raw reply bytes must match.
 *
 * <p>System properties: {@code compat.referenceOnly=true} runs every case against two fresh
 * redis-servers instead (checks that the cases are deterministic); {@code compat.filter=text} keeps
 * only cases whose "file / case name" contains text; {@code compat.cases=dir} overrides the case
 * directory; {@code compat.redisServer=path} the redis-server binary. See redis-compat-tests/README.md.
 */
class CompatSuiteTest {
  private static final List<AutoCloseable> RESOURCES = new ArrayList<>();
  private static final Map<Integer, Object> FERRITES = new ConcurrentHashMap<>();

  @TestFactory
  Stream<DynamicTest> compatibility() throws Exception {
    Path dir = CompatRunner.casesDir();
    if (!Files.isDirectory(dir)) {
      fail("case directory not found: " + dir.toAbsolutePath());
    }
    List<Case> cases = CompatRunner.loadCases(dir, System.getProperty("compat.filter"));
    Path exe = RedisProcess.findExecutable();
    if (exe == null) {
      String msg = "redis-server not found on PATH (or -Dcompat.redisServer / $REDIS_SERVER);"
          + " the differential compatibility suite needs a real Redis 7.0";
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail(msg);
      }
      // Reported as one skipped test so that the skip is visible in the surefire summary.
      return Stream.of(DynamicTest.dynamicTest("redis-server not available", () -> Assumptions.abort(msg)));
    }
    RedisProcess redis = RedisProcess.start(exe);
    RESOURCES.add(redis);
    Endpoint reference = new Endpoint("redis", "127.0.0.1", redis.port);

    if (Boolean.getBoolean("compat.referenceOnly")) {
      RedisProcess other = RedisProcess.start(exe);
      RESOURCES.add(other);
      CompatRunner runner = new CompatRunner(reference, new Endpoint("redis-2", "127.0.0.1", other.port));
      return cases.stream().map(c -> DynamicTest.dynamicTest(
          "reference / " + c.file() + " / " + c.name(),
          () -> check(runner.run(c, "reference only"))));
    }

    List<Integer> shardCounts = new ArrayList<>();
    for (String s : System.getProperty("ferrite.test.shards", "1,4").split(",")) {
      if (!s.isBlank()) {
        shardCounts.add(Integer.parseInt(s.strip()));
      }
    }
    List<DynamicTest> tests = shardCounts.stream().flatMap(shards -> cases.stream()
        .filter(c -> c.runsWith(shards))
        .map(c -> DynamicTest.dynamicTest(shards + " shards / " + c.file() + " / " + c.name(), () -> {
          int port = ferritePort(shards);
          CompatRunner runner = new CompatRunner(reference, new Endpoint("ferrite", "127.0.0.1", port));
          check(runner.run(c, shards + " shards"));
        }))).toList();
    if (tests.isEmpty()) {
      // e.g. every matching case limited to other shard counts: nothing compared is a failure
      fail("no case runs with shard counts " + shardCounts);
    }
    return tests.stream();
  }

  private static void check(String failure) {
    if (failure != null) {
      fail(failure);
    }
  }

  /** Starts (once per shard count) an in-process Ferrite; a start failure fails every case of that count. */
  private static int ferritePort(int shards) throws Exception {
    Object o = FERRITES.computeIfAbsent(shards, n -> {
      try {
        ServerConfig cfg = ServerConfig.defaults();
        cfg.set("port", String.valueOf(RedisProcess.freePort()));
        cfg.set("bind", "127.0.0.1");
        cfg.set("shards", String.valueOf(n));
        cfg.set("memcached-port", "0");
        cfg.set("metrics-port", "0");
        // the reference redis-server runs with --enable-debug-command yes (RedisProcess)
        cfg.set("enable-debug-command", "yes");
        Server server = Server.start(cfg);
        synchronized (RESOURCES) {
          RESOURCES.add(server::close);
        }
        return server;
      } catch (Exception e) {
        return e;
      }
    });
    if (o instanceof Exception e) {
      throw new IllegalStateException("Ferrite with " + shards + " shards did not start", e);
    }
    return ((Server) o).respPort();
  }

  @AfterAll
  static void stopServers() {
    synchronized (RESOURCES) {
      for (int i = RESOURCES.size() - 1; i >= 0; i--) {
        try {
          RESOURCES.get(i).close();
        } catch (Exception ignored) {
          // best effort
        }
      }
      RESOURCES.clear();
      FERRITES.clear();
    }
  }
}
