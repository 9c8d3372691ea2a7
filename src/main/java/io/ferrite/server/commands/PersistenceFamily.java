package io.ferrite.server.commands;

import io.ferrite.engine.Keyspace;
import io.ferrite.engine.Shard;
import io.ferrite.engine.ShardKeyspace;
import io.ferrite.engine.command.Call;
import io.ferrite.engine.command.CommandRegistry;
import io.ferrite.engine.command.ShardedCommand;
import io.ferrite.persistence.snapshot.ShardPart;
import io.ferrite.server.snapshot.ShardSerializer;
import io.ferrite.server.Server;

import java.util.ArrayList;
import java.util.List;

/**
 * SAVE and LASTSAVE. SAVE blocks the whole server in Redis; here it holds every shard, each shard
 * serialises its own keys on its own thread, and the parts become one file in shard order. BGSAVE
 * (a fork-less point-in-time snapshot while writes go on) is not there yet, so it stays unknown.
 */
public final class PersistenceFamily {
    private PersistenceFamily() {
    }

    public static void register(CommandRegistry r) {
        r.addSharded("save", new Save());
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

    static final class Save implements ShardedCommand {
        @Override
        public Object onShard(Call call, Keyspace ks) {
            Shard shard = ((ShardKeyspace) ks).shard();
            return new Serialised(ShardSerializer.serialise(shard, Server.of(call).rdb().limits()), shard.stats.dirty());
        }

        @Override
        public void reply(Call call, List<Object> parts) {
            if (writeParts(call, parts)) {
                call.reply().ok();
            } else {
                // rdbSave failed: Redis answers its bare shared.err, the reason is in the log
                call.reply().error("ERR");
            }
        }
    }
}
