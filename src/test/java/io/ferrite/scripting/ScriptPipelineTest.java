package io.ferrite.scripting;

import io.ferrite.testing.FerriteTest;
import io.ferrite.testing.RawClient;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scripts pipelined behind each other and between plain commands: the scripts of a pipeline share
 * one hold of every shard, and every reply still comes in request order with each script seeing
 * the writes before it. Cached scripts count in used_memory, as in Redis.
 */
class ScriptPipelineTest extends FerriteTest {
    private static final String INCR_COMPUTED = "return redis.call('incr', 'counter:' .. ARGV[1])";

    @Test
    void pipelinedScriptsAnswerInOrderAndSeeEarlierWrites() {
        RawClient c = raw();
        ByteArrayOutputStream pipeline = new ByteArrayOutputStream();
        int requests = 0;
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            String n = Integer.toString(i % 5);
            pipeline.writeBytes(RawClient.encode("EVAL", INCR_COMPUTED, "0", n));
            requests++;
            expected.append(':').append(i / 5 + 1).append("\r\n");
            if (i % 7 == 0) {
                pipeline.writeBytes(RawClient.encode("SET", "plain:" + i, "v" + i));
                expected.append("+OK\r\n");
                pipeline.writeBytes(RawClient.encode("GET", "counter:" + n));
                requests += 2;
                expected.append('$').append(Integer.toString(i / 5 + 1).length()).append("\r\n").append(i / 5 + 1).append("\r\n");
            }
            if (i % 11 == 0) {
                pipeline.writeBytes(RawClient.encode("EVAL", "return redis.call('nosuchcommand')", "0"));
                requests++;
                expected.append("-ERR Unknown Redis command called from script script: 5d5f2a5b3d1a6c5d3cf1b3ab1a4f9e8e0d7b6b2f,"
                    + " on @user_script:1.\r\n");
            }
        }
        c.send(pipeline.toByteArray());
        StringBuilder got = new StringBuilder();
        for (int r = 0; r < requests; r++) {
            got.append(c.readReply());
        }
        String replies = got.toString();
        // the error names the script's SHA1: compare everything else exactly
        Matcher sha = Pattern.compile("script: ([0-9a-f]{40}),").matcher(replies);
        String normalized = sha.replaceAll("script: 5d5f2a5b3d1a6c5d3cf1b3ab1a4f9e8e0d7b6b2f,");
        assertThat(normalized).isEqualTo(expected.toString());
        for (int n = 0; n < 5; n++) {
            assertThat(redis.get("counter:" + n)).isEqualTo("8");
        }
    }

    @Test
    void cachedScriptsCountInUsedMemoryUntilFlushed() {
        redis.scriptFlush();
        long before = dataMemory();
        for (int i = 0; i < 2000; i++) {
            redis.scriptLoad("return " + i + " + #KEYS -- a script body of some length, padded " + "x".repeat(100));
        }
        long loaded = dataMemory();
        String info = redis.info("memory");
        assertThat(info).contains("number_of_cached_scripts:2000");
        assertThat(loaded - before).as("2000 scripts of about 150 bytes").isGreaterThan(2000L * 150);
        redis.scriptFlush();
        assertThat(dataMemory()).isLessThan(loaded - 2000L * 150);
    }
}
