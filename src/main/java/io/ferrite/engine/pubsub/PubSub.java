package io.ferrite.engine.pubsub;

import io.ferrite.engine.Client;
import io.ferrite.engine.Engine;
import io.ferrite.engine.Shard;
import io.ferrite.engine.tracking.TrackingCommands;

import java.util.List;

/** Pub/sub bookkeeping that spans shards: dropping every subscription of a client that leaves. */
public final class PubSub {
    private PubSub() {
    }

    /** On the client's loop, at disconnect or RESET: forgets its subscriptions (and its tracking) here and on every shard. */
    public static void disconnected(Engine engine, Client client) {
        TrackingCommands.disconnected(engine, client);
        if (!client.subscriptions.active()) {
            return;
        }
        List<byte[]>[] all = client.subscriptions.clear();
        for (Shard s : engine.shards()) {
            // s.run keeps order with a (un)subscribe of this client still parked on a held shard
            s.run(() -> forget(s, client, all));
        }
    }

    /** On shard {@code s}'s thread: removes {@code client} from the channels and patterns of {@code all} that live here. */
    public static void forget(Shard s, Client client, List<byte[]>[] all) {
        Subscriptions.Kind[] kinds = Subscriptions.Kind.values();
        for (int i = 0; i < kinds.length; i++) {
            for (byte[] name : all[i]) {
                if (PubSubRegistry.replicated(kinds[i], name) || s.engine.shardOf(name) == s) {
                    s.pubsub.remove(kinds[i], name, client);
                }
            }
        }
    }
}
