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

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * BGREWRITEAOF's base, produced at a consistent cut: the one place that decides how the data at
 * the cut becomes the base's parts. Today the simple way: the command holds every shard
 * (the first part to run takes the cut in the effects feed while all are held, so the new incr file
 * starts exactly there), each shard serialises its keys on its own thread ({@link #onShard}),
 * and the file is written off the shard threads ({@link #reply}). The holds last as long as the
 * serialisation; switching to the fork-less incremental snapshot (the cut as one barrier, each
 * shard serialising while writes go on) changes only this class.
 */
public final class BaseAtCut implements ShardedCommand {
    /** The rewrite begun at the cut, once per call: the first shard to run its part begins it, all held by then. */
    private static final class Cut {
        private boolean taken;
        private AofPersistence.Rewrite rewrite;

        synchronized AofPersistence.Rewrite take(AofPersistence aof) {
            if (!taken) {
                taken = true;
                rewrite = aof.beginAtCut();
            }
            return rewrite;
        }

        synchronized AofPersistence.Rewrite rewrite() {
            return rewrite;
        }
    }

    @Override
    public void before(Call call) {
        // runs once before the shards are held and again once they are: the cut itself is taken in onShard
        if (call.shared() == null) {
            call.share(new Cut());
        }
    }

    @Override
    public Object onShard(Call call, Keyspace ks) {
        if (((Cut) call.shared()).take(Server.of(call).aof()) == null) {
            return Boolean.FALSE;
        }
        Shard shard = ((ShardKeyspace) ks).shard();
        return ShardSerializer.serialise(shard, Server.of(call).rdb().limits());
    }

    @Override
    public void reply(Call call, List<Object> parts) {
        AofPersistence aof = Server.of(call).aof();
        AofPersistence.Rewrite r = ((Cut) call.shared()).rewrite();
        if (r == null) {
            if (aof.rewriting()) {
                call.reply().error("ERR Background append only file rewriting already in progress");
            } else {
                call.reply().error("ERR Can't execute an AOF background rewriting. Please check the server logs for more information.");
            }
            return;
        }
        List<ShardPart> ps = new ArrayList<>();
        for (Object p : parts) {
            ps.add((ShardPart) p);
        }
        aof.baseAtCut(r, ps);
        call.reply().simple("Background append only file rewriting started");
    }

    /** The data as it is now, from a thread that is no shard's (start-up, before any client). */
    static List<ShardPart> fromOutside(Server server) throws IOException {
        try {
            return EngineLoad.serialiseAll(server.engine(), server.rdb().limits());
        } catch (RdbLoadException e) {
            throw new IOException(e.getMessage(), e);
        }
    }
}
