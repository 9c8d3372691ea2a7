package io.ferrite.testing;

import io.ferrite.common.Panic;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.function.Consumer;

/**
 * For tests of code that may panic (Redis's assertion on data loaded with sanitize-dump-payload
 * no): while each test runs, a panic throws {@link Panicked} instead of ending the JVM.
 */
public final class CatchPanics implements BeforeEachCallback, AfterEachCallback {
    /** What a panic throws during the test. */
    public static final class Panicked extends RuntimeException {
        Panicked(String why) {
            super(why, null, false, false);
        }
    }

    private Consumer<String> saved;

    @Override
    public void beforeEach(ExtensionContext context) {
        saved = Panic.onPanic;
        Panic.onPanic = why -> {
            throw new Panicked(why);
        };
    }

    @Override
    public void afterEach(ExtensionContext context) {
        Panic.onPanic = saved;
    }
}
