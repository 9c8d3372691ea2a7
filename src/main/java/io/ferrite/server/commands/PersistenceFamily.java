package io.ferrite.server.commands;

import io.ferrite.engine.Keyspace;
import io.ferrite.engine.Shard;
import io.ferrite.engine.ShardKeyspace;
import io.ferrite.engine.command.Call;
import io.ferrite.engine.command.CommandRegistry;
import io.ferrite.engine.command.ShardedCommand;
import io.ferrite.persistence.snapshot.ShardPart;
import io.ferrite.server.snapshot.ShardSnapshot;
import io.ferrite.server.snapshot.SnapshotFile;
import io.ferrite.server.Server;

import java.util.ArrayList;
import java.util.List;

/**
 * SAVE, BGSAVE and LASTSAVE. SAVE blocks the whole server in Redis; here it holds every shard,
 * each shard serialises its own keys on its own thread, and the parts become one file in shard
 * order. BGSAVE takes the same cut but writes the file while clients go on.
 */
public final class PersistenceFamily {
    private PersistenceFamily() {
    }

    public static void register(CommandRegistry r) {
        r.addSharded("save", new Save());
        r.addSharded("bgsave", new BgSave());
        r.add("lastsave", c -> c.reply().integer(Server.of(c).rdb().state().lastSaveSeconds()));
    }

    /** A shard's keys and its change counter at the moment they were serialised. */
    record Serialised(ShardPart part, long dirty) {
    }

    /** The parts of every shard, in shard order, and their change counters. */
    static boolean writeParts(Call call, List<Object> parts) {
        List<ShardPart> ps = new ArrayList<>();
        long[] dirty = new long[parts.size()];
        for (int i = 0; i < parts.size(); i++) {
            Serialised s = (Serialised) parts.get(i);
            ps.add(s.part());
            dirty[i] = s.dirty();
        }
        return Server.of(call).rdb().write(ps, dirty);
    }

    static final String IN_PROGRESS = "ERR Background save already in progress";

    /**
     * BGSAVE [SCHEDULE] without fork: the command holds every shard, which is the cut; each shard
     * starts its snapshot there (ShardSnapshot), and the file is written while clients go on.
     */
    static final class BgSave implements ShardedCommand {
        @Override
        public void before(Call call) {
            boolean syntaxOk = call.argc() == 1 || call.argc() == 2 && call.argIs(1, "schedule");
            // while an AOF rewrite runs (Redis's other child), a BGSAVE waits its turn or is refused
            boolean rewriting = Server.of(call).aof().rewriting();
            call.share(syntaxOk && !rewriting ? Server.of(call).rdb().claimBackground() : null);
        }

        @Override
        public Object onShard(Call call, Keyspace ks) {
            SnapshotFile f = (SnapshotFile) call.shared();
            if (f == null) {
                return null;
            }
            return Server.of(call).rdb().cutOn(((ShardKeyspace) ks).shard(), f);
        }

        @Override
        public void reply(Call call, List<Object> parts) {
            SnapshotFile f = (SnapshotFile) call.shared();
            if (f == null) {
                boolean schedule = call.argc() == 2 && call.argIs(1, "schedule");
                if (call.argc() > 1 && !schedule) {
                    call.reply().error("ERR syntax error");
                } else if (Server.of(call).rdb().backgroundInProgress()) {
                    call.reply().error(IN_PROGRESS);
                } else if (schedule) {
                    Server.of(call).rdb().scheduleBackground();
                    call.reply().simple("Background saving scheduled");
                } else {
                    call.reply().error("ERR Another child process is active (AOF?): can't BGSAVE right now. Use"
                        + " BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.");
                }
                return;
            }
            long[] dirty = new long[parts.size()];
            for (int i = 0; i < dirty.length; i++) {
                dirty[i] = (Long) parts.get(i);
            }
            Server.of(call).rdb().started(f, dirty);
            call.reply().simple("Background saving started");
        }
    }

    /**
     * SAVE: every shard held, each writes its whole cut on its own thread to the file the writer
     * thread streams out (bounded memory, as BGSAVE), then OK once the file is in place.
     */
    static final class Save implements ShardedCommand {
        @Override
        public void before(Call call) {
            SnapshotFile f = Server.of(call).rdb().claimForeground();
            if (f != null) {
                f.start();
            }
            call.share(f);
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
            SnapshotFile f = (SnapshotFile) call.shared();
            if (f == null) {
                call.reply().error(IN_PROGRESS);
                return;
            }
            long[] dirty = new long[parts.size()];
            for (int i = 0; i < dirty.length; i++) {
                dirty[i] = (Long) parts.get(i);
            }
            if (Server.of(call).rdb().savedInForeground(f, dirty)) {
                call.reply().ok();
            } else {
                // rdbSave failed: Redis answers its bare shared.err, the reason is in the log
                call.reply().error("ERR");
            }
        }
    }
}
