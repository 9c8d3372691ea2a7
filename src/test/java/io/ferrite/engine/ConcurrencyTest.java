package io.ferrite.engine;

import io.ferrite.testing.FerriteTest;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Transaction;

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
 * Many clients move value between keys on different shards (MULTI/EXEC, WATCH + MSET, RENAME)
 * while others read with multi-key commands: no reader ever sees a torn state and the total never
 * changes.
 */
class ConcurrencyTest extends FerriteTest {
    private static final int KEYS = 10;
    private static final int TOTAL = KEYS * 100;
    private static final String[] TOKENS = {"tok:a", "tok:b", "tok:c", "tok:d", "tok:e"};

    @Test
    void transfersAcrossShardsAreAtomicAndIsolated() throws Exception {
        String[] keys = new String[KEYS];
        List<String> mset = new ArrayList<>();
        for (int i = 0; i < KEYS; i++) {
            keys[i] = "acct:" + i;
            mset.add(keys[i]);
            mset.add("100");
        }
        Jedis setup = jedis();
        setup.mset(mset.toArray(new String[0]));
        setup.set(TOKENS[0], "token");

        AtomicReference<String> violation = new AtomicReference<>();
        AtomicInteger reads = new AtomicInteger();
        AtomicInteger transfers = new AtomicInteger();
        long deadline = System.currentTimeMillis() + 3000;
        ExecutorService pool = Executors.newFixedThreadPool(10);
        List<Future<?>> jobs = new ArrayList<>();
        for (int w = 0; w < 2; w++) {
            jobs.add(pool.submit(() -> multiExecTransfers(keys, deadline, transfers)));
            jobs.add(pool.submit(() -> watchMsetTransfers(keys, deadline, transfers)));
        }
        jobs.add(pool.submit(() -> renameToken(deadline)));
        for (int r = 0; r < 4; r++) {
            jobs.add(pool.submit(() -> read(keys, deadline, violation, reads)));
        }
        for (Future<?> f : jobs) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();

        assertThat(violation.get()).isNull();
        assertThat(reads.get()).isGreaterThan(10);
        assertThat(transfers.get()).isGreaterThan(10);
        long sum = 0;
        for (String v : setup.mget(keys)) {
            sum += Long.parseLong(v);
        }
        assertThat(sum).isEqualTo(TOTAL);
    }

