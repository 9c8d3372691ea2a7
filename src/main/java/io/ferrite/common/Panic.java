package io.ferrite.common;

import java.util.function.Consumer;

/**
 * Redis's serverAssert and serverPanic: a state the server must never be in was found (data
 * loaded with sanitize-dump-payload no turned out corrupt where Redis would trip an assertion),
 * so it reports it in Redis's words and ends, as Redis does with use-exit-on-panic (exit code 1,
 * never a signal). Supervisors and Redis's own tests look for these lines in the log.
 */
public final class Panic {
    /** What ends the server once the report is logged; tests replace it with one that throws. */
    public static volatile Consumer<String> onPanic = why -> Runtime.getRuntime().halt(1);

    private Panic() {
    }

    /** _serverAssert: "=== ASSERTION FAILED ===", where and what was expected. */
    public static void assertionFailed(String where, String expected) {
        Log.warning("=== ASSERTION FAILED ===");
        Log.warning("==> " + where + " '" + expected + "' is not true");
        end(expected);
    }

    /** _serverPanic: the "Guru Meditation" report with its message. */
    public static void guruMeditation(String message, String where) {
        Log.warning("------------------------------------------------");
        Log.warning("!!! Software Failure. Press left mouse button to continue");
        Log.warning("Guru Meditation: " + message + " #" + where);
        end(message);
    }

    private static void end(String why) {
        Log.warning("Ferrite is exiting on this failure (use-exit-on-panic): " + why);
        onPanic.accept(why);
        // a replacement that returns must not let the caller go on with the broken state
        throw new IllegalStateException("panic: " + why);
    }
}
