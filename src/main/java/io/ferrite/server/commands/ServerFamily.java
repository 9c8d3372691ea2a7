package io.ferrite.server.commands;

import io.ferrite.server.Server;
import io.ferrite.engine.command.Call;
import io.ferrite.engine.command.CommandRegistry;
import io.ferrite.engine.command.Errors;
import io.ferrite.common.Log;

import java.time.Instant;

/** TIME and SHUTDOWN. */
public final class ServerFamily {
    private ServerFamily() {
    }

    public static void register(CommandRegistry r) {
        r.add("time", ServerFamily::time);
        r.add("shutdown", ServerFamily::shutdown);
    }

    static void time(Call c) {
        Instant now = Instant.now();
        c.reply.array(2);
        c.reply.bulkLong(now.getEpochSecond());
        c.reply.bulkLong(now.getNano() / 1000);
    }

    /**
     * SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]. Shutting down is immediate (there is nothing to
     * save or wait for), so ABORT never finds one in progress. SAVE is refused without FORCE, since
     * Ferrite cannot persist the dataset.
     */
    static void shutdown(Call c) {
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
                c.reply.error(Errors.SYNTAX);
                return;
            }
        }
        if (abort && (nosave || save || now || force) || nosave && save) {
            c.reply.error(Errors.SYNTAX);
            return;
        }
        if (abort) {
            c.reply.error("ERR No shutdown in progress.");
            return;
        }
        if (save && !force) {
            Log.warning("Error trying to save the DB, can't exit: Ferrite has no persistence.");
            Log.warning("Errors trying to shut down the server. Check the logs for more information.");
            c.reply.error("ERR Errors trying to SHUTDOWN. Check logs.");
            return;
        }
        // no reply: the connection closes with the server
        c.client.closeAfterReply(true);
        Server.of(c).shutdown();
    }
}
