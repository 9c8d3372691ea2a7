package io.ferrite.testing;

import java.util.function.BooleanSupplier;

/** Waiting in tests for something a server does on its own time (a save ending, a replica syncing). */
public final class Await {
    private Await() {
    }

    /** Polls {@code condition} every 20 ms for up to 30 s; fails naming {@code what} if it never held. */
    public static void until(BooleanSupplier condition, String what) throws InterruptedException {
        for (int i = 0; i < 1500; i++) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("timed out waiting for " + what);
    }
}
