package io.ferrite.command.family;

import io.ferrite.command.Lookup;
import io.ferrite.engine.Notify;
import io.ferrite.engine.command.Call;
import io.ferrite.engine.command.CommandRegistry;
import io.ferrite.store.Encoding;
import io.ferrite.store.Entry;
import io.ferrite.store.MemoryEstimate;
import io.ferrite.store.ValueType;
import io.ferrite.store.hll.Hll;
import io.ferrite.store.hll.HllSelfTest;

/**
 * HyperLogLog commands (Redis 7.0 hyperloglog.c). A HyperLogLog is an ordinary string holding
 * Redis's exact bytes ({@link Hll}), so values move freely between Ferrite and Redis through GET,
 * SET and replication.
 */
public final class HyperLogLogFamily {
    static final String NOT_HLL = "WRONGTYPE Key is not a valid HyperLogLog string value.";
    static final String CORRUPT = "INVALIDOBJ Corrupted HLL object detected";

    private HyperLogLogFamily() {
    }

    public static void register(CommandRegistry r) {
        r.add("pfadd", HyperLogLogFamily::pfadd);
        r.add("pfcount", HyperLogLogFamily::pfcount);
        r.add("pfmerge", HyperLogLogFamily::pfmerge);
        r.add("pfdebug", HyperLogLogFamily::pfdebug);
        r.add("pfselftest", HyperLogLogFamily::pfselftest);
    }

    private static long sparseMaxBytes(Call c) {
        return c.server.config().getLong("hll-sparse-max-bytes");
    }

    /** isHLLObjectOrReply: false after replying when the key holds something that is not a HyperLogLog. */
    private static boolean isHll(Call c, Entry e) {
        if (Lookup.wrongType(c, e, ValueType.STRING)) {
            return false;
        }
        if (!Hll.isValid(e.bytes())) {
            c.reply().error(NOT_HLL);
            return false;
        }
        return true;
    }

    /** Stores a changed HyperLogLog: Redis edits its raw string in place, so the encoding is raw. */
    private static void store(Call c, byte[] key, Entry e, Hll h) {
        if (e == null) {
            c.ks().add(key, ValueType.STRING, h.bytes(), Encoding.RAW);
        } else {
            c.ks().replace(e, ValueType.STRING, h.bytes(), Encoding.RAW);
        }
    }

    static void pfadd(Call c) {
        byte[] key = c.arg(1);
        Entry e = c.ks().write(key);
        Hll h;
        int updated = 0;
        if (e == null) {
            h = Hll.empty();
            updated++;
        } else {
            if (!isHll(c, e)) {
                return;
            }
            h = Hll.of(e.bytes());
            // dbUnshareStringValue: even an unchanged value becomes a raw string
            e.encoding(Encoding.RAW);
        }
        long max = sparseMaxBytes(c);
        for (int i = 2; i < c.argc(); i++) {
            int r = h.add(c.arg(i), max);
            if (r < 0) {
                // Redis keeps what the earlier elements changed in place, without an event
                if (updated > 0) {
                    store(c, key, e, h);
                }
                c.reply().error(CORRUPT);
                return;
            }
            updated += r;
        }
        if (updated > 0) {
            h.invalidateCache();
            store(c, key, e, h);
            c.ks().notify(Notify.STRING, "pfadd", key);
        }
        c.reply().integer(updated > 0 ? 1 : 0);
    }

    static void pfcount(Call c) {
        if (c.argc() > 2) {
            // the union: merge every register into one byte per register, estimate that
            byte[] max = new byte[Hll.REGISTERS];
            for (int i = 1; i < c.argc(); i++) {
                Entry e = c.ks().read(c.arg(i));
                if (e == null) {
                    continue;
                }
                if (!isHll(c, e)) {
                    return;
                }
                if (!Hll.mergeInto(e.bytes(), max)) {
                    c.reply().error(CORRUPT);
                    return;
                }
            }
            c.reply().integer(Hll.countRegisters(max));
            return;
        }
        Entry e = c.ks().read(c.arg(1));
        if (e == null) {
            c.reply().integer(0);
            return;
        }
        if (!isHll(c, e)) {
            return;
        }
        e.encoding(Encoding.RAW);
        if (Hll.cacheValid(e.bytes())) {
            c.reply().integer(Hll.cachedCardinality(e.bytes()));
            return;
        }
        long card = Hll.count(e.bytes());
        if (card < 0) {
            c.reply().error(CORRUPT);
            return;
        }
        // a read-only command that rewrites the cache in the value, as Redis (which signals the key)
        Hll h = Hll.of(e.bytes());
        h.cacheCardinality(card);
        c.ks().replace(e, ValueType.STRING, h.bytes(), Encoding.RAW);
        c.reply().integer(card);
    }

