package io.ferrite.server.aof;

import io.ferrite.engine.Keyspace;
import io.ferrite.engine.Shard;
import io.ferrite.engine.ShardKeyspace;
import io.ferrite.engine.command.Call;
import io.ferrite.engine.command.ShardedCommand;
import io.ferrite.persistence.snapshot.RdbLoadException;
import io.ferrite.persistence.snapshot.ShardPart;
import io.ferrite.server.Server;
import io.ferrite.server.snapshot.EngineLoad;
import io.ferrite.server.snapshot.ShardSerializer;
import io.ferrite.server.snapshot.ShardSnapshot;
import io.ferrite.server.snapshot.SnapshotFile;
import io.ferrite.server.Version;
import io.ferrite.persistence.snapshot.RdbFile;
import io.ferrite.common.Log;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * BGREWRITEAOF's base, produced at a consistent cut: the command holds every shard, and the first
 * part to run takes the cut in the effects feed while all are held, so the new incr file starts
 * exactly there. With the RDB preamble (the default) each shard then starts a fork-less snapshot
 * of its keys there (ShardSnapshot, as BGSAVE), written as the base while clients go on; without
 * it, each shard serialises its keys while held and the commands base is written off the shard
 * threads ({@link #reply}). A BGSAVE in progress owns the snapshot marks: the rewrite then waits
 * for it (Redis's "scheduled").
 */
public final class BaseAtCut implements ShardedCommand {
    /** The rewrite begun at the cut, once per call: the first shard to run its part begins it, all held by then. */
    private static final class Cut {
        private boolean taken;
        private boolean busy;
        private AofPersistence.Rewrite rewrite;
        private SnapshotFile snapshot;

        synchronized AofPersistence.Rewrite take(Server server) {
            if (!taken) {
                taken = true;
                rewrite = server.aof().beginAtCut();
                if (rewrite != null && server.config().getBool("aof-use-rdb-preamble")) {
                    try {
                        snapshot = new SnapshotFile(server.aof().baseTemp(), server.engine().shardCount(),
                            server.config().getInt("databases"), new RdbFile.Aux(Version.REDIS,
                                System.currentTimeMillis() / 1000, server.engine().usedMemory(), true),
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
        Shard shard = ((ShardKeyspace) ks).shard();
        SnapshotFile snapshot = cut.snapshot();
        if (snapshot != null) {
            ShardSnapshot.begin(shard, snapshot, Server.of(call).rdb().limits(), 0);
            return Boolean.TRUE;
        }
        return ShardSerializer.serialise(shard, Server.of(call).rdb().limits());
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
        if (snapshot != null) {
            snapshot.start();
            aof.baseWhenWritten(r, snapshot.done());
        } else {
            List<ShardPart> ps = new ArrayList<>();
            for (Object p : parts) {
                ps.add((ShardPart) p);
            }
            aof.baseAtCut(r, ps);
        }
        call.reply().simple("Background append only file rewriting started");
    }
}
