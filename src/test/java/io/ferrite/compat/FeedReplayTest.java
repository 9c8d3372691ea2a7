package io.ferrite.compat;

import io.ferrite.engine.feed.FeedEntry;
import io.ferrite.engine.feed.FeedSubscription;
import io.ferrite.server.Server;
import io.ferrite.testing.FerriteTest;
import io.ferrite.testing.RawClient;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The effects feed replayed into a real Redis 7.0 gives the same dataset: several clients run a
 * random workload over every command family at once (pipelined batches, MULTI/EXEC, blocking pops
 * served by pushes, keys in three databases, TTLs that lapse during the run and some already in
 * the past), a subscriber collects the feed, and the feed becomes an appendonly file a
 * redis-server loads at start (as it loads its own AOF: nothing expires while loading). Then
 * DEBUG DIGEST, every key's absolute expire time and the consumer groups of every stream must be
 * equal on both sides.
 */
class FeedReplayTest extends FerriteTest {
    private static final int CLIENTS = 4;
    private static final int COMMANDS_PER_CLIENT = 2500;
    private static final int DATABASES = 3;

    @Test
    void feedReplayedIntoRedisGivesTheSameDataset() throws Exception {
        long seed = System.nanoTime();
        Server own = ownServer(Map.of());
        List<FeedEntry> feed = new ArrayList<>();
        int[] sent = new int[1];
        try (FeedSubscription sub = own.engine().feed().subscribe()) {
            List<Thread> threads = new ArrayList<>();
            List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
            for (int i = 0; i < CLIENTS; i++) {
                Workload w = new Workload(new Random(seed + i), own.respPort());
                Thread t = new Thread(() -> {
                    try {
                        w.run(COMMANDS_PER_CLIENT);
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }, "workload-" + i);
                threads.add(t);
                t.start();
            }
            // meanwhile the feed is read as a subscriber would read it
            while (threads.stream().anyMatch(Thread::isAlive)) {
                sub.drain(feed::add);
                Thread.sleep(5);
            }
            for (Thread t : threads) {
                t.join();
            }
            assertThat(failures).as("seed " + seed).isEmpty();
            // let every short TTL lapse (EXPIREAT's whole seconds round up to 1 s later), then have each
            // lapsed key deleted (into the feed) by a scan
            Thread.sleep(Workload.SHORT_TTL_MS + 1100);
            try (RawClient c = new RawClient("127.0.0.1", own.respPort())) {
                for (int db = 0; db < DATABASES; db++) {
                    c.call("SELECT", Integer.toString(db));
                    c.call("KEYS", "*");
                }
            }
            sub.drain(feed::add);
        }
        assertThat(feed.size()).as("feed entries").isGreaterThan(CLIENTS * COMMANDS_PER_CLIENT / 4);
        // the workload did reach the rewritten forms, not only plain writes
        java.util.Set<String> names = new java.util.HashSet<>();
        feed.forEach(e -> names.add(new String(e.argv()[0], StandardCharsets.US_ASCII)));
        assertThat(names).as("commands propagated").contains("PEXPIREAT", "SET", "SREM", "HSET", "XCLAIM", "MULTI", "EXEC",
            "DEL", "zadd", "XGROUP", "LPOP", "ZPOPMIN");
        try (RawClient f = new RawClient("127.0.0.1", own.respPort()); LoadedRedis redis = LoadedRedis.load(feed)) {
            RawClient r = redis.client;
            assertThat(redis.errors()).as("errors replaying the feed (seed " + seed + ")").isEmpty();
            for (int db = 0; db < DATABASES; db++) {
                f.call("SELECT", Integer.toString(db));
                r.call("SELECT", Integer.toString(db));
                Map<String, String> mine = keyDetails(f, true);
                Map<String, String> theirs = keyDetails(r, true);
                assertThat(mine).as("db %d (seed %d): %s", db, seed, history(feed, db, mine, theirs)).isEqualTo(theirs);
            }
            assertThat(f.call("DEBUG", "DIGEST")).as("digest (seed %d), keyspaces: ferrite %s redis %s", seed,
                f.call("INFO", "keyspace"), r.call("INFO", "keyspace")).isEqualTo(r.call("DEBUG", "DIGEST"));
            sent[0] = feed.size();
        }
        System.out.println("effects feed replay: " + CLIENTS * COMMANDS_PER_CLIENT + " commands, " + sent[0]
            + " feed entries, shards=" + shards + ", digests equal");
    }

    /** On a difference: the feed's entries for each key that differs, to see where the two went apart. */
    private static String history(List<FeedEntry> feed, int db, Map<String, String> mine, Map<String, String> theirs) {
        StringBuilder sb = new StringBuilder();
        java.util.Set<String> keys = new java.util.TreeSet<>(mine.keySet());
        keys.addAll(theirs.keySet());
        for (String k : keys) {
            if (java.util.Objects.equals(mine.get(k), theirs.get(k))) {
                continue;
            }
            sb.append("\n").append(k).append(": ferrite ").append(mine.get(k)).append(" redis ").append(theirs.get(k));
            for (FeedEntry e : feed) {
                boolean names = false;
                for (int i = 1; i < e.argv().length; i++) {
                    names |= new String(e.argv()[i], StandardCharsets.ISO_8859_1).equals(k);
                }
                String text = FeedLog.text(e.argv()).toUpperCase(java.util.Locale.ROOT);
                if (names || text.startsWith("FLUSH") || text.startsWith("SWAPDB")) {
                    sb.append("\n   ").append(e.seq()).append(" db").append(e.db()).append(' ').append(FeedLog.text(e.argv()));
                }
            }
        }
        return sb.toString();
    }

    /** Per key: its value's digest and absolute expire time, and for a stream its groups, consumers and pending entries. */
    private static Map<String, String> keyDetails(RawClient c, boolean values) {
        Map<String, String> out = new TreeMap<>();
        for (String key : bulks(c.call("KEYS", "*"))) {
            StringBuilder sb = new StringBuilder(c.call("PEXPIRETIME", key).strip());
            if (values) {
                sb.append(' ').append(c.call("DEBUG", "DIGEST-VALUE", key).strip().replace("\r\n", " "));
            }
            if (c.call("TYPE", key).equals("+stream\r\n")) {
                String groups = c.call("XINFO", "GROUPS", key);
                for (String g : groupNames(groups)) {
                    sb.append(" group ").append(g).append(' ')
                        .append(field(c.call("XINFO", "GROUPS", key), g, "last-delivered-id"))
                        .append(" pending ").append(c.call("XPENDING", key, g, "-", "+", "1000")
                            .replaceAll(":[0-9]+\r\n(:[0-9]+\r\n)", ":<idle>\r\n$1"));
                    sb.append(" consumers ").append(consumersWithPending(c.call("XINFO", "CONSUMERS", key, g)));
                }
            }
            out.put(key, sb.toString());
        }
        return out;
    }

    /**
     * The consumers that own pending entries. An empty consumer may exist on one side only, as it
     * would between a Redis 7.0 master and its replica: XREADGROUP creates its consumer even when it
     * delivers nothing (a blocked reader served after its entries were trimmed), and Redis
     * propagates no creation then.
     */
    private static List<String> consumersWithPending(String xinfoConsumers) {
        List<String> out = new ArrayList<>();
        String[] lines = xinfoConsumers.split("\r\n", -1);
        String name = null;
        for (int i = 0; i + 1 < lines.length; i++) {
            if (lines[i].equals("name")) {
                name = lines[i + 2];
            } else if (lines[i].equals("pending") && !lines[i + 1].equals(":0")) {
                out.add(name);
            }
        }
        return out;
    }

    private static List<String> groupNames(String xinfoGroups) {
        List<String> names = new ArrayList<>();
        List<String> b = bulks(xinfoGroups);
        for (int i = 0; i + 1 < b.size(); i++) {
            if (b.get(i).equals("name")) {
                names.add(b.get(i + 1));
            }
        }
        return names;
    }

    private static String field(String xinfoGroups, String group, String name) {
        List<String> b = bulks(xinfoGroups);
        boolean inGroup = false;
        for (int i = 0; i + 1 < b.size(); i++) {
            if (b.get(i).equals("name")) {
                inGroup = b.get(i + 1).equals(group);
            } else if (inGroup && b.get(i).equals(name)) {
                return b.get(i + 1);
            }
        }
        return null;
    }

    /** The bulk strings of a reply, in order, whatever the nesting. */
    private static List<String> bulks(String reply) {
        List<String> out = new ArrayList<>();
        String[] lines = reply.split("\r\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].startsWith("$") && !lines[i].equals("$-1") && i + 1 < lines.length) {
                out.add(lines[++i]);
            }
        }
        return out;
    }

