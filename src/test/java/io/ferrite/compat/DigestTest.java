package io.ferrite.compat;

import io.ferrite.testing.FerriteTest;
import io.ferrite.testing.RawClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * DEBUG DIGEST and DEBUG DIGEST-VALUE compared with a real redis-server: the same data of every
 * type and encoding, in several databases, with and without TTLs, must give the same signatures,
 * so persistence and replication tests can compare a Ferrite dataset with a Redis one.
 */
class DigestTest extends FerriteTest {
    private static final String ZEROS = "0".repeat(40);
    private static RedisProcess reference;

    @BeforeAll
    static void startRedis() throws Exception {
        reference = ReferenceRedis.start("the digest comparison needs a real Redis 7.0");
    }

    @AfterAll
    static void stopRedis() {
        if (reference != null) {
            reference.close();
        }
    }

    /** Data of every type, small and large encodings, TTLs, three databases. */
    private static List<String[]> dataset() {
        List<String[]> cmds = new ArrayList<>();
        cmds.add(new String[] {"SET", "str", "hello"});
        cmds.add(new String[] {"SET", "int", "12345"});
        cmds.add(new String[] {"SET", "neg", "-7"});
        cmds.add(new String[] {"SET", "empty", ""});
        cmds.add(new String[] {"SET", "raw", "x".repeat(100)});
        cmds.add(new String[] {"SET", "ttl", "v", "EX", "1000"});
        cmds.add(new String[] {"APPEND", "appended", "12"});
        cmds.add(new String[] {"INCRBYFLOAT", "float", "1.5"});
        cmds.add(new String[] {"SETBIT", "bits", "100", "1"});
        cmds.add(new String[] {"PFADD", "hll", "a", "b", "c"});
        cmds.add(new String[] {"RPUSH", "list", "a", "1", "-2", "b", ""});
        List<String> big = new ArrayList<>(List.of("RPUSH", "biglist"));
        for (int i = 0; i < 300; i++) {
            big.add(i % 3 == 0 ? Integer.toString(i) : "element-" + i);
        }
        cmds.add(big.toArray(String[]::new));
        cmds.add(new String[] {"LPUSH", "biglist", "y".repeat(9000)});
        cmds.add(new String[] {"SADD", "intset", "1", "2", "3", "-5", "100000"});
        cmds.add(new String[] {"SADD", "set", "a", "b", "1"});
        List<String> bigSet = new ArrayList<>(List.of("SADD", "bigset"));
        for (int i = 0; i < 600; i++) {
            bigSet.add("m" + i);
        }
        cmds.add(bigSet.toArray(String[]::new));
        cmds.add(new String[] {"ZADD", "zset", "1.5", "a", "-0.25", "b", "3", "c", "1e100", "d", "inf", "e",
            "-inf", "f", "0.1", "g", "123456789012345678", "h", "5", "42"});
        List<String> bigZ = new ArrayList<>(List.of("ZADD", "bigzset"));
        for (int i = 0; i < 300; i++) {
            bigZ.add(Double.toString(i / 7.0));
            bigZ.add("member" + i);
        }
        cmds.add(bigZ.toArray(String[]::new));
        cmds.add(new String[] {"HSET", "hash", "f1", "v1", "f2", "2", "3", ""});
        List<String> bigH = new ArrayList<>(List.of("HSET", "bighash"));
        for (int i = 0; i < 300; i++) {
            bigH.add("field" + i);
            bigH.add(i % 2 == 0 ? Integer.toString(i) : "value" + i);
        }
        cmds.add(bigH.toArray(String[]::new));
        cmds.add(new String[] {"XADD", "stream", "1-1", "f", "v", "n", "1"});
        cmds.add(new String[] {"XADD", "stream", "1-2", "f", "w"});
        cmds.add(new String[] {"XADD", "stream", "18446744073709551614-5", "x", "y"});
        cmds.add(new String[] {"XDEL", "stream", "1-2"});
        cmds.add(new String[] {"XGROUP", "CREATE", "stream", "g", "0"});
        cmds.add(new String[] {"EXPIRE", "hash", "5000"});
        cmds.add(new String[] {"EXPIRE", "bigzset", "5000"});
        cmds.add(new String[] {"SELECT", "1"});
        cmds.add(new String[] {"SET", "str", "hello"});
        cmds.add(new String[] {"RPUSH", "list", "z"});
        cmds.add(new String[] {"SELECT", "9"});
        cmds.add(new String[] {"SET", "other", "db9"});
        cmds.add(new String[] {"SELECT", "0"});
        return cmds;
    }

    private static final String[] KEYS = {"str", "int", "neg", "empty", "raw", "ttl", "appended", "float", "bits",
        "hll", "list", "biglist", "intset", "set", "bigset", "zset", "bigzset", "hash", "bighash", "stream", "missing"};

    private static void load(RawClient c) {
        for (String[] cmd : dataset()) {
            assertThat(c.call(cmd)).doesNotStartWith("-");
        }
    }

    @Test
    void emptyDatasetDigestIsFortyZeros() {
        try (RawClient r = new RawClient("127.0.0.1", reference.port)) {
            r.call("FLUSHALL");
            assertThat(r.call("DEBUG", "DIGEST")).isEqualTo("+" + ZEROS + "\r\n");
        }
        assertThat(raw().call("DEBUG", "DIGEST")).isEqualTo("+" + ZEROS + "\r\n");
        assertThat(raw().call("DEBUG", "DIGEST-VALUE", "nokey")).isEqualTo("*1\r\n+" + ZEROS + "\r\n");
        assertThat(raw().call("DEBUG", "DIGEST-VALUE")).isEqualTo("*0\r\n");
    }

    @Test
    void digestsEqualRedisOnTheSameData() {
        RawClient f = raw();
        load(f);
        try (RawClient r = new RawClient("127.0.0.1", reference.port)) {
            r.call("FLUSHALL");
            load(r);
            for (String k : KEYS) {
                assertThat(f.call("DEBUG", "DIGEST-VALUE", k)).as(k).isEqualTo(r.call("DEBUG", "DIGEST-VALUE", k));
            }
            String digest = r.call("DEBUG", "DIGEST");
            assertThat(digest).isNotEqualTo("+" + ZEROS + "\r\n");
            assertThat(f.call("DEBUG", "DIGEST")).isEqualTo(digest);
            String[] all = new String[KEYS.length + 2];
            all[0] = "DEBUG";
            all[1] = "DIGEST-VALUE";
            System.arraycopy(KEYS, 0, all, 2, KEYS.length);
            assertThat(f.call(all)).isEqualTo(r.call(all));
            r.call("SELECT", "1");
            f.call("SELECT", "1");
            assertThat(f.call("DEBUG", "DIGEST-VALUE", "str", "list")).isEqualTo(r.call("DEBUG", "DIGEST-VALUE", "str", "list"));
            // the dataset digest does not depend on the client's database
            assertThat(f.call("DEBUG", "DIGEST")).isEqualTo(digest);
        }
    }

    @Test
    void digestChangesWithAnyChangeAndRunsInsideMulti() {
        RawClient f = raw();
        load(f);
        String before = f.call("DEBUG", "DIGEST");
        f.call("LSET", "biglist", "5", "changed");
        String after = f.call("DEBUG", "DIGEST");
        assertThat(after).isNotEqualTo(before);
        f.call("MULTI");
        f.call("DEBUG", "DIGEST");
        f.call("DEBUG", "DIGEST-VALUE", "str");
        assertThat(f.call("EXEC")).isEqualTo("*2\r\n" + after + f.call("DEBUG", "DIGEST-VALUE", "str"));
    }
}
