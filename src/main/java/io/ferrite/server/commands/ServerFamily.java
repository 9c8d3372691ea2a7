package io.ferrite.server.commands;

import io.ferrite.engine.command.Call;
import io.ferrite.engine.command.CommandRegistry;
import io.ferrite.engine.command.Errors;
import io.ferrite.engine.command.OutsideWork;
import io.ferrite.server.Server;
import io.ferrite.server.Shutdown;

import java.time.Instant;

/** TIME and SHUTDOWN (the shutdown sequence itself is {@link Shutdown}'s, shared with SIGTERM and SIGINT). */
public final class ServerFamily {
    private ServerFamily() {
    }

    public static void register(CommandRegistry r) {
        r.add("time", ServerFamily::time);
        r.addAwaiting("shutdown", ServerFamily::shutdown);
    }

    static void time(Call c) {
        Instant now = Instant.now();
        c.reply().array(2);
        c.reply().bulkLong(now.getEpochSecond());
        c.reply().bulkLong(now.getNano() / 1000);
    }

    /** SHUTDOWN's options, once checked. */
    record Options(boolean nosave, boolean save, boolean now, boolean force, boolean abort) {
        Shutdown.Flags flags() {
            return new Shutdown.Flags(save, nosave, now, force);
        }
    }

    /** The options of SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT], or null when they are a syntax error. */
    static Options options(Call c) {
        boolean nosave = false;
        boolean save = false;
        boolean now = false;
        boolean force = false;
        boolean abort = false;
        for (int i = 1; i < c.argc(); i++) {
            if (c.argIs(i, "nosave")) {
                nosave = true;
            } else if (c.argIs(i, "save")) {
                save = true;
            } else if (c.argIs(i, "now")) {
                now = true;
            } else if (c.argIs(i, "force")) {
                force = true;
            } else if (c.argIs(i, "abort")) {
                abort = true;
            } else {
                return null;
            }
        }
        if (abort && (nosave || save || now || force) || nosave && save) {
            return null;
        }
        return new Options(nosave, save, now, force, abort);
    }

    /**
     * shutdownCommand: the client waits, as Redis blocks it (BLOCKED_SHUTDOWN), while the
     * shutdown waits for lagging replicas and saves; it hears nothing when the server exits, and
     * Redis's error when the shutdown failed or was aborted. ABORT answers at once.
     */
    static void shutdown(Call c) {
        Outcome done = c.awaited();
        if (done != null) {
            if (done.abort) {
                if (done.aborted) {
                    c.reply().ok();
                } else {
                    c.reply().error("ERR No shutdown in progress.");
                }
            } else {
                c.reply().error("ERR Errors trying to SHUTDOWN. Check logs.");
            }
            return;
        }
        Options o = options(c);
        if (o == null) {
            c.reply().error(Errors.SYNTAX);
            return;
        }
        String busy = o.abort() || o.nosave() ? null : Server.of(c).engine().busyGate().refuse(c.command, c.client);
        if (busy != null) {
            // a script past its limit holds unsaved changes: only NOSAVE may end the server then
            c.reply().error(busy);
            return;
        }
        Shutdown shutdown = Server.of(c).shutdown();
        c.awaitOutside(new Outcome(shutdown, o, !o.abort() && shutdown.accept()));
    }

    /** The shutdown's answer to one SHUTDOWN, found on its own thread. */
    private static final class Outcome implements OutsideWork {
        private final Shutdown shutdown;
        private final Options options;
        private final boolean pausedBefore;
        final boolean abort;
        volatile boolean aborted;

        Outcome(Shutdown shutdown, Options options, boolean pausedBefore) {
            this.shutdown = shutdown;
            this.options = options;
            this.pausedBefore = pausedBefore;
            this.abort = options.abort();
        }

        @Override
        public void start(Runnable done) {
            if (abort) {
                shutdown.abort(was -> {
                    aborted = was;
                    done.run();
                });
            } else {
                shutdown.request(options.flags(), pausedBefore, done::run);
            }
        }
    }
}
