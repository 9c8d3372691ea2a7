package io.ferrite.store.stream;

/** A delivered, not yet acknowledged entry of a consumer group's PEL (Redis's streamNACK). */
public final class PendingEntry {
    /** Unix ms of the last delivery. */
    public long deliveryTime;
    public long deliveryCount;
    public Consumer consumer;

    PendingEntry(Consumer consumer, long deliveryTime, long deliveryCount) {
        this.consumer = consumer;
        this.deliveryTime = deliveryTime;
        this.deliveryCount = deliveryCount;
    }
}
