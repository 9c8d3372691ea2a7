package io.ferrite.command.family;

import io.ferrite.command.Args;
import io.ferrite.engine.command.Call;
import io.ferrite.engine.command.CommandRegistry;
import io.ferrite.engine.command.Errors;
import io.ferrite.store.Entry;
import io.ferrite.store.MemoryEstimate;

/**
 * MEMORY USAGE, MALLOC-STATS, PURGE, HELP (Redis 7.0 object.c). USAGE reports the same per-entry
 * estimate that sums to used_memory. STATS and DOCTOR need the server's figures (clients, backlog,
 * scripts): they live in io.ferrite.server.commands.MemoryReport.
 */
public final class MemoryFamily {
    private static final String[] HELP = {
        "MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "DOCTOR",
        "    Return memory problems reports.",
        "MALLOC-STATS",
        "    Return internal statistics report from the memory allocator.",
        "PURGE",
        "    Attempt to purge dirty pages for reclamation by the allocator.",
        "STATS",
        "    Return information about the memory usage of the server.",
        "USAGE <key> [SAMPLES <count>]",
        "    Return memory in bytes used by <key> and its value. Nested values are",
        "    sampled up to <count> times (default: 5, 0 means sample all).",
        "HELP",
        "    Prints this help.",
    };

    private MemoryFamily() {
    }

    public static void register(CommandRegistry r) {
        r.add("memory|usage", MemoryFamily::usage);
        // Redis's answer for an allocator without a statistics report (libc)
        r.add("memory|malloc-stats", c -> c.reply().bulk("Stats not supported for the current allocator"));
        // as with libc, there are no allocator pages to purge: the collector returns memory itself
        r.add("memory|purge", c -> c.reply().ok());
        r.add("memory|help", c -> FamilyUtil.help(c, HELP));
    }

    /**
     * MEMORY USAGE key [SAMPLES count]. Redis samples nested values to estimate their size; Ferrite's
     * collections keep their footprint up to date, so the count is validated as Redis does and the
     * whole value is always measured. Like Redis's dictFind, the lookup counts no hit and leaves the
     * LRU clock alone.
     */
    static void usage(Call c) {
        for (int j = 3; j < c.argc(); j++) {
            if (c.argIs(j, "samples") && j + 1 < c.argc()) {
                Long samples = Args.longOrReply(c, j + 1);
                if (samples == null) {
                    return;
                }
                if (samples < 0) {
                    c.reply().error(Errors.SYNTAX);
                    return;
                }
                j++;
            } else {
                c.reply().error(Errors.SYNTAX);
                return;
            }
        }
        Entry e = c.ks().peek(c.arg(2));
        if (e == null) {
            c.reply().nil();
            return;
        }
        c.reply().integer(MemoryEstimate.entry(e));
    }
}
