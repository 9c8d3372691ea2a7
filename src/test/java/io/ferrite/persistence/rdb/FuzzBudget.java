package io.ferrite.persistence.rdb;

/**
 * How long the loader fuzz tests run: a fixed seed and a fixed number of inputs in CI, so a failure
 * replays; {@code scripts/fuzz-loaders} passes {@code -Dferrite.fuzz.seconds} (run until then,
 * round after round) and {@code -Dferrite.fuzz.seed} for a longer, different run.
 */
final class FuzzBudget {
    private final long seed;
    private final long deadlineNanos;
    private int rounds;

    private FuzzBudget(long seed, long seconds) {
        this.seed = seed;
        this.deadlineNanos = seconds > 0 ? System.nanoTime() + seconds * 1_000_000_000L : 0;
    }

    /** The budget from the system properties, {@code defaultSeed} when none is given. */
    static FuzzBudget fromProperties(long defaultSeed) {
        long seed = Long.getLong("ferrite.fuzz.seed", defaultSeed);
        long seconds = Long.getLong("ferrite.fuzz.seconds", 0L);
        return new FuzzBudget(seed, seconds);
    }

    long seed() {
        return seed;
    }

    /** The seed of round {@code round}: the first is the given seed, so CI's one round is always the same. */
    long seedOf(int round) {
        return seed + round * 0x9E3779B97F4A7C15L;
    }

    /** True while another round should run: once without a duration, until the duration passes with one. */
    boolean anotherRound() {
        if (rounds == 0) {
            rounds++;
            return true;
        }
        if (deadlineNanos != 0 && System.nanoTime() < deadlineNanos) {
            rounds++;
            return true;
        }
        return false;
    }

    int rounds() {
        return rounds;
    }

    /** The whole run's time limit, as a hang guard: the duration plus room for the last round. */
    java.time.Duration timeLimit(java.time.Duration oneRound) {
        long seconds = Long.getLong("ferrite.fuzz.seconds", 0L);
        return oneRound.plusSeconds(seconds);
    }
}
