package io.ferrite.protocol.resp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Regression guard for request decoding: what one read of 16 pipelined requests costs, per
 * request (redis-benchmark's SET/GET with random 16-byte keys), and a single inline request.
 * Allocation per op (-prof gc) should stay at the argument arrays themselves.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class RespDecoderBench {
    private static final int PIPELINE = 16;

    private RespDecoder decoder;
    private final QueryBuffer query = new QueryBuffer();
    private final List<Object> out = new ArrayList<>();
    private ByteBuf setBatch;
    private ByteBuf getBatch;
    private ByteBuf inline;

    @Setup
    public void setup() {
        RespLimits limits = new RespLimits() {
            @Override
            public long maxBulkLength() {
                return 512L * 1024 * 1024;
            }

            @Override
            public long queryBufferLimit() {
                return 1L << 30;
            }

            @Override
            public boolean authenticated() {
                return true;
            }
        };
        decoder = new RespDecoder(limits, query);
        StringBuilder set = new StringBuilder();
        StringBuilder get = new StringBuilder();
        for (int i = 0; i < PIPELINE; i++) {
            String key = String.format("key:%012d", 31_337 * i % 100_000);
            set.append("*3\r\n$3\r\nSET\r\n$16\r\n").append(key).append("\r\n$3\r\nxxx\r\n");
            get.append("*2\r\n$3\r\nGET\r\n$16\r\n").append(key).append("\r\n");
        }
        setBatch = Unpooled.directBuffer().writeBytes(set.toString().getBytes(StandardCharsets.US_ASCII));
        getBatch = Unpooled.directBuffer().writeBytes(get.toString().getBytes(StandardCharsets.US_ASCII));
        inline = Unpooled.directBuffer().writeBytes("PING\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    private void decode(ByteBuf batch, int requests, Blackhole bh) {
        batch.readerIndex(0);
        decoder.decode(null, batch, out);
        if (out.size() != requests) {
            throw new IllegalStateException("decoded " + out + " instead of " + requests + " requests");
        }
        for (int i = 0; i < out.size(); i++) {
            Object request = out.get(i);
            // as the connection does when it runs a request: it leaves the query buffer's queue
            if (request instanceof byte[][] args) {
                query.started(args);
                query.finished();
            }
            bh.consume(request);
        }
        out.clear();
    }

    @Benchmark
    @OperationsPerInvocation(PIPELINE)
    public void set16(Blackhole bh) {
        decode(setBatch, PIPELINE, bh);
    }

    @Benchmark
    @OperationsPerInvocation(PIPELINE)
    public void get16(Blackhole bh) {
        decode(getBatch, PIPELINE, bh);
    }

    @Benchmark
    public void inlinePing(Blackhole bh) {
        decode(inline, 1, bh);
    }
}
