package io.ferrite.command.family;

import io.ferrite.engine.command.Call;
import io.ferrite.engine.command.CommandRegistry;
import io.ferrite.store.Bytes;

/** CLIENT PAUSE and CLIENT UNPAUSE (Redis networking.c clientCommand). */
final class ClientPauseCommands {
    private ClientPauseCommands() {
    }

    static void register(CommandRegistry r) {
        r.add("client|pause", ClientPauseCommands::pause);
        r.add("client|unpause", c -> {
            c.server.engine().clientPause().unpause();
            c.reply().ok();
        });
    }

    static void pause(Call c) {
        Long ms = Bytes.parseLongStrict(c.arg(2));
        if (ms == null) {
            c.reply().error("ERR timeout is not an integer or out of range");
            return;
        }
        if (ms < 0) {
            c.reply().error("ERR timeout is negative");
            return;
        }
        boolean all = true;
        if (c.argc() == 4) {
            if (c.argIs(3, "write")) {
                all = false;
            } else if (!c.argIs(3, "all")) {
                c.reply().error("ERR CLIENT PAUSE mode must be WRITE or ALL");
                return;
            }
        } else if (c.argc() > 4) {
            c.reply().error("ERR syntax error");
            return;
        }
        long now = System.currentTimeMillis();
        long end = ms > Long.MAX_VALUE - now ? Long.MAX_VALUE : now + ms;
        c.server.engine().clientPause().pause(end, all);
        c.reply().ok();
    }
}
