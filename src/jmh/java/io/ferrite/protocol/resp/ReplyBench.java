package io.ferrite.protocol.resp;

import io.ferrite.reply.Reply;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.util.concurrent.TimeUnit;

/**
 * Regression guard for reply encoding into a connection's pooled direct buffer: the replies of
 * SET, GET, INCR and LPUSH/HSET, and a small array. None of them should allocate.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ReplyBench {
    private ByteBuf buf;
    private Reply reply;
    private final byte[] value = "xxx".getBytes();
    private final byte[] value100 = new byte[100];
    private long counter = 1_000_000;

    @Setup
    public void setup() {
        buf = PooledByteBufAllocator.DEFAULT.directBuffer(4096);
        reply = new Reply(buf, 2, null);
    }

    @TearDown
    public void tearDown() {
        buf.release();
    }

    @Benchmark
    public ByteBuf ok() {
        buf.clear();
        reply.ok();
        return buf;
    }

    @Benchmark
    public ByteBuf bulk3() {
        buf.clear();
        reply.bulk(value);
        return buf;
    }

    @Benchmark
    public ByteBuf bulk100() {
        buf.clear();
        reply.bulk(value100);
        return buf;
    }

    @Benchmark
    public ByteBuf nil() {
        buf.clear();
        reply.nil();
        return buf;
    }

    @Benchmark
    public ByteBuf smallInteger() {
        buf.clear();
        reply.integer(1);
        return buf;
    }

    @Benchmark
    public ByteBuf largeInteger() {
        buf.clear();
        reply.integer(counter++);
        return buf;
    }

    @Benchmark
    public ByteBuf array4() {
        buf.clear();
        reply.array(4);
        for (int i = 0; i < 4; i++) {
            reply.bulk(value);
        }
        return buf;
    }
}
