package io.ferrite.command.family;

import io.ferrite.command.Args;
import io.ferrite.engine.command.Call;
import io.ferrite.engine.command.CommandRegistry;
import io.ferrite.engine.command.ShardedCommand;
import io.ferrite.engine.Keyspace;
import io.ferrite.engine.ShardKeyspace;
import io.ferrite.stats.SlowLog;

import java.util.Comparator;
import java.util.List;

/**
 * SLOWLOG GET, LEN, RESET, HELP (Redis 7.0 slowlog.c). Each shard logs the slow commands it ran;
 * these commands visit every shard on its own thread and merge the parts, newest first, keeping
 * at most slowlog-max-len entries in all.
 */
public final class SlowlogFamily {
    private static final String[] HELP = {
        "SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "GET [<count>]",
        "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
        "    Entries are made of:",
        "    id, timestamp, time in microseconds, arguments array, client IP and port,",
        "    client name",
        "LEN",
        "    Return the length of the slowlog.",
        "RESET",
        "    Reset the slowlog.",
        "HELP",
        "    Prints this help.",
    };

    private SlowlogFamily() {
    }

    public static void register(CommandRegistry r) {
        r.addSharded("slowlog|get", new Get());
        r.addSharded("slowlog|len", new Len());
        r.addSharded("slowlog|reset", ShardedCommand.okAfterEveryShard(c -> { }, ks -> slowlog(ks).reset()));
        r.add("slowlog|help", c -> FamilyUtil.help(c, HELP));
    }

    static SlowLog slowlog(Keyspace ks) {
        return ((ShardKeyspace) ks).shard().stats.slowlog;
    }

    static long maxLen(Call c) {
        return c.server.observer().slowlogMaxLen();
    }

    /** SLOWLOG GET [count]: count -1 means all; the default is 10. */
    static final class Get implements ShardedCommand {
        @Override
        public Object onShard(Call call, Keyspace ks) {
            return slowlog(ks).newest(maxLen(call));
        }

        @Override
        public void reply(Call c, List<Object> parts) {
            if (c.argc() > 3) {
                // Redis's addReplySubcommandSyntaxError, naming the subcommand as the client spelled it
                c.reply().error("ERR unknown subcommand or wrong number of arguments for '" + c.argString(1)
                    + "'. Try SLOWLOG HELP.");
                return;
            }
            long count = 10;
            if (c.argc() == 3) {
                Long n = Args.atLeastOrReply(c, 2, -1, "ERR count should be greater than or equal to -1");
                if (n == null) {
                    return;
                }
                count = n;
            }
            List<SlowLog.Entry> all = FamilyUtil.joined(parts);
            // newest first across shards; one shard's entries are already in that order (stable sort)
            all.sort(Comparator.comparingLong(SlowLog.Entry::finishedMicros).reversed());
            long keep = Math.min(all.size(), maxLen(c));
            if (count >= 0) {
                keep = Math.min(keep, count);
            }
            c.reply().array((int) keep);
            for (int i = 0; i < keep; i++) {
                SlowLog.Entry e = all.get(i);
                c.reply().array(6);
                c.reply().integer(e.id());
                c.reply().integer(e.timestamp());
                c.reply().integer(e.durationMicros());
                c.reply().array(e.args().length);
                for (byte[] a : e.args()) {
                    c.reply().bulk(a);
                }
                c.reply().bulk(e.addr());
                c.reply().bulk(e.name());
            }
        }

        @Override
        public boolean atomic() {
            return false;
        }
    }

    static final class Len implements ShardedCommand {
        @Override
        public Object onShard(Call call, Keyspace ks) {
            return (long) slowlog(ks).length();
        }

        @Override
        public void reply(Call c, List<Object> parts) {
            long n = 0;
            for (Object p : parts) {
                n += (Long) p;
            }
            c.reply().integer(Math.min(n, maxLen(c)));
        }

        @Override
        public boolean atomic() {
            return false;
        }
    }
}
