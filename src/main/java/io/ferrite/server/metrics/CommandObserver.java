package io.ferrite.server.metrics;

import io.ferrite.engine.ShardStats;
import io.ferrite.engine.command.Call;
import io.ferrite.engine.command.CallObserver;
import io.ferrite.engine.command.CommandFlag;
import io.ferrite.server.ServerConfig;
import io.ferrite.server.ServerStats;
import io.ferrite.stats.Percentiles;

/**
 * What happens after every command, on the thread (shard) that ran it, as at the end of Redis's
 * call(): the latency histogram, the slow log, the latency monitor and the MONITOR feed. Every
 * structure written here belongs to that shard; the directives are read from volatile fields
 * refreshed on CONFIG SET, never parsed per command.
 */
public final class CommandObserver implements CallObserver {
    private final ServerConfig config;
    private final Monitors monitors;
    private volatile boolean tracking;
    private volatile long slowerThan;
    private volatile long slowlogMaxLen;
    private volatile long latencyThreshold;
    private volatile double[] percentiles;

    public CommandObserver(ServerConfig config, ServerStats stats) {
        this.config = config;
        this.monitors = new Monitors(stats);
        reload();
    }

    /** Re-reads the observability directives (after start-up and every CONFIG SET). */
    public void reload() {
        tracking = config.getBool("latency-tracking");
        slowerThan = config.getLong("slowlog-log-slower-than");
        slowlogMaxLen = config.getLong("slowlog-max-len");
        latencyThreshold = config.getLong("latency-monitor-threshold");
        percentiles = Percentiles.parse(config.get("latency-tracking-info-percentiles"));
    }

    public Monitors monitors() {
        return monitors;
    }

    @Override
    public long slowlogMaxLen() {
        return slowlogMaxLen;
    }

    @Override
    public long latencyThreshold() {
        return latencyThreshold;
    }

    @Override
    public long slowerThan() {
        return slowerThan;
    }

    public double[] percentiles() {
        return percentiles;
    }

    /**
     * A command the engine carries out itself (MULTI, EXEC, DISCARD, WATCH, UNWATCH), on the
     * connection's own shard: counted and fed to MONITOR; they are never slow.
     */
    @Override
    public void afterEngineCommand(Call call, ShardStats home) {
        home.countAnswered(call.command.id());
        if (monitors.active()) {
            monitors.feed(call);
        }
    }

    /**
     * A blocked call whose wait has ended (served, timed out or unblocked), on the thread owning
     * {@code stats}: the slow log gets it now, with its original arguments, as Redis 7.0 logs a
     * blocked command on unblock rather than when it blocked.
     */
    @Override
    public void afterUnblock(Call call, ShardStats stats) {
        slowlog(call, stats, call.blockedMicros());
    }

    private void slowlog(Call call, ShardStats stats, long micros) {
        long slower = slowerThan;
        if (slower >= 0 && micros >= slower && !call.command.has(CommandFlag.SKIP_SLOWLOG)) {
            stats.slowlog.push(CommandArgs.redacted(call.command, call.args), Monitors.nowMicros(), micros,
                call.client.addr, call.client.name(), slowlogMaxLen);
        }
    }

    @Override
    public void monitor(Call call) {
        if (monitors.active()) {
            monitors.feed(call);
        }
    }

    @Override
    public void afterCall(Call call, ShardStats stats, long nanos) {
        if (tracking) {
            stats.latency(call.command.id()).record(nanos);
        }
        long micros = nanos / 1000;
        if (!call.blocked()) {
            // a call that blocked is logged when its wait ends (Redis's updateStatsOnUnblock)
            slowlog(call, stats, micros);
        } else {
            call.blockedMicros(micros);
        }
        long threshold = latencyThreshold;
        if (threshold > 0 && micros / 1000 >= threshold) {
            stats.latencyEvents.add(call.command.has(CommandFlag.FAST) ? "fast-command" : "command",
                System.currentTimeMillis() / 1000, micros / 1000);
        }
        if (monitors.active() && !call.command.has(CommandFlag.SKIP_MONITOR) && !call.command.has(CommandFlag.ADMIN)) {
            monitors.feed(call);
        }
    }
}
