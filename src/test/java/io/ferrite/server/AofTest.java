package io.ferrite.server;

import io.ferrite.engine.feed.EffectFeed;
import io.ferrite.engine.feed.FeedEntry;
import io.ferrite.engine.feed.FeedSubscription;
import io.ferrite.testing.Digests;
import io.ferrite.testing.DumpDataset;
import io.ferrite.testing.FerriteTest;
import io.ferrite.testing.RawClient;
import io.ferrite.testing.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The multi-part append-only file end to end on in-process servers: what clients write reaches the
 * incr file and a restart (at one and four shards) loads it back; BGREWRITEAOF swaps in a new base
 * and incr file and deletes the history; truncated, unfinished and corrupt files are handled as
 * Redis handles them; CONFIG SET appendonly; INFO's aof_* fields; and replies held until the
 * AOF says their effects are durable.
 */
class AofTest extends FerriteTest {
    @TempDir
    Path dir;

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private Map<String, String> aof(String... more) {
        Map<String, String> m = new HashMap<>(Map.of("dir", dir.toString(), "appendonly", "yes", "appendfsync", "always"));
        for (int i = 0; i < more.length; i += 2) {
            m.put(more[i], more[i + 1]);
        }
        return m;
    }

    private static void fill(Jedis j) {
        for (int db : new int[] {0, 3}) {
            j.select(db);
            DumpDataset.load(j);
            j.pexpire("str:raw", 3_600_000L);
            j.set("only-in-" + db, "v");
        }
        j.select(0);
        var t = j.multi();
        t.incr("counter");
        t.lpush("list:small", "pushed");
        t.exec();
    }

    private Path aofDir() {
        return dir.resolve("appendonlydir");
    }

    private String manifest() throws Exception {
        return Files.readString(aofDir().resolve("appendonly.aof.manifest"));
    }

    private static void awaitRewrites(Jedis j, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            String info = j.info("persistence");
            if (info.contains("aof_rewrite_in_progress:0\r\n") && info.contains("aof_rewrites:" + n + "\r\n")
                && !info.contains("aof_rewrite_scheduled:1")) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("rewrite did not finish: " + j.info("persistence"));
    }

    @Test
    void writesReachTheIncrFileAndARestartLoadsThemAtOneAndFourShards() throws Exception {
        Server s = TestServers.start(shards, aof());
        String before;
        try (Jedis j = new Jedis("127.0.0.1", s.respPort(), 10_000)) {
            fill(j);
            before = Digests.of(j);
            assertThat(j.info("persistence")).contains("aof_enabled:1\r\n", "aof_last_write_status:ok\r\n",
                "aof_rewrites:0\r\n", "aof_pending_bio_fsync:");
        } finally {
            s.close();
        }
        assertThat(manifest()).isEqualTo("file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n");
        String incr = Files.readString(aofDir().resolve("appendonly.aof.1.incr.aof"), StandardCharsets.ISO_8859_1);
        assertThat(incr).startsWith("*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n").contains("*1\r\n$5\r\nMULTI\r\n", "$6\r\nSELECT\r\n$1\r\n3\r\n");
        for (int n : new int[] {1, 4}) {
            Server again = TestServers.start(n, aof());
            try (Jedis j = new Jedis("127.0.0.1", again.respPort(), 10_000)) {
                assertThat(Digests.of(j)).as("at %d shards", n).isEqualTo(before);
                assertThat(j.pttl("str:raw")).isBetween(3_000_000L, 3_600_000L);
            } finally {
                again.close();
            }
        }
    }

