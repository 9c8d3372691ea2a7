package io.ferrite.server.replication.replica;

import io.netty.buffer.ByteBuf;

import java.io.IOException;

/**
 * A full sync's RDB as it arrives after "$<length>" or "$EOF:<mark>": written to disk
 * ({@link SyncTransfer}) or handed to the loader as it comes ({@link DisklessTransfer}).
 */
interface Payload {
    /** Takes what {@code in} holds of the payload; true once the payload ended. */
    boolean consume(ByteBuf in) throws IOException;

    /** Whether the payload ends with an EOF mark rather than after a known length. */
    boolean withMark();

    /** The announced length; 0 with an EOF mark (INFO's master_sync_total_bytes shows that 0, as in Redis). */
    long size();

    /** Bytes received so far. */
    long read();

    /** The transfer was given up (the link closed). */
    void abort();
}