    /**
     * Multi-key writes over disjoint keys share their shard holds; writes whose keys overlap,
     * single-key writes and readers mix in. Each group's three keys (on different shards) always
     * hold one value, so a reader seeing two values in a group saw half of a write.
     */
    @Test
    void chainsOverDisjointKeysShareShardsAndStayAtomic() throws Exception {
        int groups = 4;
        int rounds = 1500;
        AtomicReference<String> violation = new AtomicReference<>();
        AtomicInteger writersLeft = new AtomicInteger(groups + 1);
        AtomicInteger reads = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(groups + 3);
        List<Future<?>> jobs = new ArrayList<>();
        for (int g = 0; g < groups; g++) {
            int group = g;
            jobs.add(pool.submit(() -> {
                try (Jedis j = new Jedis("127.0.0.1", port(), 10_000)) {
                    for (int i = 0; i < rounds; i += 4) {
                        // a pipeline of cross-shard writes, squashed into one chain
                        var p = j.pipelined();
                        for (int k = i; k < i + 4; k++) {
                            String v = group + ":" + k;
                            p.mset(groupKey(group, 0), v, groupKey(group, 1), v, groupKey(group, 2), v);
                        }
                        p.sync();
                    }
                } finally {
                    writersLeft.decrementAndGet();
                }
            }));
        }
        jobs.add(pool.submit(() -> {
            // writes over two groups at once overlap the group writers' keys
            try (Jedis j = new Jedis("127.0.0.1", port(), 10_000)) {
                for (int i = 0; i < rounds / 2; i++) {
                    int a = i % groups;
                    int b = (a + 1) % groups;
                    String v = "x:" + i;
                    j.mset(groupKey(a, 0), v, groupKey(a, 1), v, groupKey(a, 2), v,
                        groupKey(b, 0), v, groupKey(b, 1), v, groupKey(b, 2), v);
                    j.get(groupKey(a, 1));
                }
            } finally {
                writersLeft.decrementAndGet();
            }
        }));
        for (int r = 0; r < 2; r++) {
            jobs.add(pool.submit(() -> {
                try (Jedis j = new Jedis("127.0.0.1", port(), 10_000)) {
                    while (writersLeft.get() > 0 && violation.get() == null) {
                        for (int g = 0; g < groups; g++) {
                            List<String> v = j.mget(groupKey(g, 0), groupKey(g, 1), groupKey(g, 2));
                            if (!(java.util.Objects.equals(v.get(0), v.get(1)) && java.util.Objects.equals(v.get(1), v.get(2)))) {
                                violation.set("group " + g + " read as " + v);
                            }
                        }
                        reads.incrementAndGet();
                    }
                }
            }));
        }
        for (Future<?> f : jobs) {
            f.get(120, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertThat(violation.get()).isNull();
        assertThat(reads.get()).isGreaterThan(0);
        Jedis check = jedis();
        for (int g = 0; g < groups; g++) {
            List<String> v = check.mget(groupKey(g, 0), groupKey(g, 1), groupKey(g, 2));
            assertThat(v.get(1)).isEqualTo(v.get(0)).isNotNull();
            assertThat(v.get(2)).isEqualTo(v.get(0));
        }
    }

    private static String groupKey(int group, int i) {
        return "grp:" + group + ":" + i;
    }

    private void multiExecTransfers(String[] keys, long deadline, AtomicInteger transfers) {
        try (Jedis j = new Jedis("127.0.0.1", port(), 10_000)) {
            while (System.currentTimeMillis() < deadline) {
                int a = ThreadLocalRandom.current().nextInt(KEYS);
                int b = (a + 1 + ThreadLocalRandom.current().nextInt(KEYS - 1)) % KEYS;
                Transaction t = j.multi();
                t.decrBy(keys[a], 3);
                t.incrBy(keys[b], 3);
                assertThat(t.exec()).hasSize(2);
                transfers.incrementAndGet();
            }
        }
    }

    private void watchMsetTransfers(String[] keys, long deadline, AtomicInteger transfers) {
        try (Jedis j = new Jedis("127.0.0.1", port(), 10_000)) {
            while (System.currentTimeMillis() < deadline) {
                int a = ThreadLocalRandom.current().nextInt(KEYS);
                int b = (a + 1 + ThreadLocalRandom.current().nextInt(KEYS - 1)) % KEYS;
                j.watch(keys[a], keys[b]);
                List<String> v = j.mget(keys[a], keys[b]);
                long va = Long.parseLong(v.get(0));
                long vb = Long.parseLong(v.get(1));
                Transaction t = j.multi();
                t.mset(keys[a], Long.toString(va - 5), keys[b], Long.toString(vb + 5));
                if (t.exec() != null) {
                    transfers.incrementAndGet();
                }
            }
        }
    }

    private void renameToken(long deadline) {
        try (Jedis j = new Jedis("127.0.0.1", port(), 10_000)) {
            int at = 0;
            while (System.currentTimeMillis() < deadline) {
                int to = (at + 1) % TOKENS.length;
                assertThat(j.rename(TOKENS[at], TOKENS[to])).isEqualTo("OK");
                at = to;
            }
        }
    }

    private void read(String[] keys, long deadline, AtomicReference<String> violation, AtomicInteger reads) {
        try (Jedis j = new Jedis("127.0.0.1", port(), 10_000)) {
            while (System.currentTimeMillis() < deadline && violation.get() == null) {
                long sum = 0;
                for (String v : j.mget(keys)) {
                    sum += Long.parseLong(v);
                }
                if (sum != TOTAL) {
                    violation.set("MGET saw a total of " + sum);
                }
                long tokens = j.exists(TOKENS);
                if (tokens != 1) {
                    violation.set("EXISTS saw " + tokens + " tokens");
                }
                long present = j.mget(TOKENS).stream().filter(x -> x != null).count();
                if (present != 1) {
                    violation.set("MGET saw " + present + " tokens");
                }
                reads.incrementAndGet();
            }
        }
    }
}
