package io.ferrite.compat;

import io.ferrite.engine.feed.FeedSubscription;
import io.ferrite.server.Server;
import io.ferrite.testing.FerriteTest;
import io.ferrite.testing.RawClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What each command propagates, compared with what a real Redis 7.0 writes to its AOF for the same
 * commands (the most exact reference for Redis's propagation): the same script runs against
 * Ferrite, whose effects feed is rendered as AOF lines, and against a redis-server with appendonly
 * on, whose appendonly file is read back. Times (which differ between the two runs) are masked;
 * everything else, argument case included, must be equal.
 */
class PropagationAofTest extends FerriteTest {
    private static RedisProcess reference;

    @BeforeAll
    static void startRedis() throws Exception {
        reference = ReferenceRedis.start("the propagation comparison reads a real Redis 7.0's AOF");
        try (RawClient r = new RawClient("127.0.0.1", reference.port)) {
            r.call("CONFIG", "SET", "appendfsync", "always");
            r.call("CONFIG", "SET", "appendonly", "yes");
            for (int i = 0; i < 500; i++) {
                String info = r.call("INFO", "persistence");
                if (info.contains("aof_enabled:1") && info.contains("aof_rewrite_in_progress:0")
                    && info.contains("aof_rewrite_scheduled:0") && incrFile(r) != null) {
                    return;
                }
                Thread.sleep(20);
            }
            throw new AssertionError("the reference Redis never turned its AOF on");
        }
    }

    @AfterAll
    static void stopRedis() {
        if (reference != null) {
            reference.close();
        }
    }

    /** The AOF file Redis appends to now: the incremental file with the highest sequence number. */
    private static Path incrFile(RawClient r) throws Exception {
        String reply = r.call("CONFIG", "GET", "dir");
        String[] parts = reply.split("\r\n");
        Path dir = Path.of(parts[parts.length - 1]).resolve("appendonlydir");
        if (!Files.isDirectory(dir)) {
            return null;
        }
        try (var files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".incr.aof"))
                .max((x, y) -> Long.compare(seq(x), seq(y))).orElse(null);
        }
    }

    private static long seq(Path p) {
        String[] parts = p.getFileName().toString().split("\\.");
        return Long.parseLong(parts[parts.length - 3]);
    }

    private static String[] c(String... args) {
        return args;
    }

    /**
     * The script: commands on one connection, except "BLOCK ..." (sent on a second connection, which
     * then waits until the server has blocked it), "AWAIT" (reads that connection's reply) and
     * "SLEEP ms".
     */
    private static List<String[]> script() {
        List<String[]> s = new ArrayList<>();
        s.add(c("FLUSHALL"));
        // strings and expiries: relative and second-based times become absolute milliseconds
        s.add(c("set", "k", "v", "ex", "100"));
        s.add(c("SETEX", "k3", "100", "v"));
        s.add(c("psetex", "k4", "100000", "v"));
        s.add(c("set", "k5", "v", "pxat", "99999999999999"));
        s.add(c("set", "k6", "v", "exat", "99999999999", "nx"));
        s.add(c("set", "k6", "v", "exat", "99999999999", "nx"));
        s.add(c("expire", "k", "200"));
        s.add(c("pexpire", "k", "200000"));
        s.add(c("expireat", "k", "99999999999"));
        s.add(c("pexpireat", "k", "99999999999999"));
        s.add(c("expire", "k", "99999999999", "lt"));
        s.add(c("expire", "k", "-1"));
        s.add(c("expire", "nokey", "10"));
        s.add(c("set", "g", "v"));
        s.add(c("getex", "g", "ex", "100"));
        s.add(c("getex", "g", "persist"));
        s.add(c("getex", "g", "persist"));
        s.add(c("getex", "g", "pxat", "99999999999999"));
        s.add(c("getex", "g"));
        s.add(c("getex", "g", "exat", "1"));
        s.add(c("getdel", "g2"));
        s.add(c("set", "g2", "v"));
        s.add(c("getdel", "g2"));
        s.add(c("getset", "g3", "a"));
        s.add(c("getset", "g3", "b"));
        s.add(c("set", "g3", "c", "get"));
        s.add(c("set", "g3", "d", "keepttl", "GET", "xx"));
        s.add(c("incrbyfloat", "f", "1.5"));
        s.add(c("incrbyfloat", "f", "2.0e1"));
        s.add(c("hincrbyfloat", "h", "f", "1.5"));
        s.add(c("incr", "cnt"));
        s.add(c("append", "cnt", "5"));
        s.add(c("setrange", "cnt", "0", "x"));
        s.add(c("setnx", "cnt", "x"));
        s.add(c("get", "cnt"));
        // sets: random choices become the members chosen
        s.add(c("sadd", "s", "a"));
        s.add(c("spop", "s"));
        s.add(c("sadd", "s2", "a", "b", "c"));
        s.add(c("spop", "s2", "5"));
        s.add(c("sadd", "s3", "a", "b"));
        s.add(c("srandmember", "s3"));
        s.add(c("srandmember", "s3", "-5"));
        s.add(c("spop", "s3", "0"));
        // transactions: one effect goes alone, several inside MULTI/EXEC, none nothing
        s.add(c("MULTI"));
        s.add(c("set", "a", "1"));
        s.add(c("EXEC"));
        s.add(c("MULTI"));
        s.add(c("set", "a", "1"));
        s.add(c("set", "b", "2"));
        s.add(c("incr", "a"));
        s.add(c("EXEC"));
        s.add(c("MULTI"));
        s.add(c("get", "a"));
        s.add(c("EXEC"));
        s.add(c("select", "3"));
        s.add(c("set", "z", "1"));
        s.add(c("MULTI"));
        s.add(c("select", "4"));
        s.add(c("set", "y", "1"));
        s.add(c("select", "5"));
        s.add(c("set", "y", "1"));
        s.add(c("EXEC"));
        s.add(c("select", "0"));
        // pops served at once
        s.add(c("rpush", "l", "a", "b", "c", "d", "e", "f", "g"));
        s.add(c("blpop", "l", "1"));
        s.add(c("brpop", "l", "1"));
        s.add(c("blmpop", "1", "1", "l", "right", "count", "2"));
        s.add(c("lmpop", "1", "l", "left", "count", "10"));
        s.add(c("zadd", "z", "1", "a", "2", "b", "3", "c"));
        s.add(c("bzmpop", "1", "1", "z", "min", "count", "10"));
        s.add(c("zadd", "z", "1", "a", "2", "b", "3", "c"));
        s.add(c("zmpop", "1", "z", "max"));
        s.add(c("bzpopmax", "z", "1"));
        s.add(c("bzpopmin", "z", "1"));
        s.add(c("zpopmin", "z"));
        s.add(c("rpush", "m", "a", "b"));
        s.add(c("blmove", "m", "m2", "right", "LEFT", "1"));
        s.add(c("brpoplpush", "m", "m3", "1"));
        s.add(c("lmove", "m2", "m3", "left", "left"));
        // pops served later, as their plain forms
        s.add(c("BLOCK", "blpop", "bl", "5"));
        s.add(c("rpush", "bl", "x", "y"));
        s.add(c("AWAIT"));
        s.add(c("BLOCK", "brpop", "bl0", "bl1", "5"));
        s.add(c("rpush", "bl1", "x", "y"));
        s.add(c("AWAIT"));
        s.add(c("BLOCK", "blmove", "bm", "bd", "left", "right", "5"));
        s.add(c("rpush", "bm", "x"));
        s.add(c("AWAIT"));
        s.add(c("BLOCK", "brpoplpush", "bm2", "bd2", "5"));
        s.add(c("lpush", "bm2", "x"));
        s.add(c("AWAIT"));
        s.add(c("BLOCK", "bzpopmin", "bz", "5"));
        s.add(c("zadd", "bz", "1", "a", "2", "b"));
        s.add(c("AWAIT"));
        s.add(c("BLOCK", "bzmpop", "5", "1", "bz2", "max", "count", "2"));
        s.add(c("zadd", "bz2", "1", "a", "2", "b", "3", "c"));
        s.add(c("AWAIT"));
        s.add(c("BLOCK", "blmpop", "5", "1", "bl2", "left", "count", "5"));
        s.add(c("rpush", "bl2", "a", "b"));
        s.add(c("AWAIT"));
        // streams
        s.add(c("xadd", "st", "*", "f", "v"));
        s.add(c("xadd", "st", "maxlen", "~", "1", "*", "f", "v"));
        s.add(c("xadd", "st", "MAXLEN", "=", "5", "*", "f", "v"));
        s.add(c("xtrim", "st", "maxlen", "~", "0"));
        s.add(c("xtrim", "st", "maxlen", "1"));
        s.add(c("xadd", "st2", "5-*", "f", "v"));
        s.add(c("xadd", "st2", "5-*", "f", "v"));
        s.add(c("xadd", "s", "1-1", "a", "1"));
        s.add(c("xadd", "s", "2-1", "a", "1"));
        s.add(c("xadd", "s", "3-1", "a", "1"));
        s.add(c("xgroup", "create", "s", "g", "0"));
        s.add(c("xreadgroup", "group", "g", "c", "noack", "count", "1", "streams", "s", ">"));
        s.add(c("xreadgroup", "group", "g", "c", "count", "5", "streams", "s", ">"));
        s.add(c("xreadgroup", "group", "g", "c", "count", "5", "streams", "s", ">"));
        s.add(c("xreadgroup", "group", "g", "c", "count", "5", "streams", "s", "0"));
        s.add(c("xadd", "s", "4-1", "a", "1"));
        s.add(c("xreadgroup", "group", "g", "cnew", "count", "5", "streams", "s", ">"));
        s.add(c("xreadgroup", "group", "g", "cnew2", "count", "5", "streams", "s", ">"));
        s.add(c("xgroup", "delconsumer", "s", "g", "nobody"));
        s.add(c("xdel", "s", "2-1"));
        s.add(c("xautoclaim", "s", "g", "c2", "0", "0"));
        s.add(c("xclaim", "s", "g", "c3", "0", "3-1", "justid"));
        s.add(c("xclaim", "s", "g", "c3", "0", "0-1"));
        s.add(c("xack", "s", "g", "3-1", "9-9"));
        s.add(c("xadd", "s", "minid", "~", "2", "*", "a", "1"));
        s.add(c("xtrim", "s", "minid", "3-1"));
        s.add(c("xgroup", "createconsumer", "s", "g", "c9"));
        s.add(c("xgroup", "createconsumer", "s", "g", "c9"));
        s.add(c("xgroup", "delconsumer", "s", "g", "c9"));
        s.add(c("xgroup", "setid", "s", "g", "0"));
        s.add(c("xgroup", "destroy", "s", "g"));
        s.add(c("xgroup", "destroy", "s", "g"));
        s.add(c("xgroup", "create", "s9", "g2", "$", "mkstream"));
        s.add(c("BLOCK", "xreadgroup", "group", "g2", "cc", "block", "5000", "streams", "s9", ">"));
        s.add(c("xadd", "s9", "1-1", "f", "v"));
        s.add(c("AWAIT"));
        // keys and databases
        s.add(c("set", "a", "1"));
        s.add(c("swapdb", "0", "1"));
        s.add(c("swapdb", "0", "1"));
        s.add(c("move", "a", "2"));
        s.add(c("move", "a", "2"));
        s.add(c("set", "a", "1"));
        s.add(c("copy", "a", "b2"));
        s.add(c("copy", "a", "c2", "db", "2"));
        s.add(c("rename", "a", "a2"));
        s.add(c("del", "a2", "nokey"));
        s.add(c("unlink", "b2"));
        s.add(c("rpush", "sl", "3", "1", "2"));
        s.add(c("sort", "sl", "store", "sd"));
        s.add(c("pfadd", "hl", "a", "b", "c"));
        s.add(c("pfcount", "hl"));
        s.add(c("pfcount", "hl"));
        s.add(c("setbit", "bits", "7", "1"));
        s.add(c("setbit", "bits", "7", "1"));
        s.add(c("bitop", "not", "bits2", "bits"));
        s.add(c("geoadd", "geo", "13.361389", "38.115556", "Palermo"));
        // lazy expiry: a DEL in the unit of the command that met the key (no active expiry meanwhile)
        s.add(c("debug", "set-active-expire", "0"));
        s.add(c("set", "e", "1", "px", "1"));
        s.add(c("SLEEP", "20"));
        s.add(c("get", "e"));
        s.add(c("set", "e2", "1", "px", "1"));
        s.add(c("SLEEP", "20"));
        s.add(c("set", "e2", "5"));
        s.add(c("set", "e3", "1", "px", "1"));
        s.add(c("SLEEP", "20"));
        s.add(c("MULTI"));
        s.add(c("get", "e3"));
        s.add(c("EXEC"));
        s.add(c("debug", "set-active-expire", "1"));
        s.add(c("flushdb"));
        s.add(c("flushall"));
        s.add(c("flushall"));
        return s;
    }

    private static void run(int port, List<String[]> script) throws InterruptedException {
        try (RawClient a = new RawClient("127.0.0.1", port); RawClient b = new RawClient("127.0.0.1", port)) {
            String bId = idOf(b);
            for (String[] step : script) {
                switch (step[0]) {
                    case "BLOCK" -> {
                        b.send(RawClient.encode(Arrays.copyOfRange(step, 1, step.length)));
                        try {
                            awaitBlocked(a, bId);
                        } catch (AssertionError e) {
                            throw new AssertionError(String.join(" ", step) + " got " + b.readReply(), e);
                        }
                    }
                    case "AWAIT" -> assertThat(b.readReply()).doesNotStartWith("*-1");
                    case "SLEEP" -> Thread.sleep(Long.parseLong(step[1]));
                    default -> a.call(step);
                }
            }
        }
    }

    @Test
    void effectsAreWhatRedisWritesToItsAof() throws Exception {
        List<String[]> script = script();
        Server own = ownServer(Map.of());
        FeedLog ferrite = new FeedLog();
        try (FeedSubscription sub = own.engine().feed().subscribe()) {
            run(own.respPort(), script);
            sub.drain(ferrite::add);
        }
        List<String> redis;
        try (RawClient r = new RawClient("127.0.0.1", reference.port)) {
            Path aof = incrFile(r);
            long from = Files.size(aof);
            run(reference.port, script);
            byte[] all = Files.readAllBytes(incrFile(r));
            redis = FeedLog.parseAof(Arrays.copyOfRange(all, (int) from, all.length));
        }
        // a Redis that already wrote to database 0 (the other shard count's run) selects it no more
        assertThat(withoutFirstSelect(FeedLog.withoutTimes(ferrite.lines())))
            .containsExactlyElementsOf(withoutFirstSelect(FeedLog.withoutTimes(redis)));
    }

    private static List<String> withoutFirstSelect(List<String> lines) {
        return !lines.isEmpty() && lines.get(0).equals("SELECT 0") ? lines.subList(1, lines.size()) : lines;
    }
}
