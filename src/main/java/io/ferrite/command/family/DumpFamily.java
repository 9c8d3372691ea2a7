package io.ferrite.command.family;

import io.ferrite.common.Log;
import io.ferrite.engine.AccessTracking;
import io.ferrite.engine.LruClock;
import io.ferrite.engine.Notify;
import io.ferrite.engine.command.Call;
import io.ferrite.engine.command.CommandRegistry;
import io.ferrite.engine.command.Errors;
import io.ferrite.persistence.rdb.DumpPayload;
import io.ferrite.persistence.rdb.Limits;
import io.ferrite.persistence.rdb.LoadedValue;
import io.ferrite.persistence.rdb.RdbFormatException;
import io.ferrite.store.Bytes;
import io.ferrite.store.Entry;

import java.util.Arrays;

/**
 * DUMP and RESTORE (cluster.c's dumpCommand and restoreCommand): a value serialised in Redis 7.0's
 * RDB format with a version and CRC-64 footer, so payloads move between Ferrite and Redis both
 * ways. MIGRATE (server.commands.MigrateFamily) moves keys to another server with the same payloads.
 */
public final class DumpFamily {
    static final String BUSYKEY = "BUSYKEY Target key name already exists.";
    static final String BAD_PAYLOAD = "ERR DUMP payload version or checksum are wrong";
    static final String BAD_FORMAT = "ERR Bad data format";
    private static final byte[] ABSTTL = Bytes.of("ABSTTL");
    private static final byte[] DEL = Bytes.of("DEL");

    /**
     * DEBUG SET-SKIP-CHECKSUM-VALIDATION: RESTORE then accepts a payload whatever its CRC (the
     * version is still checked), so tests can hand it corrupt values. One process-wide debugging
     * knob, as in Redis; volatile because DEBUG may set it from any shard's thread.
     */
    private static volatile boolean skipChecksumValidation;

    private DumpFamily() {
    }

    public static void skipChecksumValidation(boolean skip) {
        skipChecksumValidation = skip;
    }

    public static void register(CommandRegistry r) {
        r.add("dump", DumpFamily::dump);
        r.add("restore", DumpFamily::restore);
    }

    /** The encoding settings in force, which DUMP packs lists by and RESTORE picks encodings from. */
    public static Limits limits(Call c) {
        return new Limits(ListFamily.fill(c),
            c.server.config().getLong("hash-max-listpack-entries"),
            c.server.config().getLong("hash-max-listpack-value"),
            c.server.config().getLong("set-max-intset-entries"),
            c.server.config().getLong("zset-max-listpack-entries"),
            c.server.config().getLong("zset-max-listpack-value"),
            c.server.config().getBool("rdbcompression"),
            // RESTORE's payloads get every check under "yes" and "clients" (no client may skip it: no ACL yet)
            !c.server.config().get("sanitize-dump-payload").equals("no"));
    }

    static void dump(Call c) {
        Entry e = c.ks().read(c.arg(1));
        if (e == null) {
            c.reply().nil();
            return;
        }
        c.reply().bulk(DumpPayload.create(e.type(), e.value(), limits(c)));
    }

    /** RESTORE key ttl payload [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency], checked in Redis's order. */
    static void restore(Call c) {
        boolean replace = false;
        boolean absttl = false;
        long idle = -1;
        long freq = -1;
        for (int j = 4; j < c.argc(); j++) {
            int additional = c.argc() - j - 1;
            if (c.argIs(j, "replace")) {
                replace = true;
            } else if (c.argIs(j, "absttl")) {
                absttl = true;
            } else if (c.argIs(j, "idletime") && additional >= 1 && freq == -1) {
                Long v = Bytes.parseLongStrict(c.arg(++j));
                if (v == null) {
                    c.reply().error(Errors.NOT_INTEGER);
                    return;
                }
                if (v < 0) {
                    c.reply().error("ERR Invalid IDLETIME value, must be >= 0");
                    return;
                }
                idle = v;
            } else if (c.argIs(j, "freq") && additional >= 1 && idle == -1) {
                Long v = Bytes.parseLongStrict(c.arg(++j));
                if (v == null) {
                    c.reply().error(Errors.NOT_INTEGER);
                    return;
                }
                if (v < 0 || v > 255) {
                    c.reply().error("ERR Invalid FREQ value, must be >= 0 and <= 255");
                    return;
                }
                freq = v;
            } else {
                c.reply().error(Errors.SYNTAX);
                return;
            }
        }
        byte[] key = c.arg(1);
        if (!replace && c.ks().write(key) != null) {
            c.reply().error(BUSYKEY);
            return;
        }
        Long ttlArg = Bytes.parseLongStrict(c.arg(2));
        if (ttlArg == null) {
            c.reply().error(Errors.NOT_INTEGER);
            return;
        }
        if (ttlArg < 0) {
            c.reply().error("ERR Invalid TTL value, must be >= 0");
            return;
        }
        byte[] payload = c.arg(3);
        if (!DumpPayload.verify(payload, skipChecksumValidation)) {
            c.reply().error(BAD_PAYLOAD);
            return;
        }
        LoadedValue v;
        try {
            v = DumpPayload.load(payload, limits(c));
        } catch (RdbFormatException ex) {
            // rdbReportError in a RESTORE: the reason goes to the log at verbose level, the client gets the generic error
            Log.verbose("Internal error in RDB reading -> " + ex.getMessage());
            c.reply().error(BAD_FORMAT);
            return;
        }
        boolean deleted = replace && c.ks().write(key) != null && c.ks().delete(key);
        long ttl = ttlArg;
        if (ttl != 0 && !absttl) {
            ttl += c.now();
        }
        if (ttl != 0 && ttl <= c.ks().now()) {
            // already expired: the key is gone, as if restored and expired at once
            if (deleted) {
                c.ks().notify(Notify.GENERIC, "del", key);
                Propagated.as(c, DEL, key);
            }
            c.reply().ok();
            return;
        }
        Entry e = c.ks().add(key, v.type(), v.value(), v.encoding());
        if (ttl != 0) {
            c.ks().expire(e, ttl);
            if (!absttl) {
                // a relative TTL propagates as the absolute time it became, flagged ABSTTL
                byte[][] argv = Arrays.copyOf(c.args, c.argc() + 1);
                argv[2] = Bytes.fromLong(ttl);
                argv[c.argc()] = ABSTTL;
                Propagated.as(c, argv);
            }
        }
        boolean lfu = c.server != null && c.server.engine().access().lfu();
        if (lfu && freq >= 0) {
            // objectSetLRUOrLFU: under an LFU policy the counter given, decaying from this minute
            e.lru(AccessTracking.withCounter((int) freq, c.now()));
        } else if (!lfu && idle >= 0) {
            // objectSetLRUOrLFU: the access time idle seconds ago on the wrapping 24-bit clock
            long at = LruClock.at(c.now()) - idle;
            if (at < 0) {
                at += LruClock.MAX;
            }
            e.lru((int) (at & LruClock.MAX));
        }
        c.ks().notify(Notify.GENERIC, "restore", key);
        c.reply().ok();
    }
}
