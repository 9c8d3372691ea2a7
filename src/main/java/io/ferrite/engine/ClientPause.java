package io.ferrite.engine;

import io.ferrite.engine.command.Command;
import io.ferrite.engine.command.CommandFlag;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * CLIENT PAUSE: while a pause lasts, the affected commands (all, or those that write) are not
 * run; their connections wait with the command at the head of their queue and resume, in order,
 * when the pause ends or CLIENT UNPAUSE is called (Redis's blockPostponeClient).
 */
public final class ClientPause {
    private volatile long until;
    private volatile boolean all;
    private final Set<Session> postponed = ConcurrentHashMap.newKeySet();

    /** Pauses until {@code end} (Unix ms); a pause never gets shorter or weaker while it lasts. */
    public synchronized void pause(long end, boolean allCommands) {
        long now = System.currentTimeMillis();
        boolean active = until > now;
        if (!active) {
            all = allCommands;
            until = end;
        } else {
            all |= allCommands;
            until = Math.max(until, end);
        }
    }

    public void unpause() {
        until = 0;
        wakeAll();
    }

    /**
     * True while any pause lasts: Redis then keeps the dataset constant, so neither lazy nor
     * active expiry deletes keys (they only read as missing) until the pause ends
     * (checkClientPauseTimeoutAndReturnIfPaused in expireIfNeeded and activeExpireCycle).
     */
    public boolean active() {
        long u = until;
        return u != 0 && u > System.currentTimeMillis();
    }

    /** Milliseconds the command must wait, or 0 if it may run now. */
    long delayFor(Command cmd, byte[][] args, Client client) {
        long u = until;
        if (u == 0) {
            return 0;
        }
        long left = u - System.currentTimeMillis();
        if (left <= 0) {
            return 0;
        }
        if (all) {
            return left;
        }
        boolean writes = cmd.has(CommandFlag.WRITE, args) || cmd.has(CommandFlag.MAY_REPLICATE, args);
        if (!writes && cmd.fullName().equals("exec")) {
            for (Client.QueuedCommand q : client.queued) {
                writes |= q.command().has(CommandFlag.WRITE, q.args()) || q.command().has(CommandFlag.MAY_REPLICATE, q.args());
            }
        }
        return writes ? left : 0;
    }

    void postpone(Session s) {
        s.client().postponed = true;
        postponed.add(s);
    }

    void resumed(Session s) {
        s.client().postponed = false;
        postponed.remove(s);
    }

    private void wakeAll() {
        for (Session s : postponed) {
            s.client().postponed = false;
            postponed.remove(s);
            s.wake();
        }
    }

    /** Clients waiting for the pause to end (counted in INFO's blocked_clients, as Redis counts them). */
    public int postponedCount() {
        return postponed.size();
    }
}
