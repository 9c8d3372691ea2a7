package io.ferrite.store.stream;

import io.ferrite.common.ShardConfined;

/** A delivered, not yet acknowledged entry of a consumer group's PEL (Redis's streamNACK). */
@ShardConfined
public final class PendingEntry {
    /** Unix ms of the last delivery. */
    private long deliveryTime;
    private long deliveryCount;
    private Consumer consumer;

    PendingEntry(Consumer consumer, long deliveryTime, long deliveryCount) {
        this.consumer = consumer;
        this.deliveryTime = deliveryTime;
        this.deliveryCount = deliveryCount;
    }

    public long deliveryTime() {
        return deliveryTime;
    }

    public void deliveryTime(long at) {
        deliveryTime = at;
    }

    public long deliveryCount() {
        return deliveryCount;
    }

    public void deliveryCount(long n) {
        deliveryCount = n;
    }

    /** One more delivery (XREADGROUP of history, XCLAIM without RETRYCOUNT). */
    public void countDelivery() {
        deliveryCount++;
    }

    public Consumer consumer() {
        return consumer;
    }

    /** Changes the owner; the group moves the entry between the consumers' PELs ({@link ConsumerGroup}). */
    void consumer(Consumer owner) {
        consumer = owner;
    }
}
