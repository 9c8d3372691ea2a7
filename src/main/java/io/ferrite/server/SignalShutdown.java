package io.ferrite.server;

import io.ferrite.common.Log;
import sun.misc.Signal;

import java.util.Locale;

/**
 * SIGTERM and SIGINT as Redis 7.0 takes them (sigShutdownHandler, then prepareForShutdown from
 * serverCron): the flags of shutdown-on-sigterm / shutdown-on-sigint, a save when save points are
 * set (or with "save") unless "nosave" or a load is in progress, and a failed save keeps the
 * server running unless "force". A second SIGINT while one is being handled exits at once.
 * <p>
 * The JVM's own handling of these signals (run the shutdown hooks, exit) cannot refuse to exit, so
 * the handlers replace it; where they cannot be installed, Main's shutdown hook remains.
 */
final class SignalShutdown {
    private final Server server;
    private boolean asap;

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
    private synchronized void received(String name, String directive) {
        if (server.isClosed()) {
            return;
        }
        if (asap && name.equals("SIGINT")) {
            Log.warning("You insist... exiting now.");
            Runtime.getRuntime().halt(1);
        }
        Log.warning(server.loading() ? "Received shutdown signal during loading, scheduling shutdown."
            : "Received " + name + " scheduling shutdown...");
        asap = true;
        if (prepare(server.config().get(directive))) {
            server.finishShutdown();
        }
        asap = false;
    }

    /** prepareForShutdown with the directive's flags; false when the server must keep running. */
    private boolean prepare(String flags) {
        boolean save = false;
        boolean nosave = false;
        boolean force = false;
        for (String w : flags.trim().split("\\s+")) {
            switch (w.toLowerCase(Locale.ROOT)) {
                case "save" -> save = true;
                case "nosave" -> nosave = true;
                case "force" -> force = true;
                default -> {
                    // "default" and "now": without replicas, now changes nothing
                }
            }
        }
        Log.warning("User requested shutdown...");
        if (server.loading()) {
            // never save while loading: the file would hold part of the data set
            return true;
        }
        if (save || !nosave && server.rdb().savePointsSet()) {
            Log.notice("Saving the final RDB snapshot before exiting.");
            if (!server.rdb().saveFromOutside()) {
                if (!force) {
                    Log.warning("Error trying to save the DB, can't exit.");
                    Log.warning("Errors trying to shut down the server. Check the logs for more information.");
                    return false;
                }
                Log.warning("Error trying to save the DB. Exit anyway.");
            }
        }
        return true;
    }
}
