package io.ferrite.compat;

import static org.junit.jupiter.api.Assertions.fail;

import io.ferrite.server.Server;
import io.ferrite.server.ServerConfig;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Seeded random command sequences over lists, hashes, sets, sorted sets and streams, run against a
 * real redis-server and against Ferrite with 1 and 4 shards. Every reply must match (compared as
 * multisets where Redis's order is hash-dependent) and, after each sequence, every key's type,
 * encoding and contents. Keys are spread over shards and collections grow past the listpack and
 * intset limits, so encodings convert both ways. {@code -Dproperty.seeds=N} sets the number of
 * sequences (default 60), {@code -Dproperty.seed=S} replays one.
 */
class PropertyTest {
  /** Per type a few keys on different shards (hashtags put two on one shard); now and then a key of another type. */
  private static final String[][] POOLS = {
      {"la", "lb", "{t}l1", "{t}l2"}, {"ha", "hb", "{t}h1", "h-foo"}, {"sa", "sb", "{t}s1", "s-bar"},
      {"za", "zb", "{t}z1", "z-baz"}, {"xa", "xb", "{t}x1", "x-qux"}};
  private static final String[] KEYS = Arrays.stream(POOLS).flatMap(Arrays::stream).toArray(String[]::new);
  private static final int STEPS = 200;

  private static RedisProcess redis;
  private static final List<Server> FERRITES = new ArrayList<>();
  private static String missing;

  @BeforeAll
  static void start() throws Exception {
    Path exe = RedisProcess.findExecutable();
    if (exe == null) {
      missing = "redis-server not found on PATH (or -Dcompat.redisServer / $REDIS_SERVER);"
          + " the property test needs a real Redis 7.0";
      return;
    }
    redis = RedisProcess.start(exe);
    for (int shards : new int[] {1, 4}) {
      ServerConfig cfg = ServerConfig.defaults();
      cfg.set("port", String.valueOf(RedisProcess.freePort()));
      cfg.set("bind", "127.0.0.1");
      cfg.set("shards", String.valueOf(shards));
      cfg.set("memcached-port", "0");
      cfg.set("metrics-port", "0");
      cfg.set("enable-debug-command", "yes");
      FERRITES.add(Server.start(cfg));
    }
  }

  @AfterAll
  static void stop() {
    FERRITES.forEach(Server::close);
    FERRITES.clear();
    if (redis != null) {
      redis.close();
    }
  }

  @TestFactory
  Stream<DynamicTest> randomSequences() {
    if (missing != null) {
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail(missing);
      }
      return Stream.of(DynamicTest.dynamicTest("redis-server not available", () -> Assumptions.abort(missing)));
    }
    String one = System.getProperty("property.seed");
    IntStream seeds = one != null ? IntStream.of(Integer.parseInt(one))
        : IntStream.rangeClosed(1, Integer.getInteger("property.seeds", 60));
    Stream<DynamicTest> runs = seeds.boxed().map(seed -> DynamicTest.dynamicTest("seed " + seed, () -> runSequence(seed)));
    if (one != null) {
      return runs;
    }
    // the sequences are only worth something if they reach every encoding of every type
    return Stream.concat(runs, Stream.of(DynamicTest.dynamicTest("every encoding was reached", () -> {
      List<String> wanted = List.of("listpack", "quicklist", "hashtable", "intset", "skiplist", "stream");
      if (!ENCODINGS.containsAll(wanted)) {
        fail("encodings reached: " + ENCODINGS + ", wanted all of " + wanted);
      }
    })));
  }

  private static final java.util.Set<String> ENCODINGS = java.util.concurrent.ConcurrentHashMap.newKeySet();

  // ------------------------------------------------------------------ one sequence

  private static void runSequence(long seed) throws IOException {
    try (Conn ref = new Conn(redis.port);
         Conn f1 = new Conn(FERRITES.get(0).respPort());
         Conn f4 = new Conn(FERRITES.get(1).respPort())) {
      Conn[] ferrites = {f1, f4};
      String[] names = {"1 shard", "4 shards"};
      Gen gen = new Gen(new Random(seed));
      List<String> log = new ArrayList<>();
      step(seed, log, ref, ferrites, names, List.of("FLUSHALL"), Compare.EXACT);
      for (int i = 0; i < STEPS; i++) {
        Gen.Command c = gen.next();
        step(seed, log, ref, ferrites, names, c.args(), c.compare());
      }
      for (String k : KEYS) {
        step(seed, log, ref, ferrites, names, List.of("TYPE", k), Compare.EXACT);
        step(seed, log, ref, ferrites, names, List.of("OBJECT", "ENCODING", k), Compare.EXACT);
        step(seed, log, ref, ferrites, names, List.of("LRANGE", k, "0", "-1"), Compare.EXACT);
        step(seed, log, ref, ferrites, names, List.of("HGETALL", k), Compare.PAIRS);
        step(seed, log, ref, ferrites, names, List.of("SMEMBERS", k), Compare.SORTED);
        step(seed, log, ref, ferrites, names, List.of("ZRANGE", k, "0", "-1", "WITHSCORES"), Compare.EXACT);
        step(seed, log, ref, ferrites, names, List.of("XRANGE", k, "-", "+"), Compare.EXACT);
        step(seed, log, ref, ferrites, names, List.of("XINFO", "GROUPS", k), Compare.EXACT);
      }
      step(seed, log, ref, ferrites, names, List.of("KEYS", "*"), Compare.SORTED);
    }
  }

  private static void step(long seed, List<String> log, Conn ref, Conn[] ferrites, String[] names, List<String> args,
                           Compare how) throws IOException {
    List<byte[]> bytes = new ArrayList<>();
    for (String a : args) {
      bytes.add(a.getBytes(StandardCharsets.ISO_8859_1));
    }
    log.add(Escape.command(bytes));
    Resp.Node want = ref.call(bytes);
    if (args.size() == 3 && args.get(0).equals("OBJECT") && want.stringValue() != null) {
      ENCODINGS.add(new String(want.stringValue(), StandardCharsets.ISO_8859_1));
    }
    for (int i = 0; i < ferrites.length; i++) {
      Resp.Node got = ferrites[i].call(bytes);
      if (!how.same(want, got)) {
        List<String> tail = log.subList(Math.max(0, log.size() - 25), log.size());
        fail("seed " + seed + ", " + names[i] + ", step " + (log.size() - 1) + ": " + Escape.command(bytes)
            + "\n  redis:   " + Escape.bytes(want.raw()) + "\n  ferrite: " + Escape.bytes(got.raw())
            + "\n  last commands (replay with -Dproperty.seed=" + seed + "):\n    " + String.join("\n    ", tail));
      }
    }
  }

  /** How two replies are compared. */
  enum Compare {
    EXACT, SORTED, PAIRS;

    boolean same(Resp.Node a, Resp.Node b) {
      return switch (this) {
        case EXACT -> Arrays.equals(a.raw(), b.raw());
        case SORTED -> Arrays.equals(a.sortedBytes(), b.sortedBytes());
        case PAIRS -> Arrays.equals(a.sortedPairBytes(), b.sortedPairBytes());
      };
    }
  }

  // ------------------------------------------------------------------ the generator

  /** Random but deterministic commands: no randomness of the server's own (SPOP, SRANDMEMBER ...). */
  static final class Gen {
    record Command(List<String> args, Compare compare) {
    }

    private final Random rnd;

    Gen(Random rnd) {
      this.rnd = rnd;
    }

    private int pool;

    private String key() {
      if (rnd.nextInt(12) == 0) {
        return KEYS[rnd.nextInt(KEYS.length)];
      }
      String[] keys = POOLS[pool];
      return keys[rnd.nextInt(keys.length)];
    }

    private String pick(String... options) {
      return options[rnd.nextInt(options.length)];
    }

    /** Members: small integers (intsets), short strings, and now and then one past the listpack value limit. */
    private String member() {
      int r = rnd.nextInt(100);
      if (r < 45) {
        return Integer.toString(rnd.nextInt(40) - 5);
      }
      if (r < 97) {
        return "m" + rnd.nextInt(40);
      }
      return "long-" + "x".repeat(60 + rnd.nextInt(20)) + rnd.nextInt(5);
    }

    private String score() {
      int r = rnd.nextInt(10);
      if (r == 0) {
        return pick("inf", "-inf", "0", "-0", "1.5", "1e3");
      }
      return Integer.toString(rnd.nextInt(50) - 10);
    }

    private String count() {
      return Integer.toString(rnd.nextInt(6) - 1);
    }

    /** Many elements at once (rarely), so collections pass the conversion thresholds. */
    private int many() {
      int r = rnd.nextInt(100);
      if (r < 4) {
        return 130 + rnd.nextInt(500);
      }
      return 1 + rnd.nextInt(4);
    }

    private List<String> members(int n, boolean numeric) {
      List<String> out = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        out.add(numeric && n > 10 ? Integer.toString(rnd.nextInt(2000)) : member());
      }
      return out;
    }

    private static List<String> of(Object... parts) {
      List<String> out = new ArrayList<>();
      for (Object p : parts) {
        if (p instanceof List<?> l) {
          l.forEach(x -> out.add(String.valueOf(x)));
        } else {
          out.add(String.valueOf(p));
        }
      }
      return out;
    }

    Command next() {
      int family = rnd.nextInt(100);
      pool = rnd.nextInt(POOLS.length);
      if (family < 22) {
        pool = 0;
        return list();
      }
      if (family < 40) {
        pool = 1;
        return hash();
      }
      if (family < 58) {
        pool = 2;
        return set();
      }
      if (family < 77) {
        pool = 3;
        return zset();
      }
      if (family < 95) {
        pool = 4;
        return stream();
      }
      return generic();
    }

    private Command exact(Object... parts) {
      return new Command(of(parts), Compare.EXACT);
    }

    private Command sorted(Object... parts) {
      return new Command(of(parts), Compare.SORTED);
    }

    private Command list() {
      String k = key();
      return switch (rnd.nextInt(17)) {
        case 0, 1 -> exact(pick("LPUSH", "RPUSH"), k, members(many(), false));
        case 2 -> exact(pick("LPUSHX", "RPUSHX"), k, members(1 + rnd.nextInt(2), false));
        case 3 -> exact(pick("LPOP", "RPOP"), k);
        case 4 -> exact(pick("LPOP", "RPOP"), k, count());
        case 5 -> exact("LINSERT", k, pick("BEFORE", "AFTER"), member(), member());
        case 6 -> exact("LREM", k, count(), member());
        case 7 -> exact("LTRIM", k, rnd.nextInt(10) - 3, rnd.nextInt(300) - 5);
        case 8 -> exact("LSET", k, rnd.nextInt(10) - 3, member());
        case 9 -> exact("LINDEX", k, rnd.nextInt(10) - 3);
        case 10 -> exact("LLEN", k);
        case 11, 12 -> exact("LMOVE", k, key(), pick("LEFT", "RIGHT"), pick("LEFT", "RIGHT"));
        case 13 -> exact("RPOPLPUSH", k, key());
        case 14 -> exact("LPOS", k, member(), "RANK", pick("1", "-1", "2"), "COUNT", rnd.nextInt(3));
        case 15 -> exact("LRANGE", k, rnd.nextInt(5) - 2, rnd.nextInt(8) - 2);
        default -> exact("LMPOP", 2, k, key(), pick("LEFT", "RIGHT"), "COUNT", 1 + rnd.nextInt(3));
      };
    }

    private Command hash() {
      String k = key();
      return switch (rnd.nextInt(13)) {
        case 0, 1, 2 -> {
          int n = many();
          List<String> fv = new ArrayList<>();
          for (int i = 0; i < n; i++) {
            fv.add(n > 10 ? "f" + rnd.nextInt(1000) : member());
            fv.add(member());
          }
          yield exact("HSET", k, fv);
        }
        case 3 -> exact("HSETNX", k, member(), member());
        case 4 -> exact("HDEL", k, members(1 + rnd.nextInt(3), false));
        case 5 -> exact("HINCRBY", k, member(), rnd.nextInt(20) - 10);
        case 6 -> exact("HINCRBYFLOAT", k, member(), pick("1.5", "-0.25", "3", "1e2"));
        case 7 -> exact("HGET", k, member());
        case 8 -> exact("HMGET", k, member(), member());
        case 9 -> exact(pick("HLEN", "HSTRLEN"), k, member());
        case 10 -> exact("HEXISTS", k, member());
        case 11 -> sorted(pick("HKEYS", "HVALS"), k);
        default -> new Command(of("HGETALL", k), Compare.PAIRS);
      };
    }

    private Command set() {
      String k = key();
      return switch (rnd.nextInt(15)) {
        case 0, 1, 2 -> {
          int n = many();
          yield exact("SADD", k, members(n, n > 10 && rnd.nextBoolean()));
        }
        case 3, 4 -> exact("SREM", k, members(1 + rnd.nextInt(3), false));
        case 5 -> exact("SMOVE", k, key(), member());
        case 6 -> exact("SISMEMBER", k, member());
        case 7 -> exact("SMISMEMBER", k, member(), member());
        case 8 -> exact("SCARD", k);
        case 9, 10 -> exact(pick("SUNIONSTORE", "SINTERSTORE", "SDIFFSTORE"), k, key(), key());
        case 11 -> sorted(pick("SUNION", "SINTER", "SDIFF"), k, key());
        case 12 -> exact("SINTERCARD", 2, k, key());
        case 13 -> sorted("SPOP", k, 100000);
        default -> sorted("SMEMBERS", k);
      };
    }

    private Command zset() {
      String k = key();
      return switch (rnd.nextInt(16)) {
        case 0, 1, 2 -> {
          int n = many();
          List<String> sm = new ArrayList<>();
          for (int i = 0; i < n; i++) {
            sm.add(score());
            sm.add(n > 10 ? "z" + rnd.nextInt(1000) : member());
          }
          List<String> opts = new ArrayList<>();
          if (rnd.nextInt(4) == 0) {
            opts.add(pick("NX", "XX", "GT", "LT", "CH"));
          }
          yield exact("ZADD", k, opts, sm);
        }
        case 3 -> exact("ZINCRBY", k, score(), member());
        case 4 -> exact("ZREM", k, members(1 + rnd.nextInt(3), false));
        case 5 -> exact(pick("ZPOPMIN", "ZPOPMAX"), k, 1 + rnd.nextInt(3));
        case 6 -> exact("ZREMRANGEBYRANK", k, rnd.nextInt(5) - 2, rnd.nextInt(5) - 1);
        case 7 -> exact("ZREMRANGEBYSCORE", k, "(" + (rnd.nextInt(20) - 5), rnd.nextInt(40));
        case 8, 9 -> exact(pick("ZUNIONSTORE", "ZINTERSTORE", "ZDIFFSTORE"), k, 2, key(), key());
        case 10 -> exact("ZUNIONSTORE", k, 2, key(), key(), "WEIGHTS", 2, -1, "AGGREGATE", pick("SUM", "MIN", "MAX"));
        case 11 -> exact("ZRANGESTORE", k, key(), rnd.nextInt(4), rnd.nextInt(200) - 1);
        case 12 -> exact(pick("ZRANK", "ZREVRANK", "ZSCORE"), k, member());
        case 13 -> exact(pick("ZCARD", "ZCOUNT"), k, "-inf", "+inf");
        case 14 -> exact("ZRANGE", k, rnd.nextInt(5), rnd.nextInt(10) - 2, "WITHSCORES");
        default -> exact("ZRANGEBYSCORE", k, "(0", "30", "LIMIT", rnd.nextInt(3), rnd.nextInt(5));
      };
    }

    /** Stream IDs grow with the sequence (explicit, so both servers agree); now and then an old one. */
    private long lastMs;

    private String newId() {
      lastMs += 1 + rnd.nextInt(3);
      return rnd.nextInt(4) == 0 ? lastMs + "-*" : lastMs + "-" + rnd.nextInt(3);
    }

    private String oldId() {
      return (lastMs == 0 ? 0 : rnd.nextLong(lastMs + 1)) + "-" + rnd.nextInt(3);
    }

    private Command stream() {
      String k = key();
      return switch (rnd.nextInt(16)) {
        case 0, 1, 2 -> exact("XADD", k, newId(), "f", member());
        case 3 -> exact("XADD", k, "MAXLEN", pick("=", "~"), rnd.nextInt(8), newId(), "f", member(), "g", member());
        case 4 -> exact("XADD", k, "NOMKSTREAM", newId(), "f", member());
        case 5 -> exact("XADD", k, oldId(), "f", member());
        case 6 -> {
          List<String> fields = new ArrayList<>();
          int n = many();
          for (int i = 0; i < n; i++) {
            fields.add("f" + i);
            fields.add(member());
          }
          yield exact("XADD", k, newId(), fields);
        }
        case 7 -> exact("XDEL", k, oldId(), oldId());
        case 8 -> rnd.nextBoolean() ? exact("XTRIM", k, "MAXLEN", rnd.nextInt(10)) : exact("XTRIM", k, "MINID", oldId());
        case 9 -> exact("XLEN", k);
        case 10 -> exact(pick("XRANGE", "XREVRANGE"), k, pick("-", "+"), pick("+", "-"), "COUNT", 1 + rnd.nextInt(5));
        case 11 -> exact("XGROUP", "CREATE", k, pick("g1", "g2"), pick("0", "$"), "MKSTREAM");
        case 12, 13 -> exact("XREADGROUP", "GROUP", pick("g1", "g2"), pick("c1", "c2"), "COUNT", 1 + rnd.nextInt(4),
            "STREAMS", k, pick(">", ">", "0"));
        case 14 -> exact("XACK", k, pick("g1", "g2"), oldId(), oldId());
        default -> exact("XPENDING", k, pick("g1", "g2"));
      };
    }

    private Command generic() {
      return switch (rnd.nextInt(5)) {
        case 0 -> exact("DEL", key(), key());
        case 1 -> exact("RENAME", key(), key());
        case 2 -> exact("COPY", key(), key(), "REPLACE");
        case 3 -> exact("INCR", key());
        default -> exact("EXISTS", key(), key(), key());
      };
    }
  }

  // ------------------------------------------------------------------ a connection

  private static final class Conn implements AutoCloseable {
    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;

    Conn(int port) throws IOException {
      socket = new Socket("127.0.0.1", port);
      socket.setSoTimeout(10_000);
      socket.setTcpNoDelay(true);
      out = socket.getOutputStream();
      in = new BufferedInputStream(socket.getInputStream());
    }

    Resp.Node call(List<byte[]> args) throws IOException {
      out.write(Resp.encodeCommand(args));
      out.flush();
      return Resp.read(in);
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
