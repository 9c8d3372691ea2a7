package io.ferrite.server;

import io.ferrite.common.Log;
import sun.misc.Signal;

/**
 * SIGTERM and SIGINT as Redis 7.0 takes them (sigShutdownHandler): the signal is logged and the
 * shutdown sequence started with the flags of shutdown-on-sigterm / shutdown-on-sigint (see
 * {@link Shutdown}: it may wait for lagging replicas, and a failed save keeps the server running
 * unless "force"). A second SIGINT while one is being handled exits at once.
 * <p>
 * The JVM's own handling of these signals (run the shutdown hooks, exit) cannot refuse to exit, so
 * the handlers replace it; where they cannot be installed, Main's shutdown hook remains.
 */
final class SignalShutdown {
    private final Server server;

    private SignalShutdown(Server server) {
        this.server = server;
    }

    /** Takes over SIGTERM and SIGINT; false when the platform does not let it. */
    static boolean install(Server server) {
        SignalShutdown s = new SignalShutdown(server);
        try {
            Signal.handle(new Signal("TERM"), sig -> s.received("SIGTERM", "shutdown-on-sigterm"));
            Signal.handle(new Signal("INT"), sig -> s.received("SIGINT", "shutdown-on-sigint"));
            return true;
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** Runs on a thread of the JVM's own for each signal received. */
    private void received(String name, String directive) {
        if (server.isClosed()) {
            return;
        }
        if (name.equals("SIGINT") && server.shutdown().signalPending()) {
            Log.warning("You insist... exiting now.");
            Runtime.getRuntime().halt(1);
        }
        Log.warning(server.loading() ? "Received shutdown signal during loading, scheduling shutdown."
            : "Received " + name + " scheduling shutdown...");
        server.shutdown().signalled(directive);
    }
}
