package io.ferrite.command.family;

import io.ferrite.command.Call;
import io.ferrite.command.CommandRegistry;
import io.ferrite.command.Errors;
import io.ferrite.store.Bytes;

/** Connection commands (PING, ECHO, QUIT, SELECT ...). */
public final class ConnectionFamily {
    private ConnectionFamily() {
    }

    public static void register(CommandRegistry r) {
        r.add("ping", ConnectionFamily::ping);
        r.add("echo", c -> c.reply.bulk(c.arg(1)));
        r.add("quit", ConnectionFamily::quit);
        r.add("select", ConnectionFamily::select);
    }

    static void ping(Call c) {
        if (c.argc() > 2) {
            c.reply.error("ERR wrong number of arguments for 'ping' command");
        } else if (c.argc() == 2) {
            c.reply.bulk(c.arg(1));
        } else {
            c.reply.simple("PONG");
        }
    }

    static void quit(Call c) {
        c.reply.ok();
        c.client.closeAfterReply = true;
    }

    static void select(Call c) {
        Long db = Bytes.parseLongStrict(c.arg(1));
        if (db == null || db > Integer.MAX_VALUE || db < Integer.MIN_VALUE) {
            c.reply.error(Errors.NOT_INTEGER);
            return;
        }
        if (db < 0 || db >= c.server.config().getInt("databases")) {
            c.reply.error(Errors.DB_INDEX);
            return;
        }
        c.client.db = db.intValue();
        c.reply.ok();
    }
}
