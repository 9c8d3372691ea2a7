package io.ferrite.memcached;

import io.ferrite.server.Server;
import io.ferrite.testing.TestServers;
import net.spy.memcached.AddrUtil;
import net.spy.memcached.BinaryConnectionFactory;
import net.spy.memcached.CASResponse;
import net.spy.memcached.CASValue;
import net.spy.memcached.ConnectionFactory;
import net.spy.memcached.DefaultConnectionFactory;
import net.spy.memcached.MemcachedClient;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** spymemcached 2.12.3 against Ferrite's memcached port, text and binary, shards 1 and 4. */
class SpymemcachedTest {
    static Stream<Arguments> modes() {
        List<Arguments> a = new ArrayList<>();
        for (int shards : TestServers.shardCounts()) {
            a.add(Arguments.of(shards, "text"));
            a.add(Arguments.of(shards, "binary"));
        }
        return a.stream();
    }

    interface Body {
        void run(MemcachedClient c) throws Exception;
    }

    static void with(int shards, String mode, Body body) throws Exception {
        try (Server s = TestServers.startWithMemcached(shards)) {
            ConnectionFactory f = mode.equals("binary") ? new BinaryConnectionFactory() : new DefaultConnectionFactory();
            MemcachedClient c = new MemcachedClient(f, AddrUtil.getAddresses("127.0.0.1:" + s.memcachedPort()));
            try {
                body.run(c);
            } finally {
                c.shutdown();
            }
        }
    }

    @ParameterizedTest(name = "{0} shards {1}")
    @MethodSource("modes")
    void setGetDelete(int shards, String mode) throws Exception {
        with(shards, mode, c -> {
            assertThat(c.set("k", 0, "v").get()).isTrue();
            assertThat(c.get("k")).isEqualTo("v");
            assertThat(c.add("k", 0, "w").get()).isFalse();
            assertThat(c.replace("k", 0, "w").get()).isTrue();
            assertThat(c.get("k")).isEqualTo("w");
            assertThat(c.replace("nope", 0, "w").get()).isFalse();
            assertThat(c.delete("k").get()).isTrue();
            assertThat(c.delete("k").get()).isFalse();
            assertThat(c.get("k")).isNull();
            Map<String, Object> obj = new HashMap<>();
            obj.put("a", 1);
            assertThat(c.set("obj", 0, obj).get()).isTrue();
            assertThat(c.get("obj")).isEqualTo(obj);
            assertThat(c.set("int", 0, 42).get()).isTrue();
            assertThat(c.get("int")).isEqualTo(42);
        });
    }

    @ParameterizedTest(name = "{0} shards {1}")
    @MethodSource("modes")
    void casAppendPrepend(int shards, String mode) throws Exception {
        with(shards, mode, c -> {
            c.set("k", 0, "mid").get();
            CASValue<Object> v = c.gets("k");
            assertThat(v.getValue()).isEqualTo("mid");
            assertThat(c.cas("k", v.getCas(), "new")).isEqualTo(CASResponse.OK);
            assertThat(c.cas("k", v.getCas(), "again")).isEqualTo(CASResponse.EXISTS);
            assertThat(c.cas("missing", 1, "x")).isEqualTo(CASResponse.NOT_FOUND);
            assertThat(c.append(0, "k", ">>").get()).isTrue();
            assertThat(c.prepend(0, "k", "<<").get()).isTrue();
            assertThat(c.get("k")).isEqualTo("<<new>>");
            assertThat(c.append(0, "missing", "x").get()).isFalse();
        });
    }

    @ParameterizedTest(name = "{0} shards {1}")
    @MethodSource("modes")
    void incrDecr(int shards, String mode) throws Exception {
        with(shards, mode, c -> {
            assertThat(c.incr("n", 1, 10)).isEqualTo(10);
            assertThat(c.incr("n", 5)).isEqualTo(15);
            assertThat(c.decr("n", 20)).isEqualTo(0);
            assertThat(c.incr("missing", 1)).isEqualTo(-1);
            c.set("s", 0, "100").get();
            assertThat(c.decr("s", 1)).isEqualTo(99);
            assertThat(c.incr("s", 1)).isEqualTo(100);
        });
    }

    @ParameterizedTest(name = "{0} shards {1}")
    @MethodSource("modes")
    void bulkGets(int shards, String mode) throws Exception {
        with(shards, mode, c -> {
            List<String> keys = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                c.set("key" + i, 0, "value" + i);
                keys.add("key" + i);
            }
            keys.add("absent");
            Map<String, Object> m = c.getBulk(keys);
            assertThat(m).hasSize(200);
            for (int i = 0; i < 200; i++) {
                assertThat(m.get("key" + i)).isEqualTo("value" + i);
            }
        });
    }

    @ParameterizedTest(name = "{0} shards {1}")
    @MethodSource("modes")
    void touchAndExpiry(int shards, String mode) throws Exception {
        with(shards, mode, c -> {
            c.set("short", 1, "x").get();
            c.set("long", 100, "y").get();
            c.set("touched", 1, "z").get();
            assertThat(c.touch("touched", 100).get()).isTrue();
            assertThat(c.touch("absent", 100).get()).isFalse();
            Thread.sleep(2200);
            assertThat(c.get("short")).isNull();
            assertThat(c.get("long")).isEqualTo("y");
            assertThat(c.get("touched")).isEqualTo("z");
            if (mode.equals("binary")) {
                assertThat(c.getAndTouch("long", 100).getValue()).isEqualTo("y");
            }
            assertThat(c.flush().get()).isTrue();
            assertThat(c.get("long")).isNull();
            assertThat(c.getVersions().values()).contains("1.6.18");
            assertThat(c.getStats().values().iterator().next()).containsKey("curr_connections");
        });
    }
}
