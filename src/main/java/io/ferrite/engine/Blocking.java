package io.ferrite.engine;

import io.ferrite.engine.command.Call;

import java.util.List;

/**
 * The engine's side of blocking commands (see {@link io.ferrite.engine.command.Blockable}): taking over a
 * call whose handler asked to block, and ending a wait from outside (CLIENT UNBLOCK, a disconnect).
 */
public final class Blocking {
    private Blocking() {
    }

    /**
     * After a single-shard call ran on {@code s} (on its thread): if its handler asked to block, the
     * client enters the waiting lists at once, before anything else runs here, and true is
     * returned (the reply comes when it is served, times out or is unblocked).
     */
    static boolean blockedHere(Engine engine, Session session, Call call, Shard s) {
        if (!call.blocked()) {
            return false;
        }
        BlockedClient w = new BlockedClient(engine, session, call);
        w.registerOn(s);
        w.registerElsewhere(List.of(s));
        w.arm();
        return true;
    }

    /**
     * CLIENT UNBLOCK: ends {@code target}'s wait as a timeout would, or with
     * "-UNBLOCKED client unblocked via CLIENT UNBLOCK". False if it is not blocked in a blocking
     * command (a client postponed by CLIENT PAUSE is not unblocked: Redis 7.0 crashes there).
     */
    public static boolean unblock(Client target, boolean error) {
        BlockedClient w = target.blocked;
        return w != null && w.end(error ? BlockedClient.End.UNBLOCK_ERROR : BlockedClient.End.UNBLOCK_TIMEOUT);
    }

    /**
     * Redis's disconnectAllBlockedClients, when a master turns replica: a client blocked in a
     * blocking command gets "-UNBLOCKED force unblock from blocking operation, instance state
     * changed (master -> replica?)" and is disconnected, so it never pops what the new master
     * sends. False if it is not blocked (clients postponed by a pause stay: they are run afresh).
     */
    public static boolean unblockForRoleChange(Client target) {
        BlockedClient w = target.blocked;
        return w != null && w.end(BlockedClient.End.ROLE_CHANGE);
    }

    /** A disconnected client leaves every waiting list it is in. */
    public static void disconnected(Client client) {
        BlockedClient w = client.blocked;
        if (w != null) {
            w.end(BlockedClient.End.GONE);
        }
    }
}