    static void pfmerge(Call c) {
        byte[] max = new byte[Hll.REGISTERS];
        boolean dense = false;
        for (int i = 1; i < c.argc(); i++) {
            Entry e = c.ks().read(c.arg(i));
            if (e == null) {
                continue;
            }
            if (!isHll(c, e)) {
                return;
            }
            dense |= Hll.isDense(e.bytes());
            if (!Hll.mergeInto(e.bytes(), max)) {
                c.reply().error(CORRUPT);
                return;
            }
        }
        byte[] key = c.arg(1);
        Entry e = c.ks().write(key);
        Hll h = e == null ? Hll.empty() : Hll.of(e.bytes());
        if (dense && !h.toDense()) {
            c.reply().error(CORRUPT);
            return;
        }
        long sparseMax = sparseMaxBytes(c);
        for (int j = 0; j < Hll.REGISTERS; j++) {
            if (max[j] != 0) {
                h.set(j, max[j], sparseMax);
            }
        }
        h.invalidateCache();
        store(c, key, e, h);
        // Redis 7.0 reports a merge as a mass add: the event is "pfadd"
        c.ks().notify(Notify.STRING, "pfadd", key);
        c.reply().ok();
    }

    /** PFSELFTEST: Redis's self-test of the register and estimator code (see {@link HllSelfTest}). */
    static void pfselftest(Call c) {
        String failed = HllSelfTest.run(sparseMaxBytes(c));
        if (failed == null) {
            c.reply().ok();
        } else {
            c.reply().error(failed);
        }
    }

    /** PFDEBUG GETREG | DECODE | ENCODING | TODENSE key. */
    static void pfdebug(Call c) {
        String sub = c.argString(1);
        Entry e = c.ks().write(c.arg(2));
        if (e == null) {
            c.reply().error("ERR The specified key does not exist");
            return;
        }
        if (!isHll(c, e)) {
            return;
        }
        // dbUnshareStringValue
        e.encoding(Encoding.RAW);
        switch (sub.toLowerCase(java.util.Locale.ROOT)) {
            case "getreg" -> {
                if (!toDense(c, e)) {
                    return;
                }
                int[] regs = Hll.registers(e.bytes());
                c.reply().array(regs.length);
                for (int r : regs) {
                    c.reply().integer(r);
                }
            }
            case "decode" -> {
                if (Hll.isDense(e.bytes())) {
                    c.reply().error("ERR HLL encoding is not sparse");
                    return;
                }
                c.reply().bulk(Hll.decodeSparse(e.bytes()));
            }
            case "encoding" -> c.reply().simple(Hll.isDense(e.bytes()) ? "dense" : "sparse");
            case "todense" -> {
                boolean sparse = !Hll.isDense(e.bytes());
                if (toDense(c, e)) {
                    c.reply().integer(sparse ? 1 : 0);
                }
            }
            default -> c.reply().error("ERR Unknown PFDEBUG subcommand '" + sub + "'");
        }
    }

    /**
     * Converts a sparse value to dense in place. Redis does not signal the key (its content is the
     * same registers), so the change is accounted as a resize only; false after replying if corrupt.
     */
    private static boolean toDense(Call c, Entry e) {
        byte[] old = e.bytes();
        if (Hll.isDense(old)) {
            return true;
        }
        Hll h = Hll.of(old);
        if (!h.toDense()) {
            c.reply().error(CORRUPT);
            return false;
        }
        e.value(h.bytes());
        c.ks().resized(e, MemoryEstimate.bytes(h.bytes().length) - MemoryEstimate.bytes(old.length));
        return true;
    }
}