    @Test
    void anApproximateTrimWithLimitLoadsBackAsItRan() throws Exception {
        // XADD ... MAXLEN ~ n LIMIT l goes to the file as MAXLEN = <length>, LIMIT kept (as Redis
        // writes it); the loader must obey it without the LIMIT check a client would get
        Server s = TestServers.start(shards, aof("stream-node-max-entries", "10"));
        try (Jedis j = new Jedis("127.0.0.1", s.respPort(), 10_000)) {
            for (int i = 0; i < 100; i++) {
                j.sendCommand(() -> b("XADD"), b("st"), b("*"), b("f"), b("v"));
            }
            j.sendCommand(() -> b("XADD"), b("st"), b("MAXLEN"), b("~"), b("55"), b("LIMIT"), b("30"), b("*"), b("f"), b("v"));
            assertThat(j.xlen("st")).isEqualTo(71);
            j.configSet("stream-node-max-entries", "1");
            assertThat(j.sendCommand(() -> b("DEBUG"), b("LOADAOF"))).isEqualTo(b("OK"));
            assertThat(j.xlen("st")).isEqualTo(71);
            assertThatThrownBy(() -> j.sendCommand(() -> b("XADD"), b("st"), b("MAXLEN"), b("="), b("5"), b("LIMIT"), b("3"),
                b("*"), b("f"), b("v"))).hasMessageContaining("LIMIT cannot be used without the special ~ option");
        } finally {
            s.close();
        }
    }

    @Test
    void aConsumerCreatedWithNoackWhenABlockedReadIsServedIsInTheFile() throws Exception {
        Server s = TestServers.start(shards, aof());
        try (Jedis j = new Jedis("127.0.0.1", s.respPort(), 10_000);
             RawClient bob = new RawClient("127.0.0.1", s.respPort())) {
            j.sendCommand(() -> b("XGROUP"), b("CREATE"), b("st"), b("g"), b("$"), b("MKSTREAM"));
            bob.send(RawClient.encode("XREADGROUP", "GROUP", "g", "Bob", "BLOCK", "0", "NOACK", "STREAMS", "st", ">"));
            io.ferrite.testing.Await.until(() -> j.info("clients").contains("blocked_clients:1"), "Bob to block");
            j.sendCommand(() -> b("XADD"), b("st"), b("*"), b("f"), b("v"));
            assertThat(bob.readReply()).startsWith("*1\r\n");
            assertThat(j.sendCommand(() -> b("DEBUG"), b("LOADAOF"))).isEqualTo(b("OK"));
            assertThat(j.xinfoConsumers("st", "g")).hasSize(1).first().extracting(c -> c.getName()).isEqualTo("Bob");
        } finally {
            s.close();
        }
    }

    @Test
    void bgrewriteaofWritesANewBaseAndIncrAndDeletesTheHistory() throws Exception {
        for (String preamble : List.of("yes", "no")) {
            Path sub = Files.createDirectories(dir.resolve("p-" + preamble));
            Map<String, String> cfg = aof("dir", sub.toString(), "aof-use-rdb-preamble", preamble, "aof-timestamp-enabled", "yes");
            Server s = TestServers.start(shards, cfg);
            String before;
            try (Jedis j = new Jedis("127.0.0.1", s.respPort(), 10_000)) {
                fill(j);
                j.sendCommand(() -> b("XGROUP"), b("CREATE"), b("stream:groups"), b("extra"), b("$"));
                assertThat(j.bgrewriteaof()).isEqualTo("Background append only file rewriting started");
                awaitRewrites(j, 1);
                j.set("after-rewrite", "1");
                before = Digests.of(j);
                assertThat(j.info("persistence")).contains("aof_last_bgrewrite_status:ok\r\n", "aof_rewrites_consecutive_failures:0\r\n");
            } finally {
                s.close();
            }
            String ext = preamble.equals("yes") ? "rdb" : "aof";
            Path d = sub.resolve("appendonlydir");
            assertThat(Files.readString(d.resolve("appendonly.aof.manifest"))).isEqualTo(
                "file appendonly.aof.2.base." + ext + " seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n");
            try (var files = Files.list(d)) {
                assertThat(files.map(p -> p.getFileName().toString()).sorted().toList()).containsExactly(
                    "appendonly.aof.2.base." + ext, "appendonly.aof.2.incr.aof", "appendonly.aof.manifest");
            }
            byte[] base = Files.readAllBytes(d.resolve("appendonly.aof.2.base." + ext));
            assertThat(new String(base, 0, 5, StandardCharsets.US_ASCII)).isEqualTo(preamble.equals("yes") ? "REDIS" : "#TS:1");
            Server again = TestServers.start(shards, cfg);
            try (Jedis j = new Jedis("127.0.0.1", again.respPort(), 10_000)) {
                assertThat(Digests.of(j)).as("preamble %s", preamble).isEqualTo(before);
            } finally {
                again.close();
            }
        }
    }

