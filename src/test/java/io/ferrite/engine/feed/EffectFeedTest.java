package io.ferrite.engine.feed;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;

/** The feed as a data structure: activity, one order for every subscriber, contiguous groups, expiry deletions. */
class EffectFeedTest {
    private static byte[][] argv(String... words) {
        byte[][] a = new byte[words.length][];
        for (int i = 0; i < words.length; i++) {
            a[i] = words[i].getBytes(StandardCharsets.US_ASCII);
        }
        return a;
    }

    private static String text(FeedEntry e) {
        StringBuilder sb = new StringBuilder().append(e.db());
        for (byte[] a : e.argv()) {
            sb.append(' ').append(new String(a, StandardCharsets.US_ASCII));
        }
        return sb.toString();
    }

    @Test
    void activeOnlyWhileSomeoneSubscribes() {
        EffectFeed feed = new EffectFeed(16);
        assertThat(feed.active()).isFalse();
        FeedSubscription a = feed.subscribe();
        FeedSubscription b = feed.subscribe();
        assertThat(feed.active()).isTrue();
        a.close();
        assertThat(feed.active()).isTrue();
        b.close();
        assertThat(feed.active()).isFalse();
    }

    @Test
    void aSubscriberSeesOnlyWhatCameAfterIt() {
        EffectFeed feed = new EffectFeed(16);
        FeedSubscription early = feed.subscribe();
        commit(feed, 0, "SET a 1");
        FeedSubscription late = feed.subscribe();
        commit(feed, 1, "SET b 2");
        List<String> e = new ArrayList<>();
        early.drain(x -> e.add(text(x)));
        List<String> l = new ArrayList<>();
        late.drain(x -> l.add(text(x)));
        assertThat(e).containsExactly("0 SET a 1", "1 SET b 2");
        assertThat(l).containsExactly("1 SET b 2");
        assertThat(late.poll()).isNull();
    }

    private static void commit(EffectFeed feed, int db, String... commands) {
        Effects u = feed.unit(false);
        for (String c : commands) {
            u.add(db, argv(c.split(" ")));
        }
        u.commit();
    }

    @Test
    void aUnitOfSeveralIsWrappedInMultiExecAndOfOneIsNot() {
        EffectFeed feed = new EffectFeed(16);
        FeedSubscription s = feed.subscribe();
        commit(feed, 2, "SREM s a", "SREM s b");
        commit(feed, 2, "SET x 1");
        commit(feed, 2);
        List<String> got = new ArrayList<>();
        s.drain(x -> got.add(x.kind() + " " + text(x)));
        assertThat(got).containsExactly("MULTI 2 MULTI", "COMMAND 2 SREM s a", "COMMAND 2 SREM s b", "EXEC 2 EXEC",
            "COMMAND 2 SET x 1");
    }

    @Test
    void theMemcachedNamespaceIsNotPropagated() {
        EffectFeed feed = new EffectFeed(16);
        FeedSubscription s = feed.subscribe();
        commit(feed, 16, "SET m 1");
        feed.expired(16, "m".getBytes(StandardCharsets.US_ASCII));
        assertThat(s.poll()).isNull();
    }

    @Test
    void anExpiredKeyJoinsTheUnitOpenOnTheThreadOrGoesAlone() {
        EffectFeed feed = new EffectFeed(16);
        FeedSubscription s = feed.subscribe();
        feed.expired(0, "a".getBytes(StandardCharsets.US_ASCII));
        Effects u = feed.unit(false);
        Effects before = feed.enter(u);
        feed.expired(0, "b".getBytes(StandardCharsets.US_ASCII));
        feed.exit(before);
        u.add(0, argv("SET", "b", "1"));
        u.commit();
        feed.lazyExpire(() -> true);
        feed.expired(3, "c".getBytes(StandardCharsets.US_ASCII));
        List<String> got = new ArrayList<>();
        s.drain(x -> got.add(text(x)));
        assertThat(got).containsExactly("0 DEL a", "0 MULTI", "0 DEL b", "0 SET b 1", "0 EXEC", "3 UNLINK c");
    }

    /**
     * Many threads append at once: every subscriber sees the same order, numbered without gaps,
     * each thread's units in its own order, and every group whole, with nothing inside it but its own.
     */
    @Test
    void concurrentAppendsFormOneOrderWithWholeGroups() throws Exception {
        EffectFeed feed = new EffectFeed(16);
        FeedSubscription a = feed.subscribe();
        FeedSubscription b = feed.subscribe();
        int threads = 4;
        int units = 10_000;
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread th = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < units; i++) {
                    if (i % 3 == 0) {
                        commit(feed, id, "G " + id + " " + i, "G " + id + " " + i, "G " + id + " " + i);
                    } else {
                        commit(feed, id, "C " + id + " " + i);
                    }
                }
            });
            ts.add(th);
            th.start();
        }
        start.countDown();
        List<FeedEntry> seenA = new ArrayList<>();
        while (ts.stream().anyMatch(Thread::isAlive)) {
            a.drain(seenA::add);
            Thread.sleep(1);
        }
        for (Thread th : ts) {
            th.join();
        }
        a.drain(seenA::add);
        List<FeedEntry> seenB = new ArrayList<>();
        b.drain(seenB::add);
        assertThat(seenB).containsExactlyElementsOf(seenA);
        int perThreadEntries = units + 4 * ((units + 2) / 3);
        assertThat(seenA).hasSize(threads * perThreadEntries);
        int[] next = new int[threads];
        for (int k = 0; k < seenA.size(); k++) {
            FeedEntry e = seenA.get(k);
            assertThat(e.seq()).isEqualTo(seenA.get(0).seq() + k);
            if (e.kind() == FeedEntry.Kind.MULTI) {
                String first = text(seenA.get(k + 1));
                assertThat(text(seenA.get(k + 2))).isEqualTo(first);
                assertThat(text(seenA.get(k + 3))).isEqualTo(first);
                assertThat(seenA.get(k + 4).kind()).isEqualTo(FeedEntry.Kind.EXEC);
                k += 4;
                String[] w = first.split(" ");
                assertThat(Integer.parseInt(w[3])).isEqualTo(next[e.db()]++);
            } else {
                String[] w = text(e).split(" ");
                assertThat(w[1]).isEqualTo("C");
                assertThat(Integer.parseInt(w[3])).isEqualTo(next[e.db()]++);
            }
        }
    }

    @Test
    void aWaitingReaderWakesWhenAnEntryComesAndGivesUpAfterItsTimeout() throws Exception {
        EffectFeed feed = new EffectFeed(16);
        FeedSubscription s = feed.subscribe();
        assertThat(s.take(20, java.util.concurrent.TimeUnit.MILLISECONDS)).isNull();
        Thread writer = new Thread(() -> {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            }
            commit(feed, 0, "SET a 1");
        });
        long t0 = System.nanoTime();
        writer.start();
        FeedEntry e = s.take(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(text(e)).isEqualTo("0 SET a 1");
        assertThat(System.nanoTime() - t0).isLessThan(java.util.concurrent.TimeUnit.SECONDS.toNanos(5));
        writer.join();
    }
}
