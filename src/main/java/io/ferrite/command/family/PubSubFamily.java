package io.ferrite.command.family;

import io.ferrite.engine.Engine;
import io.ferrite.engine.Keyspace;
import io.ferrite.engine.Shard;
import io.ferrite.engine.ShardKeyspace;
import io.ferrite.engine.command.Call;
import io.ferrite.engine.command.CommandRegistry;
import io.ferrite.engine.command.ShardedCommand;
import io.ferrite.engine.pubsub.PubSubRegistry;
import io.ferrite.engine.pubsub.Subscriptions.Kind;
import io.ferrite.engine.pubsub.Subscriptions;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Pub/sub (Redis's pubsub.c): SUBSCRIBE and friends, PUBLISH, SPUBLISH, PUBSUB introspection.
 * A channel belongs to the shard of its hash slot; PUBLISH runs there. (Un)subscribing changes the
 * client's own subscription set first (on its loop) and then every shard concerned, and confirms
 * only once the shards have registered, so a PUBLISH sent after the confirmation always counts
 * the new subscriber.
 */
public final class PubSubFamily {
    private static final String[] HELP = {
        "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "CHANNELS [<pattern>]",
        "    Return the currently active channels matching a <pattern> (default: '*').",
        "NUMPAT",
        "    Return number of subscriptions to patterns.",
        "NUMSUB [<channel> ...]",
        "    Return the number of subscribers for the specified channels, excluding",
        "    pattern subscriptions(default: no channels).",
        "SHARDCHANNELS [<pattern>]",
        "    Return the currently active shard level channels matching a <pattern> (default: '*').",
        "SHARDNUMSUB [<shardchannel> ...]",
        "    Return the number of subscribers for the specified shard level channel(s)",
        "HELP",
        "    Prints this help.",
    };

    private PubSubFamily() {
    }

    public static void register(CommandRegistry r) {
        r.addSharded("subscribe", new Subscribing(Kind.CHANNEL, true));
        r.addSharded("unsubscribe", new Subscribing(Kind.CHANNEL, false));
        r.addSharded("psubscribe", new Subscribing(Kind.PATTERN, true));
        r.addSharded("punsubscribe", new Subscribing(Kind.PATTERN, false));
        r.addSharded("ssubscribe", new Subscribing(Kind.SHARD, true));
        r.addSharded("sunsubscribe", new Subscribing(Kind.SHARD, false));
        // the channel is not a key, but it picks the shard: route PUBLISH as SPUBLISH is routed
        r.addRoutedLike("publish", "spublish", c -> c.reply().integer(shard(c).pubsub.publish(c.arg(1), c.arg(2))));
        r.add("spublish", c -> c.reply().integer(shard(c).pubsub.publishShard(c.arg(1), c.arg(2))));
        r.addSharded("pubsub|channels", new Channels(false));
        r.addSharded("pubsub|shardchannels", new Channels(true));
        r.addSharded("pubsub|numsub", new NumSub(false));
        r.addSharded("pubsub|shardnumsub", new NumSub(true));
        r.addSharded("pubsub|numpat", new ShardedCommand() {
            @Override
            public Object onShard(Call call, Keyspace ks) {
                return shard(ks).pubsub.patternCount();
            }

            @Override
            public void reply(Call call, List<Object> parts) {
                // every shard holds every pattern
                call.reply().integer((Integer) parts.get(0));
            }

            @Override
            public boolean atomic() {
                return false;
            }
        });
        r.add("pubsub|help", c -> FamilyUtil.help(c, HELP));
    }

    private static Shard shard(Call c) {
        return shard(c.ks());
    }

    private static Shard shard(Keyspace ks) {
        return ((ShardKeyspace) ks).shard();
    }

    private static List<byte[]> names(Call c) {
        return new ArrayList<>(Arrays.asList(c.args).subList(1, c.argc()));
    }

    /** Which shards hold a name: every shard for a replicated one (patterns, keyspace-notification channels), else its own shard. */
    private static boolean held(Engine engine, Kind kind, byte[] name, Shard s) {
        return PubSubRegistry.replicated(kind, name) || engine.shardOf(name) == s;
    }

    /** (P|S)SUBSCRIBE and (P|S)UNSUBSCRIBE: client side first, then the shards, then the confirmations. */
    private record Subscribing(Kind kind, boolean on) implements ShardedCommand {
        @Override
        public void before(Call call) {
            Subscriptions subs = call.client.subscriptions;
            if (on) {
                subs.subscribe(kind, names(call));
            } else {
                subs.unsubscribe(kind, names(call));
            }
        }

        @Override
        public Object onShard(Call call, Keyspace ks) {
            Shard s = shard(ks);
            Engine engine = s.engine;
            for (Subscriptions.Confirmation c : call.client.subscriptions.planned()) {
                if (c.channel() != null && held(engine, kind, c.channel(), s)) {
                    if (on) {
                        s.pubsub.add(kind, c.channel(), call.client);
                    } else {
                        s.pubsub.remove(kind, c.channel(), call.client);
                    }
                }
            }
            return null;
        }

        @Override
        public void reply(Call call, List<Object> parts) {
            call.client.repliedWithPushes(true);
            for (Subscriptions.Confirmation c : call.client.subscriptions.planned()) {
                call.reply().push(3);
                call.reply().bulk(c.kind());
                call.reply().bulk(c.channel());
                call.reply().integer(c.count());
            }
        }

        @Override
        public boolean atomic() {
            return false;
        }
    }

    /** PUBSUB CHANNELS / SHARDCHANNELS [pattern]: every shard's active channels. */
    private record Channels(boolean shardChannels) implements ShardedCommand {
        @Override
        public Object onShard(Call call, Keyspace ks) {
            if (call.argc() > 3) {
                return List.of();
            }
            return shard(ks).pubsub.active(shardChannels, call.argc() == 3 ? call.arg(2) : null);
        }

        @Override
        public void reply(Call call, List<Object> parts) {
            if (call.argc() > 3) {
                call.reply().error("ERR unknown subcommand or wrong number of arguments for '" + call.argString(1)
                    + "'. Try PUBSUB HELP.");
                return;
            }
            List<byte[]> all = new ArrayList<>();
            for (Object p : parts) {
                @SuppressWarnings("unchecked")
                List<byte[]> l = (List<byte[]>) p;
                all.addAll(l);
            }
            call.reply().array(all.size());
            all.forEach(call.reply()::bulk);
        }

        @Override
        public boolean atomic() {
            return false;
        }
    }

    /** PUBSUB NUMSUB / SHARDNUMSUB channel...: each count from the channel's own shard. */
    private record NumSub(boolean shardChannels) implements ShardedCommand {
        @Override
        public Object onShard(Call call, Keyspace ks) {
            Shard s = shard(ks);
            int[] counts = new int[call.argc() - 2];
            for (int i = 2; i < call.argc(); i++) {
                counts[i - 2] = s.engine.shardOf(call.arg(i)) == s ? s.pubsub.subscribers(shardChannels, call.arg(i)) : 0;
            }
            return counts;
        }

        @Override
        public void reply(Call call, List<Object> parts) {
            call.reply().array((call.argc() - 2) * 2);
            for (int i = 2; i < call.argc(); i++) {
                int n = 0;
                for (Object p : parts) {
                    n += ((int[]) p)[i - 2];
                }
                call.reply().bulk(call.arg(i));
                call.reply().integer(n);
            }
        }

        @Override
        public boolean atomic() {
            return false;
        }
    }
}
