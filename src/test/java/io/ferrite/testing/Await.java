package io.ferrite.testing;

import java.util.function.BooleanSupplier;

/** Waiting in tests for something a server does on its own time (a save ending, a replica syncing). */
public final class Await {
    private Await() {
    }

    /** Polls {@code condition} every 20 ms for up to 30 s; fails naming {@code what} if it never held. */
    public static void until(BooleanSupplier condition, String what) throws InterruptedException {
        until(condition, what, java.time.Duration.ofSeconds(30));
    }

    /** Polls {@code condition} every 20 ms for up to {@code limit} (for what runs at another program's pace). */
    public static void until(BooleanSupplier condition, String what, java.time.Duration limit)
            throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }
}