    /**
     * A key of the RDB base whose time passed while the server was down is loaded all the same,
     * as Redis loads an AOF's base, and then expires as any key does: its deletion reaches the
     * incr file as a DEL (a load that dropped it would leave no trace of it in the AOF).
     */
    @Test
    void aKeyOfTheBaseThatExpiredMeanwhileIsLoadedThenExpiresIntoTheIncrFile() throws Exception {
        Server s = TestServers.start(shards, aof());
        try (Jedis j = new Jedis("127.0.0.1", s.respPort(), 10_000)) {
            j.set("short", "v");
            j.pexpire("short", 300);
            j.set("long", "v");
            assertThat(j.bgrewriteaof()).isEqualTo("Background append only file rewriting started");
            awaitRewrites(j, 1);
        } finally {
            s.close();
        }
        Thread.sleep(400);
        Server again = TestServers.start(shards, aof());
        try (Jedis j = new Jedis("127.0.0.1", again.respPort(), 10_000)) {
            Path incr = aofDir().resolve("appendonly.aof.2.incr.aof");
            String text = "";
            for (int i = 0; i < 200 && !text.contains("short"); i++) {
                Thread.sleep(20);
                text = Files.readString(incr, StandardCharsets.ISO_8859_1);
            }
            assertThat(text).contains("*2\r\n$3\r\nDEL\r\n$5\r\nshort\r\n");
            assertThat(j.exists("short")).isFalse();
            assertThat(j.get("long")).isEqualTo("v");
        } finally {
            again.close();
        }
    }

    @Test
    void aTruncatedLastFileIsCutBackOrRefusedAndCorruptionAlwaysStopsStartUp() throws Exception {
        Server s = TestServers.start(shards, aof());
        try (Jedis j = new Jedis("127.0.0.1", s.respPort(), 10_000)) {
            j.set("kept", "1");
        } finally {
            s.close();
        }
        Path incr = aofDir().resolve("appendonly.aof.1.incr.aof");
        byte[] good = Files.readAllBytes(incr);
        Files.write(incr, b("*3\r\n$3\r\nSET\r\n$4\r\nlost\r\n$1"), StandardOpenOption.APPEND);
        assertThatThrownBy(() -> TestServers.start(shards, aof("aof-load-truncated", "no")))
            .hasMessageContaining("(truncated appendonly.aof.1.incr.aof)");
        Server cut = TestServers.start(shards, aof());
        try (Jedis j = new Jedis("127.0.0.1", cut.respPort(), 10_000)) {
            assertThat(j.get("kept")).isEqualTo("1");
            assertThat(j.exists("lost")).isFalse();
        } finally {
            cut.close();
        }
        assertThat(Files.readAllBytes(incr)).hasSize(good.length);
        // a MULTI without its EXEC is reverted to before the MULTI
        Files.write(incr, b("*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nSET\r\n$4\r\nhalf\r\n$1\r\n1\r\n"), StandardOpenOption.APPEND);
        Server reverted = TestServers.start(shards, aof());
        try (Jedis j = new Jedis("127.0.0.1", reverted.respPort(), 10_000)) {
            assertThat(j.exists("half")).isFalse();
            assertThat(j.set("usable", "yes")).isEqualTo("OK");
        } finally {
            reverted.close();
        }
        byte[] afterRevert = Files.readAllBytes(incr);
        Files.write(incr, b("*2\r\n$3\r\nGET\r\n+oops\r\n"), StandardOpenOption.APPEND);
        assertThatThrownBy(() -> TestServers.start(shards, aof())).hasMessageContaining("(bad format in appendonly.aof.1.incr.aof)");
        Files.write(incr, afterRevert);
        Files.write(incr, b("*1\r\n$7\r\nNOTACMD\r\n"), StandardOpenOption.APPEND);
        assertThatThrownBy(() -> TestServers.start(shards, aof())).hasMessageContaining("(unknown command in appendonly.aof.1.incr.aof)");
        Files.write(incr, afterRevert);
        Files.writeString(aofDir().resolve("appendonly.aof.manifest"), "file x seq 1 type q\n");
        assertThatThrownBy(() -> TestServers.start(shards, aof())).hasMessageContaining("manifest error");
    }

