package io.ferrite.engine;

import io.ferrite.testing.FerriteTest;
import io.ferrite.testing.RawClient;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static io.ferrite.testing.Replies.NIL;
import static io.ferrite.testing.Replies.NO_SUCH_KEY;
import static io.ferrite.testing.Replies.OK;
import static io.ferrite.testing.Replies.ONE;
import static io.ferrite.testing.Replies.bulk;
import static io.ferrite.testing.Replies.integer;
import static org.assertj.core.api.Assertions.assertThat;

/** Pipelined requests whose keys live on different shards are answered in request order. */
class PipelineOrderTest extends FerriteTest {
    @Test
    void repliesFollowRequestOrder() {
        RawClient c = raw();
        ByteArrayOutputStream batch = new ByteArrayOutputStream();
        int n = 2000;
        for (int i = 0; i < n; i++) {
            batch.writeBytes(RawClient.encode("SET", "key" + i, "v" + i));
            batch.writeBytes(RawClient.encode("GET", "key" + (i / 2)));
            if (i % 100 == 0) {
                batch.writeBytes(RawClient.encode("MSET", "x" + i, "1", "y" + i, "2", "z" + i, "3"));
                batch.writeBytes(RawClient.encode("PING"));
            }
        }
        c.send(batch.toByteArray());
        for (int i = 0; i < n; i++) {
            assertThat(c.readReply()).isEqualTo(OK);
            String v = "v" + (i / 2);
            assertThat(c.readReply()).isEqualTo("$" + v.length() + "\r\n" + v + "\r\n");
            if (i % 100 == 0) {
                assertThat(c.readReply()).isEqualTo(OK);
                assertThat(c.readReply()).isEqualTo("+PONG\r\n");
            }
        }
    }

    @Test
    void aConnectionThatMovesToAnotherShardKeepsItsStateAndOrder() {
        RawClient c = raw();
        c.call("SELECT", "3");
        c.call("CLIENT", "SETNAME", "mover");
        // a long run of requests for one key, each answered before the next: the connection migrates
        for (int i = 0; i < 300; i++) {
            assertThat(c.call("INCR", "{hot}counter")).isEqualTo(":" + (i + 1) + "\r\n");
        }
        assertThat(c.call("CLIENT", "GETNAME")).isEqualTo(bulk("mover"));
        assertThat(c.call("GET", "{hot}counter")).isEqualTo(bulk("300"));
        assertThat(c.call("MSET", "a", "1", "b", "2", "c", "3", "d", "4")).isEqualTo(OK);
        c.call("MULTI");
        c.call("INCR", "a");
        c.call("INCR", "{hot}counter");
        assertThat(c.call("EXEC")).isEqualTo("*2\r\n:2\r\n:301\r\n");
        ByteArrayOutputStream batch = new ByteArrayOutputStream();
        for (int i = 0; i < 500; i++) {
            batch.writeBytes(RawClient.encode("SET", "k" + i, "v" + i));
            batch.writeBytes(RawClient.encode("GET", "k" + i));
        }
        c.send(batch.toByteArray());
        for (int i = 0; i < 500; i++) {
            assertThat(c.readReply()).isEqualTo(OK);
            assertThat(c.readReply()).isEqualTo("$" + ("v" + i).length() + "\r\nv" + i + "\r\n");
        }
        assertThat(raw().call("GET", "{hot}counter")).isEqualTo(NIL);
    }

