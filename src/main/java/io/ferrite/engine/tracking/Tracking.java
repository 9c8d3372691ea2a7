package io.ferrite.engine.tracking;

import io.ferrite.engine.command.Command;
import io.ferrite.engine.command.CommandFlag;
import io.ferrite.engine.Client;

/** When a command's keys are remembered for client-side caching (Redis's call() and resetClient). */
public final class Tracking {
    private Tracking() {
    }

    /** For a command about to run: whether its keys are remembered; then ends a CLIENT CACHING that applied to it. */
    public static boolean tracks(Client client, Command cmd) {
        return tracks(client, cmd, true);
    }

    /**
     * {@code endCaching} is false for the commands EXEC runs: CLIENT CACHING covers the whole
     * transaction, as Redis keeps the flag while the client is in MULTI.
     */
    public static boolean tracks(Client client, Command cmd, boolean endCaching) {
        ClientTracking t = client.tracking;
        if (!t.on) {
            return false;
        }
        boolean remember = cmd.has(CommandFlag.READONLY) && t.remembersReads();
        if (endCaching && t.caching && !client.inMulti() && !"client".equals(topName(cmd))) {
            t.caching = false;
        }
        return remember;
    }

    private static String topName(Command cmd) {
        return cmd.parent() != null ? cmd.parent().name() : cmd.name();
    }
}
