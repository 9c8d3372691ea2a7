package io.ferrite.compat;

import io.ferrite.engine.feed.FeedSubscription;
import io.ferrite.server.Server;
import io.ferrite.testing.DumpDataset;
import io.ferrite.testing.FerriteTest;
import io.ferrite.testing.RawClient;
import io.ferrite.testing.Replies;
import io.ferrite.testing.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * MIGRATE from Ferrite to a real Redis 7.0 and to another Ferrite: every type and encoding arrives
 * with the same digest and encoding; the options, the target's errors and the network failures
 * answer as MIGRATE from a real Redis answers the same thing (the same scenario run from a second
 * real Redis, reply for reply); the deletes propagate as one DEL; and a key written while its
 * transfer is on the wire keeps the newer value.
 */
class MigrateTest extends FerriteTest {
    private static RedisProcess redisSource;
    private static RedisProcess redisTarget;

    @BeforeAll
    static void startRedis() throws Exception {
        redisSource = ReferenceRedis.start("MIGRATE is compared with a real Redis 7.0's");
        redisTarget = ReferenceRedis.start("MIGRATE is compared with a real Redis 7.0's");
    }

    @AfterAll
    static void stopRedis() {
        for (RedisProcess p : new RedisProcess[] {redisSource, redisTarget}) {
            if (p != null) {
                p.close();
            }
        }
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String digestValue(Jedis j, String key) {
        List<?> r = (List<?>) j.sendCommand(() -> b("DEBUG"), b("DIGEST-VALUE"), b(key));
        return new String((byte[]) r.get(0), StandardCharsets.US_ASCII);
    }

    private static String digest(Jedis j) {
        return new String((byte[]) j.sendCommand(() -> b("DEBUG"), b("DIGEST")), StandardCharsets.US_ASCII);
    }

    /** Every key of the data set, moved in one MIGRATE ... KEYS (over every shard) and one by one. */
    private void everyTypeArrives(Jedis target, int targetPort) {
        Jedis f = jedis();
        for (boolean oneCall : new boolean[] {true, false}) {
            target.flushAll();
            f.flushAll();
            DumpDataset.load(f);
            Map<String, String> digests = new LinkedHashMap<>();
            Map<String, String> encodings = new LinkedHashMap<>();
            for (String k : DumpDataset.KEYS) {
                digests.put(k, digestValue(f, k));
                encodings.put(k, f.objectEncoding(k));
            }
            String whole = digest(f);
            RawClient c = raw();
            if (oneCall) {
                List<String> args = new ArrayList<>(List.of("MIGRATE", "127.0.0.1", Integer.toString(targetPort), "", "0",
                    "5000", "KEYS"));
                args.addAll(List.of(DumpDataset.KEYS));
                assertThat(c.call(args.toArray(String[]::new))).isEqualTo(Replies.OK);
            } else {
                for (String k : DumpDataset.KEYS) {
                    assertThat(c.call("MIGRATE", "127.0.0.1", Integer.toString(targetPort), k, "0", "5000"))
                        .as(k).isEqualTo(Replies.OK);
                }
            }
            for (String k : DumpDataset.KEYS) {
                assertThat(digestValue(target, k)).as(k).isEqualTo(digests.get(k));
                assertThat(target.objectEncoding(k)).as(k).isEqualTo(encodings.get(k));
            }
            assertThat(digest(target)).isEqualTo(whole);
            assertThat(f.dbSize()).isZero();
        }
    }

    @Test
    void everyTypeMovesToARealRedisWithTheSameDigest() {
        try (Jedis target = new Jedis("127.0.0.1", redisTarget.port, 10_000)) {
            everyTypeArrives(target, redisTarget.port);
        }
    }

    @Test
    void everyTypeMovesToAnotherFerriteWithTheSameDigest() {
        Server other = ownServer(Map.of());
        try (Jedis target = new Jedis("127.0.0.1", other.respPort(), 10_000)) {
            everyTypeArrives(target, other.respPort());
        }
    }

    /** One scenario: commands on the source, on the target, the MIGRATE, then reads on both. */
    private record Scenario(String name, List<String[]> source, List<String[]> target, String[] migrate,
                            List<String[]> checkSource, List<String[]> checkTarget) {
    }

    private static String[] c(String... args) {
        return args;
    }

    private static List<String[]> cmds(String[]... commands) {
        return List.of(commands);
    }

    private static List<Scenario> scenarios(int targetPort, int deadPort, int silentPort) {
        String tp = Integer.toString(targetPort);
        String h = "127.0.0.1";
        List<Scenario> s = new ArrayList<>();
        List<String[]> none = List.of();
        List<String[]> getK = cmds(c("GET", "k"), c("PTTL", "k"));
        s.add(new Scenario("moves", cmds(c("SET", "k", "v")), none, c("MIGRATE", h, tp, "k", "0", "5000"), getK, getK));
        s.add(new Scenario("keeps the TTL", cmds(c("SET", "k", "v", "EX", "1000")), none,
            c("MIGRATE", h, tp, "k", "0", "5000"), cmds(c("EXISTS", "k")),
            cmds(c("GET", "k"), c("EVAL", "return redis.call('pttl', KEYS[1]) > 990000", "1", "k"))));
        s.add(new Scenario("no key", none, none, c("MIGRATE", h, tp, "k", "0", "5000"), getK, getK));
        s.add(new Scenario("busy key", cmds(c("SET", "k", "new")), cmds(c("SET", "k", "old")),
            c("MIGRATE", h, tp, "k", "0", "5000"), getK, getK));
        s.add(new Scenario("replace", cmds(c("SET", "k", "new")), cmds(c("SET", "k", "old")),
            c("MIGRATE", h, tp, "k", "0", "5000", "REPLACE"), getK, getK));
        s.add(new Scenario("copy", cmds(c("SET", "k", "v")), none, c("MIGRATE", h, tp, "k", "0", "5000", "COPY"),
            getK, getK));
        s.add(new Scenario("copy busy", cmds(c("SET", "k", "v")), cmds(c("SET", "k", "old")),
            c("MIGRATE", h, tp, "k", "0", "5000", "COPY"), getK, getK));
        s.add(new Scenario("copy replace", cmds(c("SET", "k", "v")), cmds(c("SET", "k", "old")),
            c("MIGRATE", h, tp, "k", "0", "5000", "COPY", "REPLACE"), getK, getK));
        List<String[]> abc = cmds(c("MGET", "a", "b", "c", "d"));
        s.add(new Scenario("keys", cmds(c("MSET", "a", "1", "b", "2", "c", "3")), none,
            c("MIGRATE", h, tp, "", "0", "5000", "KEYS", "a", "nosuch", "b", "c"), abc, abc));
        s.add(new Scenario("keys, one busy", cmds(c("MSET", "a", "1", "b", "2", "c", "3")),
            cmds(c("SET", "b", "old")), c("MIGRATE", h, tp, "", "0", "5000", "KEYS", "a", "b", "c"), abc, abc));
        s.add(new Scenario("keys, none exists", none, none, c("MIGRATE", h, tp, "", "0", "5000", "KEYS", "a", "b"), abc, abc));
        s.add(new Scenario("keys with a key", cmds(c("SET", "k", "v")), none,
            c("MIGRATE", h, tp, "k", "0", "5000", "KEYS", "k"), getK, getK));
        s.add(new Scenario("another database", cmds(c("SET", "k", "v")), none,
            c("MIGRATE", h, tp, "k", "3", "5000"), getK, cmds(c("SELECT", "3"), c("GET", "k"), c("SELECT", "0"))));
        s.add(new Scenario("no such database", cmds(c("SET", "k", "v")), none,
            c("MIGRATE", h, tp, "k", "99", "5000"), getK, getK));
        s.add(new Scenario("wrong password", cmds(c("SET", "k", "v")), none,
            c("MIGRATE", h, tp, "k", "0", "5000", "AUTH", "nope"), getK, getK));
        s.add(new Scenario("wrong user", cmds(c("SET", "k", "v")), none,
            c("MIGRATE", h, tp, "k", "0", "5000", "AUTH2", "nobody", "nope"), getK, getK));
        s.add(new Scenario("syntax", cmds(c("SET", "k", "v")), none,
            c("MIGRATE", h, tp, "k", "0", "5000", "FOO"), getK, getK));
        s.add(new Scenario("auth without password", cmds(c("SET", "k", "v")), none,
            c("MIGRATE", h, tp, "k", "0", "5000", "AUTH"), getK, getK));
        s.add(new Scenario("auth2 without password", cmds(c("SET", "k", "v")), none,
            c("MIGRATE", h, tp, "k", "0", "5000", "AUTH2", "u"), getK, getK));
        s.add(new Scenario("bad timeout", cmds(c("SET", "k", "v")), none,
            c("MIGRATE", h, tp, "k", "x", "y"), getK, getK));
        s.add(new Scenario("bad database", cmds(c("SET", "k", "v")), none,
            c("MIGRATE", h, tp, "k", "x", "5000"), getK, getK));
        s.add(new Scenario("arity", none, none, c("MIGRATE", h, tp, "k", "0"), getK, getK));
        s.add(new Scenario("nobody listens", cmds(c("SET", "k", "v")), none,
            c("MIGRATE", h, Integer.toString(deadPort), "k", "0", "1000"), getK, getK));
        s.add(new Scenario("the target never answers", cmds(c("SET", "k", "v")), none,
            c("MIGRATE", h, Integer.toString(silentPort), "k", "0", "200"), getK, getK));
        return s;
    }

    /** What a scenario shows: the MIGRATE reply and the reads on both sides afterwards. */
    private static List<String> run(Scenario sc, RawClient source, RawClient target) {
        source.call("FLUSHALL");
        target.call("FLUSHALL");
        sc.source().forEach(source::call);
        sc.target().forEach(target::call);
        List<String> seen = new ArrayList<>();
        seen.add("reply " + source.call(sc.migrate()));
        for (String[] read : sc.checkSource()) {
            String r = source.call(read);
            seen.add("source " + String.join(" ", read) + " -> " + (read[0].equals("PTTL") ? ttlShape(r) : r));
        }
        for (String[] read : sc.checkTarget()) {
            String r = target.call(read);
            seen.add("target " + String.join(" ", read) + " -> " + (read[0].equals("PTTL") ? ttlShape(r) : r));
        }
        return seen;
    }

    /** A PTTL reply as "none", "missing" or "some": the milliseconds left differ between runs. */
    private static String ttlShape(String r) {
        return r.equals(":-1\r\n") ? "none" : r.equals(":-2\r\n") ? "missing" : "some";
    }

    @Test
    void repliesAndEffectsAreRedisOwn() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
             RawClient fromRedis = new RawClient("127.0.0.1", redisSource.port);
             RawClient target = new RawClient("127.0.0.1", redisTarget.port)) {
            Thread acceptor = Thread.ofVirtual().start(() -> acceptAndIgnore(silent));
            int dead = TestServers.freePort();
            RawClient fromFerrite = raw();
            for (Scenario sc : scenarios(redisTarget.port, dead, silent.getLocalPort())) {
                List<String> expected = run(sc, fromRedis, target);
                assertThat(run(sc, fromFerrite, target)).as(sc.name()).isEqualTo(expected);
            }
            acceptor.interrupt();
        }
    }

    /** A target that takes connections and reads what comes, and never answers. */
    private static void acceptAndIgnore(ServerSocket s) {
        List<Socket> held = new ArrayList<>();
        try {
            while (true) {
                held.add(s.accept());
            }
        } catch (IOException e) {
            held.forEach(MigrateTest::closeQuietly);
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing a test socket
        }
    }

    /**
     * AUTH and AUTH2 reach a target that needs them; without, the target's NOAUTH comes back. (A
     * connection authenticated once stays so while it is cached, in Redis too: a source of its own.)
     */
    @Test
    void authenticatesAsAsked() {
        try (Jedis t = new Jedis("127.0.0.1", redisTarget.port, 10_000)) {
            t.flushAll();
            t.aclSetUser("mover", "on", ">secret2", "~*", "+@all");
            t.configSet("requirepass", "secret");
            try {
                RawClient f = raw(ownServer(Map.of()).respPort());
                f.call("MSET", "a", "1", "b", "2");
                String port = Integer.toString(redisTarget.port);
                assertThat(f.call("MIGRATE", "127.0.0.1", port, "a", "0", "5000"))
                    .isEqualTo("-ERR Target instance replied with error: NOAUTH Authentication required.\r\n");
                assertThat(f.call("MIGRATE", "127.0.0.1", port, "a", "0", "5000", "AUTH", "secret")).isEqualTo(Replies.OK);
                RawClient g = raw(ownServer(Map.of()).respPort());
                g.call("SET", "b", "2");
                assertThat(g.call("MIGRATE", "127.0.0.1", port, "b", "0", "5000", "AUTH2", "mover", "secret2"))
                    .isEqualTo(Replies.OK);
                t.auth("secret");
                assertThat(t.mget("a", "b")).containsExactly("1", "2");
            } finally {
                t.configSet("requirepass", "");
                t.aclDelUser("mover");
            }
        }
    }

    /** The keys moved are deleted as one DEL on the effects feed; COPY and a refused RESTORE delete nothing. */
    @Test
    void deletesPropagateAsOneDel() {
        Server own = ownServer(Map.of());
        RawClient c = raw(own.respPort());
        String port = Integer.toString(redisTarget.port);
        try (Jedis t = new Jedis("127.0.0.1", redisTarget.port, 10_000);
             FeedSubscription feed = own.engine().feed().subscribe()) {
            t.flushAll();
            t.set("busy", "x");
            c.call("SELECT", "2");
            c.call("MSET", "a", "1", "b", "2", "busy", "3", "kept", "4");
            assertThat(c.call("MIGRATE", "127.0.0.1", port, "", "0", "5000", "KEYS", "a", "busy", "b"))
                .isEqualTo("-ERR Target instance replied with error: BUSYKEY Target key name already exists.\r\n");
            assertThat(c.call("MIGRATE", "127.0.0.1", port, "kept", "0", "5000", "COPY")).isEqualTo(Replies.OK);
            List<String> effects = new ArrayList<>();
            feed.drain(e -> {
                StringBuilder sb = new StringBuilder(e.db() + "");
                for (byte[] a : e.argv()) {
                    sb.append(' ').append(new String(a, StandardCharsets.ISO_8859_1));
                }
                effects.add(sb.toString());
            });
            assertThat(effects).containsExactly("2 MSET a 1 b 2 busy 3 kept 4", "2 DEL a b");
            assertThat(c.call("EXISTS", "a", "b", "busy", "kept")).isEqualTo(":2\r\n");
        }
    }

    /**
     * Inside MULTI a shard runs the transaction and may not wait for the network: MIGRATE is
     * refused there (Redis runs it, blocking its one thread), and the key stays.
     */
    @Test
    void refusedInsideATransaction() {
        RawClient c = raw();
        c.call("SET", "k", "v");
        c.call("MULTI");
        assertThat(c.call("MIGRATE", "127.0.0.1", Integer.toString(redisTarget.port), "k", "0", "5000")).isEqualTo("+QUEUED\r\n");
        assertThat(c.call("EXEC")).isEqualTo("*1\r\n-ERR MIGRATE is not allowed inside MULTI or scripts\r\n");
        assertThat(c.call("GET", "k")).isEqualTo("$1\r\nv\r\n");
    }

    /** INFO counts the cached connection to a target. */
    @Test
    void cachesTheConnectionToATarget() {
        Server own = ownServer(Map.of());
        RawClient c = raw(own.respPort());
        assertThat(c.call("INFO", "stats")).contains("migrate_cached_sockets:0\r\n");
        c.call("SET", "k", "v");
        assertThat(c.call("MIGRATE", "127.0.0.1", Integer.toString(redisTarget.port), "k", "0", "5000", "REPLACE"))
            .isEqualTo(Replies.OK);
        assertThat(c.call("INFO", "stats")).contains("migrate_cached_sockets:1\r\n");
    }

    /**
     * Clients migrating to one target at once: each MIGRATE has a connection to itself while it
     * runs (the cached one, or one opened for it and closed after), so no reply goes to the wrong one.
     */
    @Test
    void concurrentMigratesToOneTargetEachGetTheirReplies() throws Exception {
        Server own = ownServer(Map.of());
        String port = Integer.toString(redisTarget.port);
        int clients = 6;
        int perClient = 25;
        try (Jedis t = new Jedis("127.0.0.1", redisTarget.port, 10_000)) {
            t.flushAll();
            List<Thread> threads = new ArrayList<>();
            List<String> wrong = new java.util.concurrent.CopyOnWriteArrayList<>();
            for (int c = 0; c < clients; c++) {
                int id = c;
                threads.add(Thread.ofPlatform().start(() -> {
                    try (RawClient r = new RawClient("127.0.0.1", own.respPort())) {
                        for (int i = 0; i < perClient; i++) {
                            String k = "c" + id + ":" + i;
                            r.call("SET", k, k);
                            String reply = r.call("MIGRATE", "127.0.0.1", port, k, "0", "5000");
                            if (!reply.equals(Replies.OK)) {
                                wrong.add(k + " " + reply);
                            }
                        }
                    }
                }));
            }
            for (Thread th : threads) {
                th.join();
            }
            assertThat(wrong).isEmpty();
            assertThat(t.dbSize()).isEqualTo((long) clients * perClient);
            assertThat(t.get("c3:7")).isEqualTo("c3:7");
            assertThat(raw(own.respPort()).call("DBSIZE")).isEqualTo(":0\r\n");
            assertThat(raw(own.respPort()).call("INFO", "stats")).contains("migrate_cached_sockets:1\r\n");
        }
    }

    /**
     * A key written after it was dumped and before the target acknowledged it keeps the newer
     * value: the write was acknowledged, the target holds only the older one. A key left alone
     * meanwhile is deleted as usual.
     */
    @Test
    void aKeyWrittenDuringTheTransferKeepsItsNewValue() throws Exception {
        try (FakeTarget target = new FakeTarget(2)) {
            RawClient c = raw();
            c.call("MSET", "changed", "old", "same", "v");
            c.send(RawClient.encode("MIGRATE", "127.0.0.1", Integer.toString(target.port()), "", "0", "10000", "KEYS",
                "changed", "same"));
            assertThat(target.restoresReceived.await(10, TimeUnit.SECONDS)).isTrue();
            // the MIGRATE waits for the target: other clients go on, the key is not held
            RawClient other = raw();
            assertThat(other.call("SET", "changed", "new")).isEqualTo(Replies.OK);
            target.release.countDown();
            assertThat(c.readReply()).isEqualTo(Replies.OK);
            assertThat(other.call("MGET", "changed", "same")).isEqualTo("*2\r\n$3\r\nnew\r\n$-1\r\n");
            assertThat(target.restored).containsExactly("changed", "same");
        }
    }

    /** Answers SELECT at once, and the RESTOREs of a request, once they all came, only when the test releases them. */
    private static final class FakeTarget implements AutoCloseable {
        final CountDownLatch restoresReceived = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final List<String> restored = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final ServerSocket server;
        private final Thread thread;
        private final int expectedRestores;

        FakeTarget(int expectedRestores) throws IOException {
            this.expectedRestores = expectedRestores;
            server = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
            thread = Thread.ofVirtual().start(this::serve);
        }

        int port() {
            return server.getLocalPort();
        }

        private void serve() {
            try (Socket s = server.accept()) {
                InputStream in = new BufferedInputStream(s.getInputStream());
                OutputStream out = s.getOutputStream();
                int pending = 0;
                while (true) {
                    List<byte[]> cmd = readCommand(in);
                    String name = new String(cmd.get(0), StandardCharsets.US_ASCII).toUpperCase(java.util.Locale.ROOT);
                    if (name.equals("RESTORE")) {
                        restored.add(new String(cmd.get(1), StandardCharsets.UTF_8));
                        pending++;
                        if (pending == expectedRestores) {
                            restoresReceived.countDown();
                            release.await(10, TimeUnit.SECONDS);
                            out.write("+OK\r\n".repeat(pending).getBytes(StandardCharsets.US_ASCII));
                            pending = 0;
                        }
                    } else {
                        out.write("+OK\r\n".getBytes(StandardCharsets.US_ASCII));
                    }
                    out.flush();
                }
            } catch (IOException | InterruptedException | RuntimeException e) {
                // the test ended the connection
            }
        }

        private static List<byte[]> readCommand(InputStream in) throws IOException {
            int n = Integer.parseInt(line(in).substring(1));
            List<byte[]> args = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                int len = Integer.parseInt(line(in).substring(1));
                args.add(in.readNBytes(len));
                in.readNBytes(2);
            }
            return args;
        }

        private static String line(InputStream in) throws IOException {
            StringBuilder sb = new StringBuilder();
            int ch;
            while ((ch = in.read()) != '\n') {
                if (ch < 0) {
                    throw new IOException("closed");
                }
                if (ch != '\r') {
                    sb.append((char) ch);
                }
            }
            return sb.toString();
        }

        @Override
        public void close() throws IOException {
            release.countDown();
            server.close();
            thread.interrupt();
        }
    }
}
