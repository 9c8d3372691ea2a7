package io.ferrite.pubsub;

import io.ferrite.engine.Engine;
import io.ferrite.engine.Notify;
import io.ferrite.engine.Shard;

import java.nio.charset.StandardCharsets;

/**
 * Redis's notifyKeyspaceEvent: a change of class {@code type} publishes {@code event} on
 * {@code __keyspace@<db>__:<key>} and {@code key} on {@code __keyevent@<db>__:<event>}, when
 * notify-keyspace-events enables the class and the channel kind. Runs on the shard where the key
 * changed: pattern subscriptions (replicated on every shard) are served right here, in the order
 * the changes happen; a channel's exact subscribers live on the channel's own shard, which gets
 * the message as a task (in the same order, as tasks from one thread keep their order).
 */
public final class KeyspaceEvents {
    private KeyspaceEvents() {
    }

    /** Whether an event of class {@code type} is published at all under {@code flags}. */
    public static boolean wanted(int flags, int type) {
        return (flags & type) != 0 && (flags & (Notify.KEYSPACE | Notify.KEYEVENT)) != 0;
    }

    /** Publishes one event from {@code here}, the shard whose thread is running. */
    public static void publish(Engine engine, Shard here, int flags, int db, String event, byte[] key) {
        if (!here.pubsub.anyKeyspaceListener()) {
            return;
        }
        byte[] ev = event.getBytes(StandardCharsets.US_ASCII);
        if ((flags & Notify.KEYSPACE) != 0) {
            byte[] prefix = ("__keyspace@" + db + "__:").getBytes(StandardCharsets.US_ASCII);
            byte[] channel = new byte[prefix.length + key.length];
            System.arraycopy(prefix, 0, channel, 0, prefix.length);
            System.arraycopy(key, 0, channel, prefix.length, key.length);
            send(engine, here, channel, ev);
        }
        if ((flags & Notify.KEYEVENT) != 0) {
            byte[] channel = ("__keyevent@" + db + "__:" + event).getBytes(StandardCharsets.US_ASCII);
            send(engine, here, channel, key);
        }
    }

    private static void send(Engine engine, Shard here, byte[] channel, byte[] payload) {
        here.pubsub.publishPatterns(channel, payload);
        Shard owner = engine.shardOf(channel);
        if (owner == here) {
            owner.pubsub.publishExact(channel, payload);
        } else {
            // the registry is not keyspace data: no need to wait for a hold on the owner to end
            owner.loop.execute(() -> owner.pubsub.publishExact(channel, payload));
        }
    }
}
