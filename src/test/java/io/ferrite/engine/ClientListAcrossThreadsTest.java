package io.ferrite.engine;

import io.ferrite.testing.FerriteTest;
import io.ferrite.testing.RawClient;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static io.ferrite.testing.Replies.OK;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * CLIENT LIST of a client that is busy on another thread reads only what that client's thread
 * publishes: while it queues commands inside MULTI, its multi= and multi-mem= always agree.
 */
class ClientListAcrossThreadsTest extends FerriteTest {
    @Test
    void multiFiguresOfABusyClientAgree() throws Exception {
        RawClient a = raw();
        String id = idOf(a);
        a.call("MULTI");
        AtomicBoolean queueing = new AtomicBoolean(true);
        AtomicInteger lists = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        java.util.List<Future<String>> listers = new java.util.ArrayList<>();
        for (int l = 0; l < 3; l++) {
            listers.add(pool.submit(() -> {
                try (RawClient b = new RawClient("127.0.0.1", port())) {
                    while (queueing.get()) {
                        String line = b.call("CLIENT", "LIST", "ID", id);
                        long multi = field(line, "multi");
                        long mem = field(line, "multi-mem");
                        lists.incrementAndGet();
                        // every queued command is SET kk vv: 7 bytes of arguments
                        if (mem != 7 * multi) {
                            return line;
                        }
                    }
                }
                return null;
            }));
        }
        byte[] set = RawClient.encode("SET", "kk", "vv");
        for (int round = 0; round < 100; round++) {
            ByteArrayOutputStream batch = new ByteArrayOutputStream();
            for (int i = 0; i < 500; i++) {
                batch.writeBytes(set);
            }
            a.send(batch.toByteArray());
            for (int i = 0; i < 500; i++) {
                assertThat(a.readReply()).isEqualTo("+QUEUED\r\n");
            }
        }
        queueing.set(false);
        for (Future<String> lister : listers) {
            assertThat(lister.get(30, TimeUnit.SECONDS)).isNull();
        }
        pool.shutdown();
        assertThat(lists.get()).isPositive();
        assertThat(a.call("DISCARD")).isEqualTo(OK);
    }

    private static long field(String reply, String name) {
        for (String kv : reply.trim().split(" ")) {
            if (kv.startsWith(name + "=")) {
                return Long.parseLong(kv.substring(name.length() + 1));
            }
        }
        throw new AssertionError("no " + name + " in " + reply);
    }
}
