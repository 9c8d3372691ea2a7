package io.ferrite.server;

import io.ferrite.common.Log;
import io.ferrite.engine.ClientPause;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Redis 7.0's shutdown sequence (server.c prepareForShutdown, isReadyToShutdown, finishShutdown,
 * abortShutdown), for SHUTDOWN and for SIGTERM/SIGINT alike. Unless NOW is asked for or
 * shutdown-timeout is 0, a master whose replicas have not acknowledged the whole stream pauses
 * writes, asks them for an ACK and waits, up to shutdown-timeout seconds, until they have; then it
 * saves (with SAVE, or when save points are set and NOSAVE is not given) and exits. A failed
 * save, or an initial AOF still being written, cancels the shutdown unless FORCE: the waiting
 * SHUTDOWN clients get Redis's error and writes resume. SHUTDOWN ABORT cancels a pending one.
 * <p>
 * Confinement: all of it runs on one thread of its own (Redis's main thread, for this purpose),
 * in the order it was asked for; a SHUTDOWN client waits outside the engine for its answer, so no
 * event loop ever waits for replicas or for the save. Only {@link #millisLeft} and
 * {@link #blockedClients}, for INFO, are read elsewhere.
 */
public final class Shutdown {
    /** How often a pending shutdown looks at its replicas (Redis does it in serverCron, at hz). */
    private static final long CHECK_MILLIS = 10;

    /** SHUTDOWN's flags, or those of shutdown-on-sigterm / shutdown-on-sigint. */
    public record Flags(boolean save, boolean nosave, boolean now, boolean force) {
        /** The words of shutdown-on-sigterm / -sigint ("default", "save", "nosave", "now", "force"). */
        static Flags parse(String words) {
            boolean save = false;
            boolean nosave = false;
            boolean now = false;
            boolean force = false;
            for (String w : words.trim().split("\\s+")) {
                switch (w.toLowerCase(Locale.ROOT)) {
                    case "save" -> save = true;
                    case "nosave" -> nosave = true;
                    case "now" -> now = true;
                    case "force" -> force = true;
                    default -> {
                        // "default": no flag
                    }
                }
            }
            return new Flags(save, nosave, now, force);
        }

        private Flags withoutSave() {
            return new Flags(false, true, now, force);
        }
    }

    /** A SHUTDOWN client waiting for the outcome: told once, false when the shutdown failed or was aborted. */
    public interface Waiter {
        void failed();
    }

    private final Server server;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(
        new DefaultThreadFactory("ferrite-shutdown", true));
    /** The flags of the shutdown in progress (server.shutdown_flags). */
    private Flags flags;
    /** Redis's shutdown_mstime: when a pending shutdown stops waiting for replicas; 0 when none is pending. */
    private volatile long deadline;
    /** A signal asked for a shutdown, not cancelled since (shutdown_asap). */
    private volatile boolean asap;
    private final List<Waiter> waiters = new ArrayList<>();
    private final java.util.concurrent.atomic.AtomicInteger blocked = new java.util.concurrent.atomic.AtomicInteger();
    private ScheduledFuture<?> check;

    Shutdown(Server server) {
        this.server = server;
    }

    /** The server closed: the thread ends once its current task has (it may be the one closing it). */
    void stop() {
        thread.shutdown();
    }

    /** INFO's shutdown_in_milliseconds, or -1 when no shutdown waits for replicas. */
    public long millisLeft() {
        long d = deadline;
        return d == 0 ? -1 : Math.max(0, d - System.currentTimeMillis());
    }

    /** SHUTDOWN clients waiting for a pending shutdown (counted in INFO's blocked_clients, as BLOCKED_SHUTDOWN). */
    public int blockedClients() {
        return blocked.get();
    }

    /**
     * SHUTDOWN (without ABORT) accepted, on the client's thread while its command runs: the client
     * counts as blocked, and writes stop, at once, as Redis's SHUTDOWN pauses them within the
     * command: INFO and a write sent after it see both, whether the shutdown then waits for
     * replicas or saves (finish pauses too); a cancelled shutdown lifts the pause. Answers whether
     * writes were paused already (then no GETACK goes to the replicas). {@link #request} follows.
     */
    public boolean accept() {
        blocked.incrementAndGet();
        ClientPause pause = server.engine().clientPause();
        boolean pausedBefore = pause.active();
        pause.pause(ClientPause.Purpose.SHUTDOWN, Long.MAX_VALUE, false);
        return pausedBefore;
    }

    /** The accepted SHUTDOWN's sequence: the client waits, as Redis blocks it, until the server exits or the shutdown fails. */
    public void request(Flags f, boolean pausedBefore, Waiter waiter) {
        thread.execute(() -> {
            waiters.add(waiter);
            // a second SHUTDOWN while one is pending only waits with it (prepareForShutdown answers C_ERR)
            prepare(f, pausedBefore);
        });
    }

    /** SIGTERM or SIGINT, with the flags of its directive (serverCron's shutdown_asap). */
    void signalled(String directive) {
        asap = true;
        thread.execute(() -> {
            // SHUTDOWN ABORT may have come first
            if (asap && deadline == 0) {
                prepare(Flags.parse(server.config().get(directive)), server.engine().clientPause().active());
            }
        });
    }

    /** Whether a signal's shutdown is under way (a second SIGINT then exits at once). */
    boolean signalPending() {
        return asap;
    }

    /** SHUTDOWN ABORT; {@code answer} gets whether there was a shutdown to abort. */
    public void abort(java.util.function.Consumer<Boolean> answer) {
        thread.execute(() -> {
            boolean was;
            if (deadline != 0) {
                cancel();
                was = true;
            } else if (asap) {
                asap = false;
                was = true;
            } else {
                was = false;
            }
            if (was) {
                Log.notice("Shutdown manually aborted.");
            }
            answer.accept(was);
        });
    }

    /**
     * prepareForShutdown: waits for the replicas when they lag, else finishes at once;
     * {@code pausedBefore}: writes were paused already (CLIENT PAUSE), so no GETACK is sent.
     */
    private void prepare(Flags f, boolean pausedBefore) {
        if (deadline != 0) {
            return;
        }
        if (server.loading()) {
            // never save while loading: the file would hold part of the data set
            f = f.withoutSave();
        }
        flags = f;
        Log.warning("User requested shutdown...");
        long timeout = server.config().getLong("shutdown-timeout");
        if (!f.now() && timeout != 0 && !server.replication().replicasInSync()) {
            deadline = System.currentTimeMillis() + timeout * 1000;
            ClientPause pause = server.engine().clientPause();
            if (!pausedBefore) {
                server.replication().requestAcks();
            }
            pause.pause(ClientPause.Purpose.SHUTDOWN, Long.MAX_VALUE, false);
            Log.notice("Waiting for replicas before shutting down.");
            check = thread.scheduleWithFixedDelay(this::checkReplicas, CHECK_MILLIS, CHECK_MILLIS, TimeUnit.MILLISECONDS);
            return;
        }
        finish();
    }

    /** serverCron's part: the replicas caught up, or the time is up. */
    private void checkReplicas() {
        if (deadline == 0) {
            return;
        }
        if (System.currentTimeMillis() >= deadline || server.replication().replicasInSync()) {
            finish();
        }
    }

    /** finishShutdown: the replicas reported, the files written, the server closed; or, on an error, the shutdown cancelled. */
    private void finish() {
        boolean force = flags.force();
        server.replication().reportAtShutdown();
        // what is saved is what clients were told: no write runs from here (Redis runs none while it saves)
        server.engine().clientPause().pause(ClientPause.Purpose.SHUTDOWN, Long.MAX_VALUE, false);
        if (server.aof().writingInitialFile()) {
            if (!force) {
                Log.warning("Writing initial AOF, can't exit.");
                failed();
                return;
            }
            Log.warning("Writing initial AOF. Exit anyway.");
        }
        if (server.aof().rewriting()) {
            // the AOF already written holds the whole data set: the rewrite stops when the server closes
            Log.warning("There is a child rewriting the AOF. Killing it!");
        }
        if (server.aof().enabled()) {
            // the server's closing writes and fsyncs every effect appended so far
            Log.notice("Calling fsync() on the AOF file.");
        }
        if (flags.save() || !flags.nosave() && server.rdb().savePointsSet()) {
            Log.notice("Saving the final RDB snapshot before exiting.");
            if (!server.rdb().saveFromOutside()) {
                if (!force) {
                    Log.warning("Error trying to save the DB, can't exit.");
                    failed();
                    return;
                }
                Log.warning("Error trying to save the DB. Exit anyway.");
            }
        }
        server.finishShutdown();
    }

    private void failed() {
        Log.warning("Errors trying to shut down the server. Check the logs for more information.");
        cancel();
    }

    /** cancelShutdown: the waiting clients get Redis's error, writes resume. */
    private void cancel() {
        asap = false;
        flags = null;
        deadline = 0;
        if (check != null) {
            check.cancel(false);
            check = null;
        }
        blocked.addAndGet(-waiters.size());
        for (Waiter w : waiters) {
            w.failed();
        }
        waiters.clear();
        server.engine().clientPause().unpause(ClientPause.Purpose.SHUTDOWN);
    }
}
