package io.ferrite.engine.pubsub;

import io.ferrite.store.Glob;
import io.ferrite.engine.Client;
import io.ferrite.store.BytesKey;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One shard's part of the pub/sub registry, touched only by that shard's thread. Channels (and
 * shard channels) belong to the shard their hash slot maps to, as sharded pub/sub does in Redis
 * Cluster, so PUBLISH runs on one shard with no coordination. Pattern subscriptions match channels
 * of every shard, so each shard keeps a full replica of them: a publish on any shard counts and
 * delivers its pattern matches locally, and keyspace notifications match patterns on the shard
 * where the key changed, in the order the changes happened.
 */
public final class PubSubRegistry {
    private final Map<BytesKey, Set<Client>> channels = new LinkedHashMap<>();
    private final Map<BytesKey, Set<Client>> shardChannels = new LinkedHashMap<>();
    private final Map<BytesKey, Set<Client>> patterns = new LinkedHashMap<>();
    /** Exact subscriptions to keyspace-notification channels in this shard's replica of them. */
    private int keyChannelSubscriptions;
    /** Whether this shard owns a channel (its hash slot's shard): replicated channels are reported by their owner only. */
    private final java.util.function.Predicate<byte[]> owns;

    public PubSubRegistry(java.util.function.Predicate<byte[]> owns) {
        this.owns = owns;
    }

    private static final byte[] KEYSPACE = "__keyspace@".getBytes();
    private static final byte[] KEYEVENT = "__keyevent@".getBytes();

    private static boolean keyChannel(Subscriptions.Kind kind, byte[] name) {
        return kind == Subscriptions.Kind.CHANNEL && (startsWith(name, KEYSPACE) || startsWith(name, KEYEVENT));
    }

    /**
     * Whether every shard holds this subscription: patterns (they match channels of every shard)
     * and keyspace-notification channels, so that a key's shard delivers all of a change's
     * notifications itself, in the order the changes happen, with no hop.
     */
    public static boolean replicated(Subscriptions.Kind kind, byte[] name) {
        return kind == Subscriptions.Kind.PATTERN || keyChannel(kind, name);
    }

    private static boolean startsWith(byte[] b, byte[] prefix) {
        return b.length >= prefix.length && java.util.Arrays.equals(b, 0, prefix.length, prefix, 0, prefix.length);
    }

    /** Whether a keyspace notification published from this shard could reach anyone: if not, it is not even built. */
    public boolean anyKeyspaceListener() {
        return !patterns.isEmpty() || keyChannelSubscriptions > 0;
    }

    private static BytesKey k(byte[] b) {
        return new BytesKey(0, b);
    }

    private Map<BytesKey, Set<Client>> map(Subscriptions.Kind kind) {
        return switch (kind) {
            case CHANNEL -> channels;
            case PATTERN -> patterns;
            case SHARD -> shardChannels;
        };
    }

    public void add(Subscriptions.Kind kind, byte[] name, Client c) {
        if (map(kind).computeIfAbsent(k(name), x -> new LinkedHashSet<>(2)).add(c) && keyChannel(kind, name)) {
            keyChannelSubscriptions++;
        }
    }

    public void remove(Subscriptions.Kind kind, byte[] name, Client c) {
        Map<BytesKey, Set<Client>> m = map(kind);
        BytesKey key = k(name);
        Set<Client> s = m.get(key);
        if (s != null && s.remove(c)) {
            if (s.isEmpty()) {
                m.remove(key);
            }
            if (keyChannel(kind, name)) {
                keyChannelSubscriptions--;
            }
        }
    }

    /** PUBLISH on the channel's own shard: exact subscribers, then pattern matches; returns the receivers. */
    public int publish(byte[] channel, byte[] payload) {
        return publishExact(channel, payload) + publishPatterns(channel, payload);
    }

    /** Delivers to the channel's exact subscribers; on the channel's shard (any shard for a keyspace-notification channel). */
    public int publishExact(byte[] channel, byte[] payload) {
        Set<Client> subs = channels.get(k(channel));
        if (subs == null) {
            return 0;
        }
        Message m = new Message(Message.Kind.MESSAGE, null, channel, payload);
        for (Client c : subs) {
            c.session().deliver(m);
        }
        return subs.size();
    }

    /** Delivers to every pattern subscription matching the channel; valid on any shard (patterns are replicated). */
    public int publishPatterns(byte[] channel, byte[] payload) {
        if (patterns.isEmpty()) {
            return 0;
        }
        int n = 0;
        for (Map.Entry<BytesKey, Set<Client>> e : patterns.entrySet()) {
            byte[] p = e.getKey().bytes();
            if (Glob.match(p, channel)) {
                Message m = new Message(Message.Kind.PMESSAGE, p, channel, payload);
                for (Client c : e.getValue()) {
                    c.session().deliver(m);
                }
                n += e.getValue().size();
            }
        }
        return n;
    }

    /** SPUBLISH on the shard channel's shard. */
    public int publishShard(byte[] channel, byte[] payload) {
        Set<Client> subs = shardChannels.get(k(channel));
        if (subs == null) {
            return 0;
        }
        Message m = new Message(Message.Kind.SMESSAGE, null, channel, payload);
        for (Client c : subs) {
            c.session().deliver(m);
        }
        return subs.size();
    }

    public boolean hasPatterns() {
        return !patterns.isEmpty();
    }

    /** PUBSUB CHANNELS / SHARDCHANNELS: this shard's active channels matching the pattern (null: all). */
    public List<byte[]> active(boolean shard, byte[] pattern) {
        List<byte[]> out = new ArrayList<>();
        for (BytesKey c : (shard ? shardChannels : channels).keySet()) {
            if (!reportedHere(c.bytes())) {
                continue;
            }
            if (pattern == null || Glob.match(pattern, c.bytes())) {
                out.add(c.bytes());
            }
        }
        return out;
    }

    /** PUBSUB NUMSUB / SHARDNUMSUB for a channel this shard owns. */
    public int subscribers(boolean shard, byte[] channel) {
        Set<Client> s = (shard ? shardChannels : channels).get(k(channel));
        return s == null ? 0 : s.size();
    }

    /** Distinct patterns: PUBSUB NUMPAT, INFO's pubsub_patterns (every shard holds all of them). */
    public int patternCount() {
        return patterns.size();
    }

    /** Channels with subscribers on this shard, for INFO's pubsub_channels / pubsubshard_channels. */
    public int channelCount(boolean shard) {
        if (shard || keyChannelSubscriptions == 0) {
            return (shard ? shardChannels : channels).size();
        }
        int n = 0;
        for (BytesKey c : channels.keySet()) {
            if (reportedHere(c.bytes())) {
                n++;
            }
        }
        return n;
    }

    /** A replicated channel is counted by its owner only; others only exist on their owner. */
    private boolean reportedHere(byte[] channel) {
        return !keyChannel(Subscriptions.Kind.CHANNEL, channel) || owns.test(channel);
    }
}
