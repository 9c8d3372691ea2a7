package io.ferrite.compat;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The real redis-server a comparison test runs against: started on a free port, or, when none is
 * installed, a failure under CI=true and a visible skip elsewhere. Kept apart from
 * {@link RedisProcess}, which CompatRunner compiles without JUnit.
 */
final class ReferenceRedis {
    private ReferenceRedis() {
    }

    /** Starts the reference server; {@code purpose} completes "redis-server not found: ...". */
    static RedisProcess start(String purpose) throws Exception {
        Path exe = RedisProcess.findExecutable();
        if (exe == null) {
            String msg = "redis-server not found: " + purpose;
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(msg);
            }
            Assumptions.abort(msg);
        }
        return RedisProcess.start(exe);
    }
}
