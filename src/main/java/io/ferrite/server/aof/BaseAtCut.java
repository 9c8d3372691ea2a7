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
import java.util.concurrent.CompletableFuture;

/**
 * BGREWRITEAOF's base, produced at a consistent cut: the command holds every shard, and the first
 * part to run takes the cut in the effects feed while all are held, so the new incr file starts
 * exactly there. Each shard then starts a fork-less snapshot of its keys there (ShardSnapshot, as
 * BGSAVE), written while clients go on: as the base itself with the RDB preamble (the default),
 * else as an RDB file that is then turned into the commands base. A BGSAVE in progress owns the
 * snapshot marks: the rewrite then waits for it (Redis's "scheduled"). The rewrite is claimed
 * before the cut, with the child process that stands for it ({@link AofPersistence#claim}), so it
 * shows as Redis's forked child does.
 */
public final class BaseAtCut implements ShardedCommand {
    /** The rewrite claimed for this call, begun at the cut by the first shard to run its part (all held by then). */
    private static final class Cut {
        private final AofPersistence.Rewrite rewrite;
        private boolean taken;
        private boolean begun;
        private SnapshotFile snapshot;
        /** Without the RDB preamble: where the snapshot goes before it becomes the commands base. */
        private Path commandsFrom;

        Cut(AofPersistence.Rewrite rewrite) {
            this.rewrite = rewrite;
        }

        synchronized boolean take(Server server) {
            if (!taken) {
                taken = true;
                begun = rewrite != null && server.aof().beginAtCut(rewrite);
                if (begun) {
                    try {
                        AofPersistence aof = server.aof();
                        boolean preamble = server.config().getBool("aof-use-rdb-preamble");
                        commandsFrom = preamble ? null : aof.baseSnapshotTemp(rewrite);
                        snapshot = new SnapshotFile(preamble ? aof.baseTemp(rewrite) : commandsFrom,
                            aof.snapshotTemp(rewrite), server.engine().shardCount(), server.config().getInt("databases"),
                            new RdbFile.Aux(Version.REDIS, System.currentTimeMillis() / 1000,
                                server.engine().usedMemory(), true),
                            server.config().getBool("rdbchecksum"));
                        // rewriteAppendOnlyFile saves no replication fields (its rsi is NULL), only the libraries
                        List<byte[]> libraries = server.scripting().libraryCodes();
                        snapshot.headAtCut(() -> CompletableFuture.completedFuture(new SnapshotFile.Head(null, libraries)));
                        rewrite.writesBaseWith(snapshot);
                    } catch (IOException e) {
                        // the rewrite has begun: it ends as a failed one (see reply)
                        Log.warning("Can't create the AOF directory: " + e.getMessage());
                        snapshot = null;
                    }
                }
            }
            return begun;
        }

        synchronized boolean begun() {
            return begun;
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
        Server server = Server.of(call);
        // a background save's walk owns the snapshot marks until it ends: no rewrite may start before
        boolean saveRunning = server.rdb().backgroundInProgress();
        AofPersistence.Rewrite r = server.aof().claim(saveRunning);
        call.share(new Cut(r));
    }

    @Override
    public Object onShard(Call call, Keyspace ks) {
        Cut cut = (Cut) call.shared();
        Server server = Server.of(call);
        if (!cut.take(server) || cut.snapshot() == null) {
            return Boolean.FALSE;
        }
        // rdb-key-save-delay slows the base as it slows Redis's rewriting child
        ShardSnapshot.begin(((ShardKeyspace) ks).shard(), cut.snapshot(), server.rdb().limits(),
            Math.max(0, server.config().getLong("rdb-key-save-delay")));
        return Boolean.TRUE;
    }

    @Override
    public void reply(Call call, List<Object> parts) {
        Server server = Server.of(call);
        AofPersistence aof = server.aof();
        Cut cut = (Cut) call.shared();
        if (cut.rewrite == null) {
            if (aof.rewriting()) {
                call.reply().error("ERR Background append only file rewriting already in progress");
            } else if (server.rdb().backgroundInProgress()) {
                aof.scheduleRewrite();
                call.reply().simple("Background append only file rewriting scheduled");
            } else {
                call.reply().error("ERR Can't execute an AOF background rewriting. Please check the server logs for more information.");
            }
            return;
        }
        if (!cut.begun()) {
            call.reply().error("ERR Can't execute an AOF background rewriting. Please check the server logs for more information.");
            return;
        }
        SnapshotFile snapshot = cut.snapshot();
        if (snapshot == null) {
            aof.baseWhenWritten(cut.rewrite, CompletableFuture.completedFuture(false), null);
        } else {
            snapshot.start();
            aof.baseWhenWritten(cut.rewrite, snapshot.done(), cut.commandsFrom());
        }
        call.reply().simple("Background append only file rewriting started");
    }
}