    @Test
    void anOldSingleAppendOnlyFileIsUpgradedToTheBase() throws Exception {
        Files.write(dir.resolve("appendonly.aof"), b("*3\r\n$3\r\nSET\r\n$3\r\nold\r\n$5\r\nstyle\r\n"));
        Server s = TestServers.start(shards, aof());
        try (Jedis j = new Jedis("127.0.0.1", s.respPort(), 10_000)) {
            assertThat(j.get("old")).isEqualTo("style");
        } finally {
            s.close();
        }
        assertThat(Files.exists(dir.resolve("appendonly.aof"))).isFalse();
        assertThat(manifest()).isEqualTo("file appendonly.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n");
    }

    @Test
    void configSetAppendonlyTurnsTheFileOnThroughARewriteAndOff() throws Exception {
        Server s = TestServers.start(shards, Map.of("dir", dir.toString()));
        String before;
        try (Jedis j = new Jedis("127.0.0.1", s.respPort(), 10_000)) {
            fill(j);
            assertThat(j.info("persistence")).contains("aof_enabled:0\r\n").doesNotContain("aof_current_size");
            assertThat(j.configSet("appendonly", "yes")).isEqualTo("OK");
            awaitRewrites(j, 1);
            j.set("written-after", "on");
            before = Digests.of(j);
            assertThat(j.info("persistence")).contains("aof_enabled:1\r\n", "aof_current_size:");
        } finally {
            s.close();
        }
        assertThat(manifest()).isEqualTo("file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n");
        Server again = TestServers.start(shards, aof());
        try (Jedis j = new Jedis("127.0.0.1", again.respPort(), 10_000)) {
            assertThat(Digests.of(j)).isEqualTo(before);
            assertThat(j.configSet("appendonly", "no")).isEqualTo("OK");
            assertThat(j.info("persistence")).contains("aof_enabled:0\r\n");
            long size = Files.size(aofDir().resolve("appendonly.aof.1.incr.aof"));
            j.set("not-written", "off");
            assertThat(Files.size(aofDir().resolve("appendonly.aof.1.incr.aof"))).isEqualTo(size);
        } finally {
            again.close();
        }
    }

    @Test
    void aReplyFollowingEffectsWaitsUntilTheyAreDurable() throws Exception {
        Server s = ownServer(Map.of());
        EffectFeed feed = s.engine().feed();
        try (FeedSubscription sub = feed.subscribe(); RawClient c = new RawClient("127.0.0.1", s.respPort())) {
            assertThat(c.call("SET", "before", "1")).isEqualTo("+OK\r\n");
            feed.syncedReplies(true);
            c.send(RawClient.encode("SET", "k", "v"));
            FeedEntry e;
            do {
                e = sub.take(10, TimeUnit.SECONDS);
            } while (e != null && !new String(e.argv()[1], StandardCharsets.UTF_8).equals("k"));
            assertThat(e).isNotNull();
            // the command ran; its reply stays with the server until the entry is durable
            Thread.sleep(200);
            assertThat(c.available()).isZero();
            feed.durable(e.seq());
            assertThat(c.readReply()).isEqualTo("+OK\r\n");
            // reads that follow no new effect of this client are not held
            assertThat(c.call("GET", "k")).isEqualTo("$1\r\nv\r\n");
            // a reader that sees another client's change before it is durable waits for it too, as
            // Redis sends every reply of an event-loop turn after that turn's AOF write
            c.send(RawClient.encode("SET", "k2", "v2"));
            do {
                e = sub.take(10, TimeUnit.SECONDS);
            } while (e != null && !new String(e.argv()[1], StandardCharsets.UTF_8).equals("k2"));
            assertThat(e).isNotNull();
            try (RawClient other = new RawClient("127.0.0.1", s.respPort())) {
                other.send(RawClient.encode("GET", "k2"));
                Thread.sleep(200);
                assertThat(other.available()).isZero();
                feed.durable(e.seq());
                assertThat(other.readReply()).isEqualTo("$2\r\nv2\r\n");
            }
            assertThat(c.readReply()).isEqualTo("+OK\r\n");
            feed.syncedReplies(false);
        }
    }
}
