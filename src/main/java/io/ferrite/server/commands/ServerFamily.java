package io.ferrite.server.commands;

import io.ferrite.server.Server;
import io.ferrite.engine.command.Call;
import io.ferrite.engine.command.CommandRegistry;
import io.ferrite.engine.command.Errors;
import io.ferrite.common.Log;
import io.ferrite.engine.Keyspace;
import io.ferrite.engine.Shard;
import io.ferrite.engine.ShardKeyspace;
import io.ferrite.engine.command.ShardedCommand;
import io.ferrite.server.snapshot.ShardSnapshot;
import io.ferrite.server.snapshot.SnapshotFile;
import io.ferrite.store.Bytes;

import java.util.List;

import java.time.Instant;

/** TIME and SHUTDOWN (saving first when asked to or when save points are set, as Redis). */
public final class ServerFamily {
    private ServerFamily() {
    }

    public static void register(CommandRegistry r) {
        r.add("time", ServerFamily::time);
        r.add("shutdown", ServerFamily::shutdown, new SavingShutdown());
    }

    static void time(Call c) {
        Instant now = Instant.now();
        c.reply().array(2);
        c.reply().bulkLong(now.getEpochSecond());
        c.reply().bulkLong(now.getNano() / 1000);
    }

    /** SHUTDOWN's options, once checked. */
    record Options(boolean nosave, boolean save, boolean now, boolean force, boolean abort) {
        /**
         * Redis's prepareForShutdown saves with SAVE, or without NOSAVE when save points are set;
         * never while the data set is loading, which would write a file of part of it.
         */
        boolean saves(Server server) {
            return !server.loading() && (save || !nosave && server.rdb().savePointsSet());
        }
    }

    /** The options of SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT], or null when they are a syntax error. */
    static Options options(Call c) {
        boolean nosave = false;
        boolean save = false;
        boolean now = false;
        boolean force = false;
        boolean abort = false;
        for (int i = 1; i < c.argc(); i++) {
            if (c.argIs(i, "nosave")) {
                nosave = true;
            } else if (c.argIs(i, "save")) {
                save = true;
            } else if (c.argIs(i, "now")) {
                now = true;
            } else if (c.argIs(i, "force")) {
                force = true;
            } else if (c.argIs(i, "abort")) {
                abort = true;
            } else {
                return null;
            }
        }
        if (abort && (nosave || save || now || force) || nosave && save) {
            return null;
        }
        return new Options(nosave, save, now, force, abort);
    }

    /**
     * SHUTDOWN without a save (NOSAVE, ABORT, or no save points): shutting down is immediate, so
     * ABORT never finds one in progress. The forms that may save run with every shard held
     * ({@link SavingShutdown}).
     */
    static void shutdown(Call c) {
        Options o = options(c);
        if (o == null) {
            c.reply().error(Errors.SYNTAX);
            return;
        }
        if (o.abort()) {
            // a shutdown waits only for lagging replicas, and there are none: none is ever in progress
            c.reply().error("ERR No shutdown in progress.");
            return;
        }
        Log.warning("User requested shutdown...");
        exit(c);
    }

    private static void exit(Call c) {
        // no reply: the connection closes with the server
        c.client.closeAfterReply(true);
        Server.of(c).shutdown();
    }

    /**
     * SHUTDOWN [SAVE] [NOW] [FORCE]: with SAVE, or with save points set, every shard held streams
     * its keys into the file (as SAVE) and the server stops once it is in place; a failed save
     * keeps the server up unless FORCE, as Redis's prepareForShutdown.
     */
    static final class SavingShutdown implements ShardedCommand {
        @Override
        public boolean handles(byte[][] args) {
            for (int i = 1; i < args.length; i++) {
                if (Bytes.is(args[i], "nosave") || Bytes.is(args[i], "abort")) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public void before(Call call) {
            Options o = options(call);
            if (o != null && o.saves(Server.of(call))) {
                Log.warning("User requested shutdown...");
                Log.notice("Saving the final RDB snapshot before exiting.");
                call.share(Server.of(call).rdb().claimForShutdown());
            }
        }

        @Override
        public Object onShard(Call call, Keyspace ks) {
            SnapshotFile f = (SnapshotFile) call.shared();
            if (f == null) {
                return null;
            }
            Shard shard = ((ShardKeyspace) ks).shard();
            long dirty = shard.stats.dirty();
            ShardSnapshot.saveNow(shard, f, Server.of(call).rdb().limits());
            return dirty;
        }

        @Override
        public void reply(Call call, List<Object> parts) {
            Options o = options(call);
            if (o == null) {
                call.reply().error(Errors.SYNTAX);
                return;
            }
            if (o.saves(Server.of(call))) {
                if (!saved(call, parts)) {
                    if (!o.force()) {
                        Log.warning("Error trying to save the DB, can't exit.");
                        Log.warning("Errors trying to shut down the server. Check the logs for more information.");
                        call.reply().error("ERR Errors trying to SHUTDOWN. Check logs.");
                        return;
                    }
                    Log.warning("Error trying to save the DB. Exit anyway.");
                }
            } else {
                Log.warning("User requested shutdown...");
            }
            exit(call);
        }

        private static boolean saved(Call call, List<Object> parts) {
            SnapshotFile f = (SnapshotFile) call.shared();
            if (f == null) {
                return false;
            }
            long[] dirty = new long[parts.size()];
            for (int i = 0; i < dirty.length; i++) {
                dirty[i] = (Long) parts.get(i);
            }
            return Server.of(call).rdb().savedInForeground(f, dirty);
        }
    }
}
