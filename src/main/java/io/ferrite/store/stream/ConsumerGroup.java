package io.ferrite.store.stream;

import io.ferrite.common.ShardConfined;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * A consumer group (Redis's streamCG): the last delivered ID, the logical count of entries read
 * (for the lag in XINFO GROUPS), the pending entries list and the consumers, kept in name order as
 * Redis's radix tree keeps them.
 */
@ShardConfined
public final class ConsumerGroup {
    /** Redis's SCG_INVALID_ENTRIES_READ: the read counter is unknown. */
    public static final long INVALID_ENTRIES_READ = -1;

    public final byte[] name;
    private StreamId lastId;
    private long entriesRead;
    public final TreeMap<StreamId, PendingEntry> pel = new TreeMap<>();
    public final TreeMap<byte[], Consumer> consumers = new TreeMap<>(Arrays::compareUnsigned);
    /** Kept up to date by every change below, so a stream's size is known without walking its groups. */
    private long memory;

    /** Estimated bytes of a group, a consumer, and a pending entry (its node in both PEL trees). */
    private static final long GROUP = 112;
    private static final long CONSUMER = 112;
    private static final long PENDING = 88;

    ConsumerGroup(byte[] name, StreamId lastId, long entriesRead) {
        this.name = name;
        this.lastId = lastId;
        this.entriesRead = entriesRead;
        memory = GROUP + name.length;
    }

    /** The last ID delivered to the group (XGROUP SETID, XREADGROUP >). */
    public StreamId lastId() {
        return lastId;
    }

    public void lastId(StreamId id) {
        lastId = id;
    }

    /** The logical count of entries the group has read, or {@link #INVALID_ENTRIES_READ}. */
    public long entriesRead() {
        return entriesRead;
    }

    public void entriesRead(long n) {
        entriesRead = n;
    }

    public Consumer consumer(byte[] consumerName) {
        return consumers.get(consumerName);
    }

    /** Creates the consumer; null if it already exists. */
    public Consumer createConsumer(byte[] consumerName, long now) {
        if (consumers.containsKey(consumerName)) {
            return null;
        }
        Consumer c = new Consumer(consumerName, now);
        consumers.put(consumerName, c);
        memory += CONSUMER + consumerName.length;
        return c;
    }

    /** Deletes a consumer and its pending entries from the group PEL (streamDelConsumer). */
    public void deleteConsumer(Consumer c) {
        for (StreamId id : c.pel.keySet()) {
            pel.remove(id);
        }
        memory -= CONSUMER + c.name.length + PENDING * c.pel.size();
        consumers.remove(c.name);
    }

    /** Records a delivery to {@code c}: a new PEL entry, or one moved over from its previous owner. */
    public void deliver(StreamId id, Consumer c, long now) {
        PendingEntry p = pel.get(id);
        if (p == null) {
            p = new PendingEntry(c, now, 1);
            pel.put(id, p);
            memory += PENDING;
        } else {
            p.consumer().pel.remove(id);
            p.consumer(c);
            p.deliveryTime(now);
            p.deliveryCount(1);
        }
        c.pel.put(id, p);
    }

    /** Adds a PEL entry (XCLAIM FORCE). */
    public PendingEntry addPending(StreamId id, Consumer c, long deliveryTime, long deliveryCount) {
        PendingEntry p = new PendingEntry(c, deliveryTime, deliveryCount);
        pel.put(id, p);
        c.pel.put(id, p);
        memory += PENDING;
        return p;
    }

    /** Moves an existing PEL entry to another consumer. */
    public void transfer(StreamId id, PendingEntry p, Consumer to) {
        if (p.consumer() != to) {
            p.consumer().pel.remove(id);
            p.consumer(to);
            to.pel.put(id, p);
        }
    }

    /** Removes a PEL entry from the group and its consumer (XACK, or a claim of a deleted entry). */
    public boolean acknowledge(StreamId id) {
        PendingEntry p = pel.remove(id);
        if (p == null) {
            return false;
        }
        p.consumer().pel.remove(id);
        memory -= PENDING;
        return true;
    }

    ConsumerGroup copy() {
        ConsumerGroup g = new ConsumerGroup(name, lastId, entriesRead);
        for (Consumer c : consumers.values()) {
            Consumer d = g.createConsumer(c.name, c.seenTime());
            for (Map.Entry<StreamId, PendingEntry> e : c.pel.entrySet()) {
                g.addPending(e.getKey(), d, e.getValue().deliveryTime(), e.getValue().deliveryCount());
            }
        }
        return g;
    }

    long memory() {
        return memory;
    }
}