    @Test
    void pipelinedMultiKeyCommandsSeeEachOthersWritesInOrder() {
        RawClient c = raw();
        ByteArrayOutputStream batch = new ByteArrayOutputStream();
        int n = 300;
        // runs of multi-key commands over several shards (squashed into one chain), broken up by
        // single-key ones and errors; each command must see exactly the writes before it
        for (int i = 0; i < n; i++) {
            batch.writeBytes(RawClient.encode("MSET", "a", "" + i, "b", "" + i, "c" + i, "" + i));
            batch.writeBytes(RawClient.encode("MGET", "a", "b", "c" + i, "c" + (i - 1)));
            batch.writeBytes(RawClient.encode("DEL", "b", "c" + (i - 1), "nosuchkey"));
            batch.writeBytes(RawClient.encode("RENAME", "a", "d"));
            batch.writeBytes(RawClient.encode("RENAME", "a", "d"));
            if (i % 7 == 0) {
                batch.writeBytes(RawClient.encode("INCR", "d"));
            }
        }
        c.send(batch.toByteArray());
        for (int i = 0; i < n; i++) {
            String v = "" + i;
            String prev = i == 0 ? NIL : "$" + ("" + (i - 1)).length() + "\r\n" + (i - 1) + "\r\n";
            String bulk = "$" + v.length() + "\r\n" + v + "\r\n";
            assertThat(c.readReply()).isEqualTo(OK);
            assertThat(c.readReply()).isEqualTo("*4\r\n" + bulk + bulk + bulk + prev);
            assertThat(c.readReply()).isEqualTo(i == 0 ? ONE : integer(2));
            assertThat(c.readReply()).isEqualTo(OK);
            assertThat(c.readReply()).isEqualTo(NO_SUCH_KEY);
            if (i % 7 == 0) {
                assertThat(c.readReply()).isEqualTo(":" + (i + 1) + "\r\n");
            }
        }
        assertThat(raw().call("MGET", "a", "b", "d", "c" + (n - 1))).isEqualTo("*4\r\n$-1\r\n$-1\r\n$3\r\n299\r\n$3\r\n299\r\n");
    }

    @Test
    void inlineAndMultibulkMix() {
        RawClient c = raw();
        c.send("SET a 1\r\n*2\r\n$3\r\nGET\r\n$1\r\na\r\nINCR a\r\n  \r\nget    a\n");
        assertThat(c.readReply()).isEqualTo(OK);
        assertThat(c.readReply()).isEqualTo(bulk("1"));
        assertThat(c.readReply()).isEqualTo(integer(2));
        assertThat(c.readReply()).isEqualTo(bulk("2"));
    }

    /**
     * Redis runs a connection's commands one after another, so a reader that sees a pipelined
     * {@code LPUSH q i} must also see the {@code SET k:i} sent ahead of it, although the two keys
     * live on different shards: readers popping with BLPOP, LPOP and RPOP must always find k:i.
     */
    @Test
    void pipelinedWritesBecomeVisibleInRequestOrder() throws Exception {
        int rounds = 60_000;
        int chunk = 100;
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicReference<String> violation = new AtomicReference<>();
        AtomicInteger popped = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(6);
        List<Future<?>> readers = new ArrayList<>();
        for (String pop : new String[] {"BLPOP", "BLPOP", "LPOP", "RPOP"}) {
            readers.add(pool.submit(() -> {
                try (RawClient r = new RawClient("127.0.0.1", port())) {
                    while (violation.get() == null && (writing.get() || popped.get() < rounds)) {
                        String reply = pop.equals("BLPOP") ? r.call("BLPOP", "q", "0.05") : r.call(pop, "q");
                        String i = lastBulk(reply);
                        if (i == null) {
                            continue;
                        }
                        popped.incrementAndGet();
                        String v = r.call("GET", "k:" + i);
                        if (!v.equals("$" + i.length() + "\r\n" + i + "\r\n")) {
                            violation.compareAndSet(null, pop + " popped " + i + " but GET k:" + i + " answered " + v.trim());
                        }
                    }
                }
                return null;
            }));
        }
        RawClient w = raw();
        for (int from = 0; from < rounds && violation.get() == null; from += chunk) {
            ByteArrayOutputStream batch = new ByteArrayOutputStream();
            for (int i = from; i < from + chunk; i++) {
                batch.writeBytes(RawClient.encode("SET", "k:" + i, "" + i));
                batch.writeBytes(RawClient.encode("LPUSH", "q", "" + i));
            }
            w.send(batch.toByteArray());
            for (int i = 0; i < 2 * chunk; i++) {
                w.readReply();
            }
        }
        writing.set(false);
        for (Future<?> f : readers) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertThat(violation.get()).isNull();
    }

    /** The last bulk string of a reply (BLPOP's value, LPOP's element), or null for a nil reply. */
    private static String lastBulk(String reply) {
        if (reply.startsWith("*-1") || reply.startsWith("$-1")) {
            return null;
        }
        String[] lines = reply.split("\r\n");
        return lines[lines.length - 1];
    }
}