    /** A redis-server started from an appendonly file holding the feed. */
    private static final class LoadedRedis implements AutoCloseable {
        final Process process;
        final Path dir;
        final RawClient client;

        private LoadedRedis(Process process, Path dir, RawClient client) {
            this.process = process;
            this.dir = dir;
            this.client = client;
        }

        static LoadedRedis load(List<FeedEntry> feed) throws Exception {
            Path exe = RedisProcess.findExecutable();
            if (exe == null) {
                if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                    fail("redis-server not found: the replay needs a real Redis 7.0");
                }
                Assumptions.abort("redis-server not found: the replay needs a real Redis 7.0");
            }
            Path dir = Files.createTempDirectory("ferrite-feed-replay-");
            // an old-style single appendonly file: Redis 7.0 loads it as the base of a new multi-part AOF
            Files.write(dir.resolve("appendonly.aof"), aof(feed));
            int port = RedisProcess.freePort();
            ProcessBuilder pb = new ProcessBuilder(exe.toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "yes", "--dir", dir.toString(), "--daemonize", "no",
                "--enable-debug-command", "yes", "--logfile", dir.resolve("redis.log").toString());
            Process p = pb.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!RedisProcess.ping(port)) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    String log = Files.exists(dir.resolve("redis.log")) ? Files.readString(dir.resolve("redis.log")) : "";
                    p.destroyForcibly();
                    throw new AssertionError("redis-server did not load the feed:\n" + log);
                }
                Thread.sleep(20);
            }
            RawClient c = new RawClient("127.0.0.1", port);
            // the keys whose TTLs are in the future must stay as they are while we compare
            c.call("DEBUG", "SET-ACTIVE-EXPIRE", "0");
            return new LoadedRedis(p, dir, c);
        }

        /** Lines of Redis's log reporting a command of the AOF that failed. */
        List<String> errors() throws Exception {
            return Files.readAllLines(dir.resolve("redis.log")).stream().filter(l -> l.contains("CRITICAL")).toList();
        }

        @Override
        public void close() throws Exception {
            client.close();
            process.destroy();
            process.waitFor(5, TimeUnit.SECONDS);
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    /** The feed as an appendonly file: SELECT where the database changes, MULTI/EXEC as they come. */
    static byte[] aof(List<FeedEntry> feed) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int db = -1;
        for (FeedEntry e : feed) {
            if (e.kind() != FeedEntry.Kind.EXEC && e.db() != db) {
                db = e.db();
                write(out, new byte[][] {"SELECT".getBytes(StandardCharsets.US_ASCII),
                    Integer.toString(db).getBytes(StandardCharsets.US_ASCII)});
            }
            write(out, e.argv());
        }
        return out.toByteArray();
    }

    private static void write(ByteArrayOutputStream out, byte[][] argv) {
        out.writeBytes(("*" + argv.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (byte[] a : argv) {
            out.writeBytes(("$" + a.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(a);
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
    }

    /** One client's random commands: single, pipelined, in MULTI/EXEC, or blocking. */
    private static final class Workload {
        static final int SHORT_TTL_MS = 400;
        private final Random rnd;
        private final int port;
        private int db;

        Workload(Random rnd, int port) {
            this.rnd = rnd;
            this.port = port;
        }

        void run(int commands) {
            try (RawClient c = new RawClient("127.0.0.1", port)) {
                int n = 0;
                while (n < commands) {
                    int kind = rnd.nextInt(100);
                    if (kind < 5) {
                        db = rnd.nextInt(DATABASES);
                        c.call("SELECT", Integer.toString(db));
                        n++;
                    } else if (kind < 15) {
                        int k = 1 + rnd.nextInt(4);
                        c.call("MULTI");
                        for (int i = 0; i < k; i++) {
                            c.call(command(false));
                        }
                        c.call("EXEC");
                        n += k;
                    } else if (kind < 30) {
                        int k = 2 + rnd.nextInt(12);
                        ByteArrayOutputStream batch = new ByteArrayOutputStream();
                        for (int i = 0; i < k; i++) {
                            batch.writeBytes(RawClient.encode(command(false)));
                        }
                        c.send(batch.toByteArray());
                        for (int i = 0; i < k; i++) {
                            c.readReply();
                        }
                        n += k;
                    } else if (kind < 36) {
                        c.call(blocking());
                        n++;
                    } else {
                        c.call(command(true));
                        n++;
                    }
                }
            }
        }

        private String pick(String... options) {
            return options[rnd.nextInt(options.length)];
        }

        private String key(String prefix) {
            return prefix + rnd.nextInt(4);
        }

        private String member() {
            return "m" + rnd.nextInt(12);
        }

        private String num() {
            return Integer.toString(rnd.nextInt(200) - 50);
        }

        private String ttlMs() {
            return Integer.toString(rnd.nextInt(4) == 0 ? 1 + rnd.nextInt(SHORT_TTL_MS - 50) : 1_000_000 + rnd.nextInt(1_000_000));
        }

        private String future(boolean seconds) {
            long at = System.currentTimeMillis() + Long.parseLong(ttlMs());
            if (rnd.nextInt(10) == 0) {
                at = System.currentTimeMillis() - 10_000;
            }
            return Long.toString(seconds ? at / 1000 + 1 : at);
        }

        private String[] blocking() {
            String t = pick("0.05", "0.1", "0.2");
            return switch (rnd.nextInt(7)) {
                case 0 -> new String[] {"BLPOP", key("l"), key("l"), t};
                case 1 -> new String[] {"BRPOP", key("l"), t};
                case 2 -> new String[] {"BLMOVE", key("l"), key("l"), pick("LEFT", "RIGHT"), pick("LEFT", "RIGHT"), t};
                case 3 -> new String[] {"BRPOPLPUSH", key("l"), key("l"), t};
                case 4 -> new String[] {"BZPOPMIN", key("z"), key("z"), t};
                case 5 -> new String[] {"BZMPOP", t, "1", key("z"), pick("MIN", "MAX"), "COUNT", "2"};
                default -> new String[] {"XREADGROUP", "GROUP", "g" + rnd.nextInt(2), "c" + rnd.nextInt(3), "COUNT", "2",
                    "BLOCK", "100", "STREAMS", key("x"), ">"};
            };
        }

        /** A random non-blocking command of any family; {@code alone}: not in a batch or MULTI (may be FLUSHDB). */
        private String[] command(boolean alone) {
            int family = rnd.nextInt(12);
            switch (family) {
                case 0: {
                    String k = key("s");
                    return switch (rnd.nextInt(14)) {
                        case 0 -> new String[] {"SET", k, num(), "PX", ttlMs()};
                        case 1 -> new String[] {"SET", k, num(), "EX", "100000", pick("NX", "XX", "GET")};
                        case 2 -> new String[] {"SET", k, num(), "EXAT", future(true)};
                        case 3 -> new String[] {"SET", k, num(), "PXAT", future(false), "GET"};
                        case 4 -> new String[] {"SETEX", k, "100000", num()};
                        case 5 -> new String[] {"PSETEX", k, ttlMs(), num()};
                        case 6 -> new String[] {"GETEX", k, pick("EX", "PX", "EXAT", "PXAT", "PERSIST"),
                            Long.toString(1_000_000 + rnd.nextInt(1000))};
                        case 7 -> new String[] {"GETDEL", k};
                        case 8 -> new String[] {"INCRBYFLOAT", k, pick("1.5", "-0.25", "3e2", "0.1")};
                        case 9 -> new String[] {"INCRBY", k, num()};
                        case 10 -> new String[] {"APPEND", k, member()};
                        case 11 -> new String[] {"SETRANGE", k, Integer.toString(rnd.nextInt(10)), member()};
                        case 12 -> new String[] {"MSET", k, num(), key("s"), num()};
                        default -> new String[] {"GETSET", k, num()};
                    };
                }
                case 1: {
                    String k = pick("s", "l", "h", "t", "z", "x");
                    String key = key(k);
                    return switch (rnd.nextInt(11)) {
                        case 0 -> new String[] {"EXPIRE", key, Integer.toString(1000 + rnd.nextInt(1000)), pick("NX", "XX", "GT", "LT")};
                        case 1 -> new String[] {"PEXPIRE", key, ttlMs()};
                        case 2 -> new String[] {"EXPIREAT", key, future(true)};
                        case 3 -> new String[] {"PEXPIREAT", key, future(false)};
                        case 4 -> new String[] {"PERSIST", key};
                        case 5 -> new String[] {"DEL", key, key(k)};
                        case 6 -> new String[] {"UNLINK", key};
                        case 7 -> new String[] {"RENAME", key, key(k)};
                        case 8 -> new String[] {"COPY", key, key(k), "REPLACE"};
                        case 9 -> new String[] {"MOVE", key, Integer.toString(rnd.nextInt(DATABASES))};
                        default -> new String[] {"COPY", key, key, "DB", Integer.toString(rnd.nextInt(DATABASES)), "REPLACE"};
                    };
                }
                case 2: {
                    String k = key("l");
                    return switch (rnd.nextInt(11)) {
                        case 0, 1 -> new String[] {"RPUSH", k, member(), member()};
                        case 2 -> new String[] {"LPUSH", k, member()};
                        case 3 -> new String[] {"LPOP", k, "2"};
                        case 4 -> new String[] {"RPOP", k};
                        case 5 -> new String[] {"LMOVE", k, key("l"), pick("LEFT", "RIGHT"), pick("LEFT", "RIGHT")};
                        case 6 -> new String[] {"LMPOP", "2", k, key("l"), pick("LEFT", "RIGHT"), "COUNT", "3"};
                        case 7 -> new String[] {"LREM", k, "0", member()};
                        case 8 -> new String[] {"LTRIM", k, "0", "5"};
                        case 9 -> new String[] {"LINSERT", k, "BEFORE", member(), member()};
                        default -> new String[] {"SORT", k, "ALPHA", "STORE", key("l")};
                    };
                }
                case 3: {
                    String k = key("h");
                    return switch (rnd.nextInt(5)) {
                        case 0, 1 -> new String[] {"HSET", k, member(), num(), member(), num()};
                        case 2 -> new String[] {"HDEL", k, member()};
                        case 3 -> new String[] {"HINCRBY", k, member(), num()};
                        default -> new String[] {"HINCRBYFLOAT", k, member(), pick("1.5", "0.1", "-2.25e1")};
                    };
                }
                case 4: {
                    String k = key("t");
                    return switch (rnd.nextInt(8)) {
                        case 0, 1 -> new String[] {"SADD", k, member(), member(), member()};
                        case 2 -> new String[] {"SREM", k, member()};
                        case 3 -> new String[] {"SPOP", k};
                        case 4 -> new String[] {"SPOP", k, Integer.toString(rnd.nextInt(5))};
                        case 5 -> new String[] {"SMOVE", k, key("t"), member()};
                        case 6 -> new String[] {"SRANDMEMBER", k, "3"};
                        default -> new String[] {pick("SUNIONSTORE", "SINTERSTORE", "SDIFFSTORE"), key("t"), k, key("t")};
                    };
                }
                case 5: {
                    String k = key("z");
                    return switch (rnd.nextInt(8)) {
                        case 0, 1 -> new String[] {"ZADD", k, num(), member(), num(), member()};
                        case 2 -> new String[] {"ZINCRBY", k, pick("1.5", "2"), member()};
                        case 3 -> new String[] {"ZREM", k, member()};
                        case 4 -> new String[] {pick("ZPOPMIN", "ZPOPMAX"), k, Integer.toString(1 + rnd.nextInt(2))};
                        case 5 -> new String[] {"ZMPOP", "2", k, key("z"), pick("MIN", "MAX")};
                        case 6 -> new String[] {"ZREMRANGEBYSCORE", k, "0", "20"};
                        default -> new String[] {pick("ZUNIONSTORE", "ZINTERSTORE"), key("z"), "2", k, key("z")};
                    };
                }
                case 6: {
                    String k = key("x");
                    String g = "g" + rnd.nextInt(2);
                    return switch (rnd.nextInt(12)) {
                        case 0, 1 -> new String[] {"XADD", k, "*", "f", num()};
                        case 2 -> new String[] {"XADD", k, "MAXLEN", "~", Integer.toString(rnd.nextInt(5)), "*", "f", num()};
                        case 3 -> new String[] {"XTRIM", k, pick("MAXLEN", "MINID"), pick("~", "="), pick("3", "0")};
                        case 4 -> new String[] {"XGROUP", "CREATE", k, g, pick("0", "$"), "MKSTREAM"};
                        case 5 -> new String[] {"XREADGROUP", "GROUP", g, "c" + rnd.nextInt(3), "COUNT", "2", "STREAMS", k, ">"};
                        case 6 -> new String[] {"XREADGROUP", "GROUP", g, "c" + rnd.nextInt(3), "COUNT", "2", "NOACK",
                            "STREAMS", k, ">"};
                        case 7 -> new String[] {"XAUTOCLAIM", k, g, "c" + rnd.nextInt(3), "0", "0", "COUNT", "2"};
                        case 8 -> new String[] {"XCLAIM", k, g, "c" + rnd.nextInt(3), "0", "0-1", "1-1", "FORCE"};
                        case 9 -> new String[] {"XGROUP", pick("CREATECONSUMER", "DELCONSUMER"), k, g, "c" + rnd.nextInt(3)};
                        case 10 -> new String[] {"XDEL", k, "0-1"};
                        default -> new String[] {"XGROUP", "SETID", k, g, "0"};
                    };
                }
                case 7: {
                    String k = key("p");
                    return switch (rnd.nextInt(3)) {
                        case 0 -> new String[] {"PFADD", k, member(), member()};
                        case 1 -> new String[] {"PFCOUNT", k};
                        default -> new String[] {"PFMERGE", key("p"), k};
                    };
                }
                case 8: {
                    String k = key("g");
                    return rnd.nextBoolean()
                        ? new String[] {"GEOADD", k, String.format("%.6f", rnd.nextDouble() * 360 - 180),
                            String.format("%.6f", rnd.nextDouble() * 170 - 85), member()}
                        : new String[] {"GEOSEARCHSTORE", key("g"), k, "FROMLONLAT", "0", "0", "BYRADIUS", "20000", "km"};
                }
                case 9: {
                    String k = key("b");
                    return switch (rnd.nextInt(3)) {
                        case 0 -> new String[] {"SETBIT", k, Integer.toString(rnd.nextInt(64)), pick("0", "1")};
                        case 1 -> new String[] {"BITOP", pick("AND", "OR", "XOR"), key("b"), k, key("b")};
                        default -> new String[] {"BITFIELD", k, "INCRBY", "u8", Integer.toString(8 * rnd.nextInt(4)), num()};
                    };
                }
                case 10:
                    if (alone && rnd.nextInt(40) == 0) {
                        return new String[] {pick("FLUSHDB", "SWAPDB")};
                    }
                    return new String[] {"SWAPDB", Integer.toString(rnd.nextInt(DATABASES)), Integer.toString(rnd.nextInt(DATABASES))};
                default:
                    return new String[] {"GET", key("s")};
            }
        }
    }
}
