package io.ferrite.command.family;

import io.ferrite.command.Args;
import io.ferrite.command.Call;
import io.ferrite.command.CommandRegistry;
import io.ferrite.command.Errors;
import io.ferrite.store.Entry;
import io.ferrite.store.MemoryEstimate;

/**
 * MEMORY (Redis object.c memoryCommand). Only USAGE so far: DOCTOR, STATS, MALLOC-STATS and PURGE
 * describe an allocator Ferrite does not have and are not registered.
 */
public final class MemoryFamily {
    private MemoryFamily() {
    }

    public static void register(CommandRegistry r) {
        r.add("memory|usage", MemoryFamily::usage);
    }

    /**
     * MEMORY USAGE key [SAMPLES count]. Redis samples nested values to estimate their size; Ferrite's
     * collections keep their footprint up to date, so the count is validated as Redis does and the
     * whole value is always measured. Like Redis's dictFind, the lookup counts no hit and leaves the
     * LRU clock alone.
     */
    static void usage(Call c) {
        for (int i = 3; i < c.argc(); i++) {
            if (c.argIs(i, "samples") && i + 1 < c.argc()) {
                Long samples = Args.longOrReply(c, i + 1);
                if (samples == null) {
                    return;
                }
                if (samples < 0) {
                    c.reply.error(Errors.SYNTAX);
                    return;
                }
                i++;
            } else {
                c.reply.error(Errors.SYNTAX);
                return;
            }
        }
        Entry e = c.ks.peek(c.arg(2));
        if (e == null) {
            c.reply.nil();
            return;
        }
        c.reply.integer(MemoryEstimate.entry(e));
    }
}
