package io.ferrite.command.family;

import io.ferrite.command.Call;
import io.ferrite.command.CommandRegistry;
import io.ferrite.command.ShardedCommand;
import io.ferrite.engine.Keyspace;
import io.ferrite.engine.ShardKeyspace;

import java.util.List;

/** Generic key commands (Redis db.c, expire.c). */
public final class KeyFamily {
    private KeyFamily() {
    }

    public static void register(CommandRegistry r) {
        r.add("del", KeyFamily::del);
        r.add("unlink", KeyFamily::del);
        r.add("exists", KeyFamily::exists);
        r.addSharded("dbsize", new ShardedCommand() {
            @Override
            public Object onShard(Call call, Keyspace ks) {
                return (long) ks.size();
            }

            @Override
            public void reply(Call call, List<Object> parts) {
                call.reply.integer(parts.stream().mapToLong(p -> (Long) p).sum());
            }
        });
        r.addSharded("flushall", new ShardedCommand() {
            @Override
            public Object onShard(Call call, Keyspace ks) {
                ShardKeyspace s = (ShardKeyspace) ks;
                for (int db = 0; db < s.shard().databases(); db++) {
                    s.shard().view(db).flush();
                }
                return null;
            }

            @Override
            public void reply(Call call, List<Object> parts) {
                call.reply.ok();
            }
        });
    }

    static void del(Call c) {
        long n = 0;
        for (int i = 1; i < c.argc(); i++) {
            if (c.ks.delete(c.arg(i))) {
                n++;
            }
        }
        c.reply.integer(n);
    }

    static void exists(Call c) {
        long n = 0;
        for (int i = 1; i < c.argc(); i++) {
            if (c.ks.read(c.arg(i)) != null) {
                n++;
            }
        }
        c.reply.integer(n);
    }
}
