package io.ferrite.engine.command;

import io.ferrite.engine.ShardStats;

/** What every execution reports to (Redis's call(): slow log, latency, MONITOR); the metrics layer implements it. */
public interface CallObserver {
    /** A command that ran: its duration on the shard it ran on. */
    void afterCall(Call call, ShardStats stats, long nanos);

    /** A blocked command whose wait ended: logged with the time it ran before and after the wait. */
    void afterUnblock(Call call, ShardStats stats);

    /** A command the engine answered itself (MULTI, EXEC, WATCH ...). */
    void afterEngineCommand(Call call, ShardStats home);

    /** Shows a call to MONITOR now, whatever its flags (Redis's EVAL and FCALL feed themselves before their commands). */
    default void monitor(Call call) {
    }

    long slowlogMaxLen();

    long slowerThan();

    long latencyThreshold();
}
