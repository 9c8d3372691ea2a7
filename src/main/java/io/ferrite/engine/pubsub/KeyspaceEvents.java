package io.ferrite.engine.pubsub;

import io.ferrite.engine.Notify;
import io.ferrite.engine.Shard;

import java.nio.charset.StandardCharsets;

/**
 * Redis's notifyKeyspaceEvent: a change of class {@code type} publishes {@code event} on
 * {@code __keyspace@<db>__:<key>} and {@code key} on {@code __keyevent@<db>__:<event>}, when
 * notify-keyspace-events enables the class and the channel kind. Runs on the shard where the key
 * changed: pattern subscriptions and subscriptions to these channels are replicated on every
 * shard, so each change's notifications are delivered right here, in the order the changes
 * happen, with no hop to another shard.
 */
public final class KeyspaceEvents {
    private KeyspaceEvents() {
    }

    /** Whether an event of class {@code type} is published at all under {@code flags}. */
    public static boolean wanted(int flags, Notify type) {
        return type.in(flags) && (Notify.KEYSPACE.in(flags) || Notify.KEYEVENT.in(flags));
    }

    /** Publishes one event from {@code here}, the shard whose thread is running. */
    public static void publish(Shard here, int flags, int db, String event, byte[] key) {
        if (!here.pubsub.anyKeyspaceListener()) {
            return;
        }
        byte[] ev = event.getBytes(StandardCharsets.US_ASCII);
        if (Notify.KEYSPACE.in(flags)) {
            byte[] prefix = ("__keyspace@" + db + "__:").getBytes(StandardCharsets.US_ASCII);
            byte[] channel = new byte[prefix.length + key.length];
            System.arraycopy(prefix, 0, channel, 0, prefix.length);
            System.arraycopy(key, 0, channel, prefix.length, key.length);
            send(here, channel, ev);
        }
        if (Notify.KEYEVENT.in(flags)) {
            byte[] channel = ("__keyevent@" + db + "__:" + event).getBytes(StandardCharsets.US_ASCII);
            send(here, channel, key);
        }
    }

    private static void send(Shard here, byte[] channel, byte[] payload) {
        // patterns and keyspace-channel subscriptions are replicated on every shard: all delivered from here
        here.pubsub.publishPatterns(channel, payload);
        here.pubsub.publishExact(channel, payload);
    }
}
