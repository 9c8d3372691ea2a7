package io.ferrite.scripting;

import io.ferrite.testing.FerriteTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.redisson.Redisson;
import org.redisson.api.RLock;
import org.redisson.api.RMapCache;
import org.redisson.api.RRateLimiter;
import org.redisson.api.RReadWriteLock;
import org.redisson.api.RateType;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Redisson 3.52's Lua-built objects, unchanged, against Ferrite: its scripts touch keys they
 * compute (timeout sets, lock channels, permit sets) besides the ones they declare. Each test uses
 * several objects whose names land on different shards, so at 4 shards the scripts run on all of them.
 */
class RedissonTest extends FerriteTest {
    private RedissonClient redisson;

    @BeforeEach
    void startRedisson() {
        Config config = new Config();
        config.setCodec(StringCodec.INSTANCE);
        config.useSingleServer().setAddress("redis://127.0.0.1:" + port())
            .setConnectionMinimumIdleSize(2).setConnectionPoolSize(8)
            .setSubscriptionConnectionMinimumIdleSize(1).setSubscriptionConnectionPoolSize(4)
            .setTimeout(10_000);
        redisson = Redisson.create(config);
    }

    @AfterEach
    void stopRedisson() {
        redisson.shutdown(0, 2, TimeUnit.SECONDS);
    }

    /** Names of objects that together cover every shard the server has. */
    private List<String> namesOverEveryShard(String prefix) {
        List<String> names = new ArrayList<>();
        Set<Integer> shardsSeen = new HashSet<>();
        for (int i = 0; shardsSeen.size() < shards || names.size() < 4; i++) {
            String name = prefix + i;
            shardsSeen.add(server.engine().shardOf(name.getBytes(StandardCharsets.UTF_8)).id);
            names.add(name);
        }
        return names;
    }

    @Test
    void locksExcludeEachOtherAcrossThreads() throws Exception {
        List<String> names = namesOverEveryShard("lock-");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            for (String name : names) {
                int[] unguarded = {0};
                AtomicInteger inside = new AtomicInteger();
                AtomicInteger overlaps = new AtomicInteger();
                List<Future<?>> workers = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    workers.add(pool.submit(() -> {
                        RLock lock = redisson.getLock(name);
                        for (int i = 0; i < 25; i++) {
                            lock.lock();
                            try {
                                if (inside.incrementAndGet() > 1) {
                                    overlaps.incrementAndGet();
                                }
                                unguarded[0]++;
                                inside.decrementAndGet();
                            } finally {
                                lock.unlock();
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> w : workers) {
                    w.get(60, TimeUnit.SECONDS);
                }
                assertThat(overlaps).as(name).hasValue(0);
                assertThat(unguarded[0]).as(name).isEqualTo(100);
                assertThat(redis.exists(name)).as("a released lock leaves no key").isZero();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void lockIsReentrantAndRefusesOtherHoldersUntilLeaseEnds() throws Exception {
        RLock lock = redisson.getLock("lease-lock");
        lock.lock(1, TimeUnit.SECONDS);
        lock.lock(1, TimeUnit.SECONDS);
        assertThat(lock.getHoldCount()).isEqualTo(2);
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            assertThat(other.submit(() -> redisson.getLock("lease-lock").tryLock()).get(10, TimeUnit.SECONDS)).isFalse();
            // the lease runs out without an unlock: another thread then gets it, waiting for the expiry
            assertThat(other.submit(() -> {
                RLock l = redisson.getLock("lease-lock");
                boolean got = l.tryLock(5, 10, TimeUnit.SECONDS);
                if (got) {
                    l.unlock();
                }
                return got;
            }).get(15, TimeUnit.SECONDS)).isTrue();
        } finally {
            other.shutdownNow();
        }
    }

    @Test
    void readWriteLockSharesReadsAndExcludesWrites() throws Exception {
        for (String name : namesOverEveryShard("rw-")) {
            RReadWriteLock rw = redisson.getReadWriteLock(name);
            rw.readLock().lock();
            ExecutorService other = Executors.newSingleThreadExecutor();
            try {
                assertThat(other.submit(() -> {
                    RReadWriteLock mine = redisson.getReadWriteLock(name);
                    boolean read = mine.readLock().tryLock();
                    boolean write = mine.writeLock().tryLock();
                    if (read) {
                        mine.readLock().unlock();
                    }
                    return List.of(read, write);
                }).get(10, TimeUnit.SECONDS)).as(name).containsExactly(true, false);
                rw.readLock().unlock();
                CountDownLatch writing = new CountDownLatch(1);
                Future<Boolean> writer = other.submit(() -> {
                    RLock w = redisson.getReadWriteLock(name).writeLock();
                    boolean got = w.tryLock(10, TimeUnit.SECONDS);
                    writing.countDown();
                    return got;
                });
                assertThat(writer.get(15, TimeUnit.SECONDS)).as(name).isTrue();
                assertThat(writing.await(1, TimeUnit.SECONDS)).isTrue();
                assertThat(rw.readLock().tryLock()).as("a read while another thread writes").isFalse();
                other.submit(() -> redisson.getReadWriteLock(name).writeLock().unlock()).get(10, TimeUnit.SECONDS);
                assertThat(rw.readLock().tryLock(5, TimeUnit.SECONDS)).isTrue();
                rw.readLock().unlock();
            } finally {
                other.shutdownNow();
            }
        }
    }

    @Test
    void rateLimiterHandsOutItsPermitsOncePerInterval() throws Exception {
        List<String> names = namesOverEveryShard("rate-");
        for (String name : names) {
            RRateLimiter limiter = redisson.getRateLimiter(name);
            assertThat(limiter.trySetRate(RateType.OVERALL, 5, Duration.ofSeconds(1))).isTrue();
            int granted = 0;
            for (int i = 0; i < 8; i++) {
                if (limiter.tryAcquire()) {
                    granted++;
                }
            }
            assertThat(granted).as(name).isEqualTo(5);
            assertThat(limiter.availablePermits()).isZero();
        }
        // the interval passes: the permits come back
        for (String name : names) {
            assertThat(redisson.getRateLimiter(name).tryAcquire(3, Duration.ofSeconds(5))).as(name).isTrue();
        }
    }

    @Test
    void mapCacheExpiresEntriesAndEvictsPastItsSize() throws Exception {
        List<String> names = namesOverEveryShard("cache-");
        for (String name : names) {
            RMapCache<String, String> cache = redisson.getMapCache(name);
            cache.put("kept", "1");
            cache.put("short", "2", 300, TimeUnit.MILLISECONDS);
            cache.put("idle", "3", 0, TimeUnit.SECONDS, 300, TimeUnit.MILLISECONDS);
            assertThat(cache.get("short")).isEqualTo("2");
            assertThat(cache.size()).isEqualTo(3);
        }
        Thread.sleep(700);
        for (String name : names) {
            RMapCache<String, String> cache = redisson.getMapCache(name);
            assertThat(cache.get("short")).as(name).isNull();
            assertThat(cache.get("idle")).as(name).isNull();
            assertThat(cache.get("kept")).as(name).isEqualTo("1");
            assertThat(cache.putIfAbsent("kept", "other")).isEqualTo("1");
        }
        RMapCache<String, String> bounded = redisson.getMapCache(names.get(0) + "-bounded");
        bounded.setMaxSize(3);
        for (int i = 0; i < 6; i++) {
            bounded.put("k" + i, "v" + i);
        }
        assertThat(bounded.size()).isEqualTo(3);
        assertThat(bounded.readAllKeySet()).containsExactlyInAnyOrder("k3", "k4", "k5");
    }
}
