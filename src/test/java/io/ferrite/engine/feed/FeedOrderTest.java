package io.ferrite.engine.feed;

import io.ferrite.server.Server;
import io.ferrite.testing.FerriteTest;
import io.ferrite.testing.RawClient;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The feed of a running server: what it holds, and that its order agrees with what clients observed. */
class FeedOrderTest extends FerriteTest {
    private static String text(FeedEntry e) {
        StringBuilder sb = new StringBuilder();
        for (byte[] a : e.argv()) {
            sb.append(sb.isEmpty() ? "" : " ").append(new String(a, StandardCharsets.ISO_8859_1));
        }
        return sb.toString();
    }

    private static List<String> drain(FeedSubscription s) {
        List<String> out = new ArrayList<>();
        s.drain(e -> out.add(e.db() + " " + text(e)));
        return out;
    }

    /** A key owned by a shard other than {@code other}'s (any key with one shard). */
    private static String keyApartFrom(Server s, String other, String prefix) {
        for (int i = 0; ; i++) {
            String k = prefix + i;
            if (s.engine().shardCount() == 1
                || s.engine().shardOf(k.getBytes(StandardCharsets.US_ASCII)) != s.engine().shardOf(other.getBytes(StandardCharsets.US_ASCII))) {
                return k;
            }
        }
    }

    @Test
    void nothingIsRecordedWhileNobodySubscribes() {
        Server own = ownServer(Map.of());
        RawClient c = raw(own.respPort());
        c.call("SET", "before", "1");
        assertThat(own.engine().feed().active()).isFalse();
        try (FeedSubscription s = own.engine().feed().subscribe()) {
            c.call("SET", "after", "1");
            c.call("GET", "after");
            c.call("SELECT", "2");
            c.call("DEL", "nothing");
            c.call("RPUSH", "l", "a");
            assertThat(drain(s)).containsExactly("0 SET after 1", "2 RPUSH l a");
        }
        assertThat(own.engine().feed().active()).isFalse();
    }

    /**
     * A value one client wrote, which another client read and copied to a key of another shard:
     * the copy's effect must come after the write it copied, whatever shards ran them.
     */
    @Test
    void anEffectAClientSawPrecedesTheEffectsItCaused() throws Exception {
        Server own = ownServer(Map.of());
        String source = "src";
        String copy = keyApartFrom(own, source, "copy");
        int rounds = 300;
        try (FeedSubscription s = own.engine().feed().subscribe()) {
            Thread writer = new Thread(() -> {
                try (RawClient w = new RawClient("127.0.0.1", own.respPort())) {
                    for (int i = 1; i <= rounds; i++) {
                        w.call("SET", source, Integer.toString(i));
                    }
                }
            });
            writer.start();
            try (RawClient r = new RawClient("127.0.0.1", own.respPort())) {
                while (writer.isAlive()) {
                    String v = r.call("GET", source);
                    if (v.startsWith("$") && !v.startsWith("$-1")) {
                        r.call("SET", copy, v.split("\r\n")[1]);
                    }
                }
            }
            writer.join();
            Map<String, Integer> writtenAt = new HashMap<>();
            List<String> feed = drain(s);
            for (int i = 0; i < feed.size(); i++) {
                String[] w = feed.get(i).split(" ");
                if (w[2].equals(source)) {
                    writtenAt.put(w[3], i);
                } else {
                    assertThat(writtenAt).as("the write of %s before its copy at %d", w[3], i).containsKey(w[3]);
                }
            }
            assertThat(writtenAt).hasSize(rounds);
        }
    }

    /** An EXEC over several shards comes out whole, between MULTI and EXEC, while other clients write the same keys. */
    @Test
    void anExecIsContiguousAmongConcurrentWrites() throws Exception {
        Server own = ownServer(Map.of());
        String a = "a";
        String b = keyApartFrom(own, a, "b");
        try (FeedSubscription s = own.engine().feed().subscribe()) {
            Thread other = new Thread(() -> {
                try (RawClient w = new RawClient("127.0.0.1", own.respPort())) {
                    for (int i = 0; i < 500; i++) {
                        w.call("INCR", i % 2 == 0 ? a : b);
                    }
                }
            });
            other.start();
            try (RawClient t = new RawClient("127.0.0.1", own.respPort())) {
                for (int i = 0; i < 100; i++) {
                    t.call("MULTI");
                    t.call("INCRBY", a, "1000");
                    t.call("INCRBY", b, "1000");
                    t.call("EXEC");
                }
            }
            other.join();
            List<String> feed = drain(s);
            int groups = 0;
            for (int i = 0; i < feed.size(); i++) {
                if (feed.get(i).endsWith(" MULTI")) {
                    assertThat(feed.subList(i + 1, i + 4)).containsExactly("0 INCRBY " + a + " 1000", "0 INCRBY " + b + " 1000",
                        "0 EXEC");
                    groups++;
                    i += 3;
                } else {
                    assertThat(feed.get(i)).startsWith("0 INCR ");
                }
            }
            assertThat(groups).isEqualTo(100);
        }
    }

    /** Under lazyfree-lazy-expire, keys deleted for their TTL propagate as UNLINK, as Redis 7.0 propagates them. */
    @Test
    void lazyfreeLazyExpireDeletesAsUnlink() throws Exception {
        Server own = ownServer(Map.of("lazyfree-lazy-expire", "yes"));
        RawClient c = raw(own.respPort());
        try (FeedSubscription s = own.engine().feed().subscribe()) {
            c.call("DEBUG", "SET-ACTIVE-EXPIRE", "0");
            c.call("SET", "k", "v");
            c.call("EXPIRE", "k", "-1");
            c.call("SET", "e", "v", "PXAT", "1");
            c.call("GET", "e");
            c.call("SET", "g", "v");
            c.call("GETEX", "g", "PXAT", "1");
            assertThat(drain(s)).containsExactly("0 SET k v", "0 UNLINK k", "0 SET e v PXAT 1", "0 UNLINK e", "0 SET g v",
                "0 UNLINK g");
        }
    }

    /** SPOP with a count propagates one SREM per member it popped, the members the client received. */
    @Test
    void spopWithACountRemovesTheMembersItReplied() {
        Server own = ownServer(Map.of());
        RawClient c = raw(own.respPort());
        c.call("SADD", "s", "a", "b", "c", "d", "e");
        try (FeedSubscription s = own.engine().feed().subscribe()) {
            String reply = c.call("SPOP", "s", "3");
            List<String> popped = new ArrayList<>();
            String[] lines = reply.split("\r\n");
            for (int i = 2; i < lines.length; i += 2) {
                popped.add("0 SREM s " + lines[i]);
            }
            List<String> feed = drain(s);
            assertThat(feed).hasSize(5);
            assertThat(feed.get(0)).isEqualTo("0 MULTI");
            assertThat(feed.subList(1, 4)).containsExactlyInAnyOrderElementsOf(popped);
            assertThat(feed.get(4)).isEqualTo("0 EXEC");
        }
    }
}
