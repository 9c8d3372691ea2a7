package io.ferrite.server;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** Server-wide counters that are not per shard: connections, network bytes, error replies by code. */
public final class ServerStats {
    public final AtomicInteger connectedClients = new AtomicInteger();
    /** Clients waiting in a blocking command (INFO blocked_clients, ferrite_blocked_clients). */
    public final LongAdder totalConnections = new LongAdder();
    public final LongAdder rejectedConnections = new LongAdder();
    public final LongAdder netInputBytes = new LongAdder();
    public final LongAdder netOutputBytes = new LongAdder();
    public final LongAdder totalErrorReplies = new LongAdder();
    /** Errors no client hears: the master client's on a replica (INFO unexpected_error_replies). */
    public final LongAdder unexpectedErrorReplies = new LongAdder();
    /** Background jobs started with a child standing for them (INFO total_forks: Redis forks for each). */
    public final LongAdder totalForks = new LongAdder();
    /** Clients closed by maxmemory-clients (INFO evicted_clients). */
    public final LongAdder evictedClients = new LongAdder();
    public final Map<String, LongAdder> errorsByCode = new ConcurrentHashMap<>();

    /** Counts an error reply under its code (the first word), as INFO errorstats does. */
    public void error(String message) {
        totalErrorReplies.increment();
        int sp = message.indexOf(' ');
        String code = sp < 0 ? message : message.substring(0, sp);
        errorsByCode.computeIfAbsent(code, k -> new LongAdder()).increment();
    }

    public void reset() {
        totalConnections.reset();
        rejectedConnections.reset();
        netInputBytes.reset();
        netOutputBytes.reset();
        totalErrorReplies.reset();
        unexpectedErrorReplies.reset();
        totalForks.reset();
        evictedClients.reset();
        errorsByCode.clear();
    }
}
