package io.ferrite.engine.pubsub;

import io.ferrite.store.BytesKey;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One client's subscriptions, as Redis keeps them in its client struct. Owned by the client's
 * connection loop: changed there before a (un)subscribe command fans out to the shards, and read
 * there when a message arrives, so a message for a channel the client has just left is dropped.
 * The shards' registries ({@link PubSubRegistry}) hold the other half: who to deliver to.
 */
public final class Subscriptions {
    private final Set<BytesKey> channels = new LinkedHashSet<>();
    private final Set<BytesKey> patterns = new LinkedHashSet<>();
    private final Set<BytesKey> shardChannels = new LinkedHashSet<>();
    /** The in-flight command's confirmations, decided on the client's loop before the shards register. */
    volatile List<Confirmation> planned = List.of();

    /** One (un)subscribe confirmation: ["subscribe", channel, count]; a null channel for an unsubscribe from nothing. */
    public record Confirmation(String kind, byte[] channel, long count) {
    }

    private static BytesKey k(byte[] b) {
        return new BytesKey(0, b);
    }

    public boolean hasChannel(byte[] c) {
        return channels.contains(k(c));
    }

    public boolean hasPattern(byte[] p) {
        return patterns.contains(k(p));
    }

    public boolean hasShardChannel(byte[] c) {
        return shardChannels.contains(k(c));
    }

    public int channelCount() {
        return channels.size();
    }

    public int patternCount() {
        return patterns.size();
    }

    public int shardChannelCount() {
        return shardChannels.size();
    }

    /** Redis's CLIENT_PUBSUB flag: subscribed to anything (the RESP2 subscriber mode, the pubsub client class). */
    public boolean active() {
        return !channels.isEmpty() || !patterns.isEmpty() || !shardChannels.isEmpty();
    }

    /** Redis's clientSubscriptionsCount (channels and patterns) or, for shard channels, clientShardSubscriptionsCount. */
    private long count(Set<BytesKey> set) {
        return set == shardChannels ? shardChannels.size() : channels.size() + patterns.size();
    }

    public enum Kind {
        CHANNEL("subscribe", "unsubscribe"), PATTERN("psubscribe", "punsubscribe"), SHARD("ssubscribe", "sunsubscribe");

        final String on;
        final String off;

        Kind(String on, String off) {
            this.on = on;
            this.off = off;
        }
    }

    private Set<BytesKey> set(Kind kind) {
        return switch (kind) {
            case CHANNEL -> channels;
            case PATTERN -> patterns;
            case SHARD -> shardChannels;
        };
    }

    /** SUBSCRIBE and friends: records the new names and plans the confirmations; returns the names. */
    public List<byte[]> subscribe(Kind kind, List<byte[]> names) {
        Set<BytesKey> set = set(kind);
        List<Confirmation> out = new ArrayList<>(names.size());
        for (byte[] n : names) {
            set.add(k(n));
            out.add(new Confirmation(kind.on, n, count(set)));
        }
        planned = out;
        return names;
    }

    /** UNSUBSCRIBE and friends: the names given, or every one held when none are; returns the names left. */
    public List<byte[]> unsubscribe(Kind kind, List<byte[]> names) {
        Set<BytesKey> set = set(kind);
        List<byte[]> targets = names;
        if (names.isEmpty()) {
            targets = new ArrayList<>();
            for (BytesKey b : set) {
                targets.add(b.bytes());
            }
        }
        List<Confirmation> out = new ArrayList<>(targets.size() + 1);
        for (byte[] n : targets) {
            set.remove(k(n));
            out.add(new Confirmation(kind.off, n, count(set)));
        }
        if (targets.isEmpty()) {
            out.add(new Confirmation(kind.off, null, count(set)));
        }
        planned = out;
        return targets;
    }

    /** Every subscription, for a disconnect or RESET; clears them. */
    public List<byte[]>[] clear() {
        @SuppressWarnings("unchecked")
        List<byte[]>[] all = new List[3];
        Kind[] kinds = Kind.values();
        for (int i = 0; i < kinds.length; i++) {
            all[i] = new ArrayList<>();
            for (BytesKey b : set(kinds[i])) {
                all[i].add(b.bytes());
            }
            set(kinds[i]).clear();
        }
        return all;
    }

    /** Whether every name subscribed as {@code kind} passes {@code allowed} (ACL rules changed: may it stay?). */
    public boolean all(Kind kind, java.util.function.Predicate<byte[]> allowed) {
        for (BytesKey b : set(kind)) {
            if (!allowed.test(b.bytes())) {
                return false;
            }
        }
        return true;
    }

    public List<Confirmation> planned() {
        return planned;
    }
}
