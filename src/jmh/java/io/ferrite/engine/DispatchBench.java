package io.ferrite.engine;

import io.ferrite.reply.Reply;
import io.ferrite.server.Server;
import io.ferrite.server.ServerConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Regression guard for the per-request work between the decoder and the reply: {@link
 * Dispatcher#process} of a SET and a GET that run inline on the connection's own shard (one
 * shard, no listener). A shard's data may only be touched by its own thread, so each invocation
 * runs {@value #BATCH} requests as one task on the shard's loop; the hand-off is spread over them.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class DispatchBench {
    static final int BATCH = 1024;
    private static final int KEYS = 4096;

    private Server server;
    private Shard shard;
    private Dispatcher dispatcher;
    private BenchSession session;
    private byte[][][] sets;
    private byte[][][] gets;
    private int next;

    @Setup(Level.Trial)
    public void setup() throws Exception {
        ServerConfig cfg = ServerConfig.defaults();
        cfg.set("bind", "127.0.0.1");
        cfg.set("port", "0");
        cfg.set("shards", "1");
        cfg.set("memcached-port", "0");
        cfg.set("metrics-port", "0");
        server = Server.start(cfg);
        shard = server.engine().shard(0);
        dispatcher = server.dispatcher();
        session = new BenchSession(new Client(1, "127.0.0.1:50000", "127.0.0.1:6379", shard, true));
        sets = new byte[KEYS][][];
        gets = new byte[KEYS][][];
        byte[] value = "xxx".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < KEYS; i++) {
            byte[] key = String.format("key:%012d", i * 24_421 % 100_000).getBytes(StandardCharsets.US_ASCII);
            sets[i] = new byte[][] {"SET".getBytes(StandardCharsets.US_ASCII), key, value};
            gets[i] = new byte[][] {"GET".getBytes(StandardCharsets.US_ASCII), key};
        }
        for (int i = 0; i < KEYS; i += BATCH) {
            run(sets);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        shard.loop.submit(session::release).get();
        server.close();
    }

    private void run(byte[][][] requests) throws Exception {
        int from = next;
        next = (next + BATCH) % KEYS;
        shard.loop.submit(() -> {
            for (int i = from; i < from + BATCH; i++) {
                session.buffer.clear();
                if (!dispatcher.process(session, requests[i])) {
                    throw new IllegalStateException("did not run inline");
                }
            }
        }).get();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void set() throws Exception {
        run(sets);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void get() throws Exception {
        run(gets);
    }

    /** The least a connection must offer: a reply buffer on the shard's thread, nothing queued behind. */
    private static final class BenchSession implements Session {
        private final Client client;
        final ByteBuf buffer = PooledByteBufAllocator.DEFAULT.directBuffer(4096);
        private final Reply reply = new Reply(buffer, 2, null);

        BenchSession(Client client) {
            this.client = client;
            client.session = this;
        }

        void release() {
            buffer.release();
        }

        @Override
        public Client client() {
            return client;
        }

        @Override
        public Reply reply() {
            return reply;
        }

        @Override
        public ByteBuf newBuffer() {
            return PooledByteBufAllocator.DEFAULT.directBuffer(128);
        }

        @Override
        public void resume(ByteBuf out) {
            throw new IllegalStateException("a single-shard request resumed");
        }

        @Override
        public void execute(Runnable task) {
            client.home.loop.execute(task);
        }

        @Override
        public void close() {
        }
    }
}
