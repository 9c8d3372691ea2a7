package io.ferrite.compat;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrite.server.Server;
import io.ferrite.server.ServerConfig;
import io.ferrite.testing.TestServers;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ferrite's config table against a real redis-server 7.0's: CONFIG GET * names the same
 * directives and aliases (plus Ferrite's own), each with Redis's default, and a config file made
 * of every line Redis prints loads into Ferrite with the same values.
 */
class ConfigTableTest {
  /** Ferrite's own directives, which Redis does not have. */
  private static final Set<String> FERRITE_ONLY =
      Set.of("shards", "memcached-port", "metrics-port", "item-size-max", "memcached-max-connections", "memcached-no-evict",
          "memcached-tls", "metrics-tls", "ssl-provider", "maxmemory-admission", "memcached-auth", "memcached-user");
  /** Set differently on the two sides by the way each server is started here. */
  private static final Set<String> STARTED_DIFFERENTLY =
      Set.of("port", "bind", "dir", "save", "enable-debug-command", "logfile", "client-output-buffer-limit");

  /**
   * Defaults Ferrite chooses differently, on purpose (see the README): io-threads 0 means every
   * shard's thread serves connections, where Redis's 1 is its single thread; sanitize-dump-payload
   * yes, so that a hostile RESTORE payload never ends a server left at its defaults.
   */
  private static final Map<String, String> FERRITE_DEFAULTS =
      Map.of("io-threads", "0", "sanitize-dump-payload", "yes");

  @TempDir Path tmp;

  private static Map<String, String> configGetAll(int port) {
    RedisClient client = RedisClient.create("redis://127.0.0.1:" + port);
    try (StatefulRedisConnection<String, String> c = client.connect()) {
      return c.sync().configGet("*");
    } finally {
      client.shutdown();
    }
  }

  private static RedisProcess reference() throws Exception {
    return ReferenceRedis.start("the config table is compared with a real Redis 7.0");
  }

  @Test
  void sameNamesAndDefaultsAsRedis() throws Exception {
    Map<String, String> redis;
    try (RedisProcess p = reference()) {
      redis = configGetAll(p.port);
    }
    Map<String, String> ferrite;
    try (Server s = TestServers.start(1, Map.of())) {
      ferrite = configGetAll(s.respPort());
    }
    Set<String> ours = new TreeSet<>(ferrite.keySet());
    ours.removeAll(FERRITE_ONLY);
    assertThat(ours).isEqualTo(new TreeSet<>(redis.keySet()));
    List<String> differ = new ArrayList<>();
    for (Map.Entry<String, String> e : redis.entrySet()) {
      String name = e.getKey();
      if (FERRITE_DEFAULTS.containsKey(name)) {
        assertThat(ferrite.get(name)).as(name).isEqualTo(FERRITE_DEFAULTS.get(name));
      } else if (!STARTED_DIFFERENTLY.contains(name) && !e.getValue().equals(ferrite.get(name))) {
        differ.add(name + ": redis '" + e.getValue() + "', ferrite '" + ferrite.get(name) + "'");
      }
    }
    assertThat(differ).isEmpty();
  }

  @Test
  void everyLineRedisPrintsLoads() throws Exception {
    Map<String, String> redis;
    try (RedisProcess p = reference()) {
      redis = configGetAll(p.port);
    }
    StringBuilder conf = new StringBuilder();
    redis.forEach((k, v) -> {
      if (!k.equals("dir") && !k.equals("client-output-buffer-limit")) {
        conf.append(k).append(" \"").append(v.replace("\\", "\\\\").replace("\"", "\\\"")).append("\"\n");
      }
    });
    Path f = tmp.resolve("redis.conf");
    Files.writeString(f, conf.toString());
    ServerConfig c = ServerConfig.defaults();
    c.load(f);
    List<String> differ = new ArrayList<>();
    redis.forEach((k, v) -> {
      if (!k.equals("dir") && !k.equals("client-output-buffer-limit") && !v.equals(c.get(k))) {
        differ.add(k + ": redis '" + v + "', ferrite '" + c.get(k) + "'");
      }
    });
    assertThat(differ).isEmpty();
  }
}
