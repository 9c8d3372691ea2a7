package io.ferrite.engine.command;

/**
 * How a running call runs further commands inside itself (a script's redis.call, Redis's
 * scriptCall): set by the engine on a call that holds every shard, so each nested call reaches any
 * key on its owning shard, is timed and counted as a command of its own, and adds its effects to
 * the outer call's unit (a script propagates its effects, wrapped in MULTI/EXEC as Redis 7.0 does).
 */
public interface NestedCalls {
    /** Runs {@code inner} now, on the calling thread; its reply goes to {@code inner.reply()}. */
    void run(Call inner);

    /** {@code inner} was refused before it ran (Redis's scriptCall checks): counted in its rejected_calls. */
    void rejected(Call inner);
}
