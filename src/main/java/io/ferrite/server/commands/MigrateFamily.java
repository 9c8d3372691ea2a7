package io.ferrite.server.commands;

import io.ferrite.command.family.DumpFamily;
import io.ferrite.engine.Notify;
import io.ferrite.engine.command.Call;
import io.ferrite.engine.command.CommandRegistry;
import io.ferrite.engine.command.Errors;
import io.ferrite.persistence.rdb.DumpPayload;
import io.ferrite.persistence.rdb.Limits;
import io.ferrite.server.Server;
import io.ferrite.store.Bytes;
import io.ferrite.store.Entry;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * MIGRATE host port key|"" destination-db timeout [COPY] [REPLACE] [AUTH password]
 * [AUTH2 username password] [KEYS key ...], as Redis 7.0's migrateCommand (cluster.c): the keys
 * go to the target as pipelined RESTOREs of their DUMP payloads with their remaining TTLs (after
 * AUTH, and SELECT when the cached connection has another database selected), and the ones the
 * target acknowledged are deleted here, propagated as one DEL, unless COPY.
 * <p>
 * Redis does all this with its one thread blocked on the network. Here the command runs in two
 * steps on its keys around the round trip ({@link io.ferrite.engine.command.OutsideWork}): the
 * first dumps, the second deletes, and in between no shard waits and nothing is held. A key
 * written meanwhile must keep its newer value, so the second step deletes a key only while its
 * value still dumps to the payload sent and its expiry is the one sent: the target then holds
 * exactly what is deleted here, and no acknowledged write is lost.
 */
public final class MigrateFamily {
    static final String KEYS_WITH_KEY = "ERR When using MIGRATE KEYS option, the key argument must be set to the empty string";
    /** Redis runs MIGRATE inside MULTI with its thread blocked; a shard thread here never waits for the network. */
    static final String NOT_IN_TRANSACTION = "ERR MIGRATE is not allowed inside MULTI or scripts";
    private static final byte[] DEL = Bytes.of("DEL");

    private MigrateFamily() {
    }

    public static void register(CommandRegistry r) {
        r.addAwaiting("migrate", MigrateFamily::migrate);
    }

    static void migrate(Call c) {
        MigrateTransfer sent = c.awaited();
        if (sent == null) {
            begin(c);
        } else {
            end(c, sent);
        }
    }

    /** The first step: options, the keys' payloads and TTLs; then the transfer runs, or the reply is NOKEY or an error. */
    private static void begin(Call c) {
        boolean copy = false;
        boolean replace = false;
        byte[] username = null;
        byte[] password = null;
        int firstKey = 3;
        int numKeys = 1;
        for (int j = 6; j < c.argc(); j++) {
            int more = c.argc() - 1 - j;
            if (c.argIs(j, "copy")) {
                copy = true;
            } else if (c.argIs(j, "replace")) {
                replace = true;
            } else if (c.argIs(j, "auth")) {
                if (more < 1) {
                    c.reply().error(Errors.SYNTAX);
                    return;
                }
                password = c.arg(++j);
            } else if (c.argIs(j, "auth2")) {
                if (more < 2) {
                    c.reply().error(Errors.SYNTAX);
                    return;
                }
                username = c.arg(++j);
                password = c.arg(++j);
            } else if (c.argIs(j, "keys")) {
                if (c.arg(3).length != 0) {
                    c.reply().error(KEYS_WITH_KEY);
                    return;
                }
                firstKey = j + 1;
                numKeys = c.argc() - j - 1;
                break;
            } else {
                c.reply().error(Errors.SYNTAX);
                return;
            }
        }
        Long timeout = Bytes.parseLongStrict(c.arg(5));
        Long db = timeout == null ? null : Bytes.parseLongStrict(c.arg(4));
        if (timeout == null || db == null) {
            c.reply().error(Errors.NOT_INTEGER);
            return;
        }
        if (!c.mayBlock()) {
            c.reply().error(NOT_IN_TRANSACTION);
            return;
        }
        List<byte[]> keys = new ArrayList<>(numKeys);
        List<Entry> entries = new ArrayList<>(numKeys);
        for (int j = 0; j < numKeys; j++) {
            Entry e = c.ks().read(c.arg(firstKey + j));
            if (e != null) {
                keys.add(c.arg(firstKey + j));
                entries.add(e);
            }
        }
        if (keys.isEmpty()) {
            c.reply().simple("NOKEY");
            return;
        }
        Limits limits = DumpFamily.limits(c);
        int n = keys.size();
        byte[][] payloads = new byte[n][];
        long[] ttls = new long[n];
        long[] expireAts = new long[n];
        long now = c.now();
        for (int j = 0; j < n; j++) {
            Entry e = entries.get(j);
            expireAts[j] = e.expireAt();
            // a key read above has not expired; one about to expires at the target within a millisecond
            ttls[j] = e.hasExpiry() ? Math.max(1, e.expireAt() - now) : 0;
            payloads[j] = DumpPayload.create(e.type(), e.value(), limits);
        }
        c.awaitOutside(new MigrateTransfer(Server.of(c).migrateLinks(), c.client.home().loop,
            c.argString(1), c.argString(2), db, timeout <= 0 ? 1000 : timeout, replace, username, password,
            keys.toArray(new byte[0][]), payloads, ttls, expireAts, copy));
    }

    /** The second step, with the target's replies: deletes what it acknowledged (unless COPY) and answers as Redis. */
    private static void end(Call c, MigrateTransfer t) {
        if (t.connectFailed()) {
            c.reply().error("IOERR error or timeout connecting to the client");
            return;
        }
        String targetError = null;
        List<byte[]> deleted = new ArrayList<>();
        List<String> replies = t.restoreReplies();
        Limits limits = t.copy ? null : DumpFamily.limits(c);
        for (int j = 0; j < replies.size(); j++) {
            String earlier = t.earlierError();
            String line = replies.get(j);
            if (earlier != null || line.startsWith("-")) {
                if (targetError == null) {
                    targetError = (earlier != null ? earlier : line).substring(1);
                }
            } else if (!t.copy && unchanged(c, t, j, limits)) {
                byte[] key = t.keys[j];
                c.ks().delete(key);
                c.ks().notify(Notify.GENERIC, "del", key);
                deleted.add(key);
            }
        }
        if (!deleted.isEmpty()) {
            byte[][] argv = new byte[deleted.size() + 1][];
            argv[0] = DEL;
            for (int i = 0; i < deleted.size(); i++) {
                argv[i + 1] = deleted.get(i);
            }
            c.propagateAs(argv);
        }
        if (targetError != null) {
            c.reply().error("ERR Target instance replied with error: " + targetError);
        } else if (t.socketError()) {
            c.reply().error("IOERR error or timeout " + (t.writeError() ? "writing" : "reading") + " to target instance");
        } else {
            c.reply().ok();
        }
    }

    /** True while key {@code j} still holds what was sent: the same payload and the same expiry. */
    private static boolean unchanged(Call c, MigrateTransfer t, int j, Limits limits) {
        Entry e = c.ks().peek(t.keys[j]);
        return e != null && e.expireAt() == t.expireAts[j]
            && Arrays.equals(DumpPayload.create(e.type(), e.value(), limits), t.payloads[j]);
    }
}
