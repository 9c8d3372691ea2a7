package io.ferrite.scripting;

import io.ferrite.testing.FerriteTest;
import io.ferrite.testing.RawClient;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scripts move value between accounts on different shards, naming them as declared keys or
 * computing their names inside the script (as job-queue libraries do), while other clients read
 * every account with MGET and with a script: nobody ever sees a total other than the constant one,
 * so no client ever observes half of a script.
 */
class ScriptAtomicityTest extends FerriteTest {
    private static final int ACCOUNTS = 12;
    private static final long TOTAL = ACCOUNTS * 100L;

    private static final String DECLARED = "local a = tonumber(redis.call('get', KEYS[1])) "
        + "local n = tonumber(ARGV[1]) "
        + "redis.call('set', KEYS[1], a - n) "
        + "redis.call('incrby', KEYS[2], n) return 1";
    /** The account names are computed in the script: keys the engine was not told about. */
    private static final String UNDECLARED = "local from = 'acct:' .. ARGV[1] local to = 'acct:' .. ARGV[2] "
        + "local n = tonumber(ARGV[3]) "
        + "redis.call('decrby', from, n) "
        + "for i = 1, 3 do redis.call('get', 'acct:' .. i) end "
        + "redis.call('incrby', to, n) return 1";
    private static final String SUM = "local s = 0 for i = 0, " + (ACCOUNTS - 1) + " do "
        + "s = s + tonumber(redis.call('get', 'acct:' .. i)) end return s";

    @Test
    void scriptsOverShardsAndUndeclaredKeysAreAtomic() throws Exception {
        String[] keys = new String[ACCOUNTS];
        List<String> mset = new ArrayList<>();
        for (int i = 0; i < ACCOUNTS; i++) {
            keys[i] = "acct:" + i;
            mset.add(keys[i]);
            mset.add("100");
        }
        Jedis setup = jedis();
        setup.mset(mset.toArray(new String[0]));

        AtomicReference<String> violation = new AtomicReference<>();
        AtomicInteger reads = new AtomicInteger();
        AtomicInteger transfers = new AtomicInteger();
        long deadline = System.currentTimeMillis() + 2500;
        ExecutorService pool = Executors.newFixedThreadPool(7);
        List<Future<?>> jobs = new ArrayList<>();
        for (int w = 0; w < 2; w++) {
            jobs.add(pool.submit(() -> transfers(keys, deadline, transfers, true)));
            jobs.add(pool.submit(() -> transfers(keys, deadline, transfers, false)));
        }
        jobs.add(pool.submit(() -> readByMget(keys, deadline, violation, reads)));
        jobs.add(pool.submit(() -> readByScript(deadline, violation, reads)));
        for (Future<?> f : jobs) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();

        assertThat(violation.get()).isNull();
        assertThat(transfers.get()).isGreaterThan(20);
        assertThat(reads.get()).isGreaterThan(10);
        assertThat(setup.eval(SUM)).isEqualTo(TOTAL);
    }

    /** A script pipelined behind commands of its declared key's shard still runs as a script (never squashed into their batch). */
    @Test
    void aPipelinedScriptRunsWithEveryShardHeld() {
        RawClient c = raw();
        byte[] pipeline = concat(RawClient.encode("SET", "k", "1"),
            RawClient.encode("GET", "k"),
            RawClient.encode("EVAL", "redis.call('set', 'other:' .. ARGV[1], 'x') return redis.call('incr', KEYS[1])", "1", "k", "7"),
            RawClient.encode("GET", "other:7"));
        c.send(pipeline);
        assertThat(c.readReply()).isEqualTo("+OK\r\n");
        assertThat(c.readReply()).isEqualTo("$1\r\n1\r\n");
        assertThat(c.readReply()).isEqualTo(":2\r\n");
        assertThat(c.readReply()).isEqualTo("$1\r\nx\r\n");
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private void transfers(String[] keys, long deadline, AtomicInteger done, boolean declared) {
        try (Jedis j = new Jedis("127.0.0.1", port(), 10_000)) {
            ThreadLocalRandom r = ThreadLocalRandom.current();
            while (System.currentTimeMillis() < deadline) {
                int from = r.nextInt(ACCOUNTS);
                int to = (from + 1 + r.nextInt(ACCOUNTS - 1)) % ACCOUNTS;
                String n = Integer.toString(r.nextInt(1, 10));
                if (declared) {
                    j.eval(DECLARED, List.of(keys[from], keys[to]), List.of(n));
                } else {
                    j.eval(UNDECLARED, List.of(), List.of(Integer.toString(from), Integer.toString(to), n));
                }
                done.incrementAndGet();
            }
        }
    }

    private void readByMget(String[] keys, long deadline, AtomicReference<String> violation, AtomicInteger reads) {
        try (Jedis j = new Jedis("127.0.0.1", port(), 10_000)) {
            while (System.currentTimeMillis() < deadline) {
                long sum = 0;
                for (String v : j.mget(keys)) {
                    sum += Long.parseLong(v);
                }
                if (sum != TOTAL) {
                    violation.compareAndSet(null, "MGET saw a total of " + sum);
                }
                reads.incrementAndGet();
            }
        }
    }

    private void readByScript(long deadline, AtomicReference<String> violation, AtomicInteger reads) {
        try (Jedis j = new Jedis("127.0.0.1", port(), 10_000)) {
            while (System.currentTimeMillis() < deadline) {
                Object sum = j.eval(SUM);
                if (!Long.valueOf(TOTAL).equals(sum)) {
                    violation.compareAndSet(null, "a script saw a total of " + sum);
                }
                reads.incrementAndGet();
            }
        }
    }
}
