package io.ferrite.scripting;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferrite.testing.FerriteTest;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * BullMQ 6 (on ioredis), unchanged, against Ferrite: a queue with a worker (retries with backoff,
 * delayed and prioritised jobs), a parent/child flow over two queues and a rate-limited worker,
 * all built on BullMQ's Lua scripts, which touch keys they compute. The Node program is
 * redis-compat-tests/clients/bullmq/check.mjs; its packages come from the npm registry with
 * {@code npm ci} (once per build, into target/) at the versions package-lock.json pins.
 */
class BullMqTest extends FerriteTest {
    private static final Path SOURCE = Path.of("redis-compat-tests/clients/bullmq");
    private static final Path WORK = Path.of("target/bullmq");

    @Test
    void queueFlowAndLimiterBehaveAsOnRedis() throws Exception {
        Path dir = installed();
        Process node = new ProcessBuilder("node", "check.mjs", Integer.toString(port()))
            .directory(dir.toFile()).redirectErrorStream(true).start();
        boolean finished = node.waitFor(120, TimeUnit.SECONDS);
        String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!finished) {
            node.destroyForcibly();
        }
        assertThat(finished).as("check.mjs finished; output: %s", out).isTrue();
        assertThat(node.exitValue()).as(out).isZero();
        String json = out.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElseThrow();
        JsonNode result = new ObjectMapper().readTree(json);

        JsonNode jobs = result.path("jobs");
        assertThat(jobs.path("completed").asInt()).as(json).isEqualTo(43);
        assertThat(jobs.path("sum").asInt()).as("2 * (0 + ... + 39)").isEqualTo(1560);
        assertThat(jobs.path("flaky").asInt()).as("the retried job's result").isEqualTo(200);
        assertThat(jobs.path("failures")).as("two failed attempts before it succeeded").hasSize(2);
        assertThat(jobs.path("lateAfterMillis").asLong()).as("the delayed job waited its delay").isGreaterThanOrEqualTo(400);
        JsonNode counts = jobs.path("counts");
        assertThat(List.of(counts.path("completed").asInt(), counts.path("failed").asInt(), counts.path("waiting").asInt(),
            counts.path("delayed").asInt(), counts.path("active").asInt())).containsExactly(43, 0, 0, 0, 0);

        assertThat(result.path("flow").path("total").asInt()).as("the parent summed its children").isEqualTo(15);

        JsonNode limited = result.path("limited");
        assertThat(limited.path("ran").asInt()).isEqualTo(10);
        assertThat(limited.path("spanMillis").asLong()).as("10 jobs at 5 per second need a second window")
            .isGreaterThanOrEqualTo(800);
        // the limiter's counter outlives obliterate on Redis too, until its window's TTL ends
        assertThat(redis.keys("bull:*")).as("obliterate removed every queue's keys")
            .allMatch(k -> k.equals("bull:ferrite-limited:limiter"));
    }

    /** target/bullmq with the pinned packages installed; npm ci runs again only when the lock file changed. */
    private static synchronized Path installed() throws IOException, InterruptedException {
        Files.createDirectories(WORK);
        byte[] lock = Files.readAllBytes(SOURCE.resolve("package-lock.json"));
        Path stamp = WORK.resolve("node_modules/.ferrite-lock");
        boolean current = Files.exists(stamp) && Arrays.equals(Files.readAllBytes(stamp), lock);
        for (String f : List.of("package.json", "package-lock.json", "check.mjs")) {
            Files.copy(SOURCE.resolve(f), WORK.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
        if (!current) {
            Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error")
                .directory(WORK.toFile()).redirectErrorStream(true).start();
            boolean finished = npm.waitFor(300, TimeUnit.SECONDS);
            String out = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(finished && npm.exitValue() == 0).as("npm ci (Node and npm are needed, and the npm registry): %s", out)
                .isTrue();
            Files.write(stamp, lock);
        }
        return WORK;
    }
}
