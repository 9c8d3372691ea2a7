package io.ferrite.engine;

import io.ferrite.engine.command.Command;
import io.ferrite.engine.command.CommandFlag;

import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Paused clients (Redis's pauseClients): while a pause lasts, the affected commands (all, or
 * those that write) are not run; their connections wait with the command at the head of their
 * queue and resume, in order, when the pause ends (Redis's blockPostponeClient). Each
 * {@link Purpose} holds its own pause, as Redis's client_pause_per_purpose: CLIENT UNPAUSE ends
 * only the one CLIENT PAUSE set, never a shutdown's or a failover's. What applies is the most
 * restrictive type among them, until the furthest end of that type.
 */
public final class ClientPause {
    /** Who paused (Redis's pause_purpose). */
    public enum Purpose {
        /** CLIENT PAUSE. */
        CLIENT_COMMAND,
        /** SHUTDOWN waiting for its replicas to catch up. */
        SHUTDOWN,
        /** FAILOVER waiting for its target to catch up and taking over. */
        FAILOVER
    }

    private record Pause(long end, boolean all) {
    }

    /** The pauses per purpose; guarded by this. */
    private final Map<Purpose, Pause> pauses = new EnumMap<>(Purpose.class);
    /** The pause in force, recomputed under this whenever a purpose's changes; read anywhere. */
    private volatile long until;
    private volatile boolean all;
    private final Set<Session> postponed = ConcurrentHashMap.newKeySet();

    /** CLIENT PAUSE until {@code end} (Unix ms); a pause never gets shorter or weaker while it lasts. */
    public void pause(long end, boolean allCommands) {
        pause(Purpose.CLIENT_COMMAND, end, allCommands);
    }

    /** CLIENT UNPAUSE: the pause CLIENT PAUSE set ends; the others stay. */
    public void unpause() {
        unpause(Purpose.CLIENT_COMMAND);
    }

    /** Pauses for {@code purpose} until {@code end} (Unix ms; Long.MAX_VALUE: until unpaused), joining a pause it already holds. */
    public synchronized void pause(Purpose purpose, long end, boolean allCommands) {
        long now = System.currentTimeMillis();
        Pause p = pauses.get(purpose);
        if (p == null || p.end() <= now) {
            p = new Pause(end, allCommands);
        } else {
            p = new Pause(Math.max(p.end(), end), p.all() | allCommands);
        }
        pauses.put(purpose, p);
        recompute(now);
    }

    /** Ends {@code purpose}'s pause; clients it alone held back resume. */
    public void unpause(Purpose purpose) {
        boolean weaker;
        synchronized (this) {
            if (pauses.remove(purpose) == null) {
                return;
            }
            long wasUntil = until;
            boolean wasAll = all;
            recompute(System.currentTimeMillis());
            weaker = until < wasUntil || wasAll && !all;
        }
        if (weaker) {
            // the postponed look again: those still paused postpone themselves once more
            wakeAll();
        }
    }

    /** Whether {@code purpose} holds a pause now. */
    public synchronized boolean pausedBy(Purpose purpose) {
        Pause p = pauses.get(purpose);
        return p != null && p.end() > System.currentTimeMillis();
    }

    /** updateClientPauseTypeAndEndTime: the most restrictive type in force, until the furthest end of that type. */
    private void recompute(long now) {
        pauses.values().removeIf(p -> p.end() <= now);
        boolean anyAll = pauses.values().stream().anyMatch(Pause::all);
        long end = 0;
        for (Pause p : pauses.values()) {
            if (p.all() == anyAll) {
                end = Math.max(end, p.end());
            }
        }
        all = anyAll;
        until = end;
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

    /** Milliseconds the command must wait, or 0 if it may run now. Replicas are never paused (processCommand). */
    long delayFor(Command cmd, byte[][] args, Client client) {
        long u = until;
        if (u == 0 || client.replica()) {
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
