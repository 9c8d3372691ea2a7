package io.ferrite.server.aof;

import io.ferrite.engine.Keyspace;
import io.ferrite.engine.ShardKeyspace;
import io.ferrite.engine.command.Call;
import io.ferrite.engine.command.ShardedCommand;
import io.ferrite.server.Server;
import io.ferrite.server.snapshot.ShardSnapshot;
import io.ferrite.server.snapshot.SnapshotFile;
import io.ferrite.server.Version;
import io.ferrite.persistence.snapshot.RdbFile;
import io.ferrite.common.Log;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * BGREWRITEAOF's base, produced at a consistent cut: the command holds every shard, and the first
 * part to run takes the cut in the effects feed while all are held, so the new incr file starts
 * exactly there. Each shard then starts a fork-less snapshot of its keys there (ShardSnapshot, as
 * BGSAVE), written while clients go on: as the base itself with the RDB preamble (the default),
 * else as an RDB file that is then turned into the commands base. A BGSAVE in progress owns the
 * snapshot marks: the rewrite then waits for it (Redis's "scheduled").
 */
public final class BaseAtCut implements ShardedCommand {
    /** The rewrite begun at the cut, once per call: the first shard to run its part begins it, all held by then. */
    private static final class Cut {
        private boolean taken;
        private boolean busy;
        private AofPersistence.Rewrite rewrite;
        private SnapshotFile snapshot;
        /** Without the RDB preamble: where the snapshot goes before it becomes the commands base. */
        private Path commandsFrom;

        synchronized AofPersistence.Rewrite take(Server server) {
            if (!taken) {
                taken = true;
                rewrite = server.aof().beginAtCut();
                if (rewrite != null) {
                    try {
                        boolean preamble = server.config().getBool("aof-use-rdb-preamble");
                        commandsFrom = preamble ? null : server.aof().baseSnapshotTemp();
                        snapshot = new SnapshotFile(preamble ? server.aof().baseTemp() : commandsFrom,
                            server.engine().shardCount(), server.config().getInt("databases"),
                            new RdbFile.Aux(Version.REDIS, System.currentTimeMillis() / 1000,
                                server.engine().usedMemory(), true),
                            server.config().getBool("rdbchecksum"));
                    } catch (IOException e) {
                        Log.warning("Can't create the AOF directory: " + e.getMessage());
                        rewrite = null;
                    }
                }
            }
            return rewrite;
        }

        synchronized AofPersistence.Rewrite rewrite() {
            return rewrite;
        }

        synchronized SnapshotFile snapshot() {
            return snapshot;
        }

        synchronized Path commandsFrom() {
            return commandsFrom;
        }
    }

    @Override
    public void before(Call call) {
        Cut cut = new Cut();
        // a background save's walk owns the snapshot marks until it ends
        cut.busy = Server.of(call).rdb().backgroundInProgress();
        call.share(cut);
    }

    @Override
    public Object onShard(Call call, Keyspace ks) {
        Cut cut = (Cut) call.shared();
        if (cut.busy || cut.take(Server.of(call)) == null) {
            return Boolean.FALSE;
        }
        ShardSnapshot.begin(((ShardKeyspace) ks).shard(), cut.snapshot(), Server.of(call).rdb().limits(), 0);
        return Boolean.TRUE;
    }

    @Override
    public void reply(Call call, List<Object> parts) {
        AofPersistence aof = Server.of(call).aof();
        Cut cut = (Cut) call.shared();
        if (cut.busy) {
            aof.scheduleRewrite();
            call.reply().simple("Background append only file rewriting scheduled");
            return;
        }
        AofPersistence.Rewrite r = cut.rewrite();
        if (r == null) {
            if (aof.rewriting()) {
                call.reply().error("ERR Background append only file rewriting already in progress");
            } else {
                call.reply().error("ERR Can't execute an AOF background rewriting. Please check the server logs for more information.");
            }
            return;
        }
        SnapshotFile snapshot = cut.snapshot();
        snapshot.start();
        aof.baseWhenWritten(r, snapshot.done(), cut.commandsFrom());
        call.reply().simple("Background append only file rewriting started");
    }
}
