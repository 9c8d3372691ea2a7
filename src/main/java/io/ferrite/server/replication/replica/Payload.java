package io.ferrite.server.replication.replica;

import io.netty.buffer.ByteBuf;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * A full sync's RDB as it arrives after "$<length>" or "$EOF:<40 characters>" (a master streaming
 * its snapshot does not know the length ahead, and ends it with that same mark): written to disk
 * ({@link SyncTransfer}) or handed to the loader as it comes ({@link DisklessTransfer}).
 */
abstract class Payload {
    /** Redis's CONFIG_RUN_ID_SIZE: the EOF mark's length. */
    static final int MARK_LENGTH = 40;

    /** The EOF mark, or null when the length is known. */
    final byte[] mark;
    /** The announced length; 0 with an EOF mark (INFO's master_sync_total_bytes shows that 0, as in Redis). */
    final long size;
    /** Bytes received so far. */
    volatile long read;

    /** A payload for the bulk header line (without its line end); IllegalArgumentException for one that is neither form. */
    Payload(String header) {
        if (header.startsWith("$EOF:") && header.length() >= 5 + MARK_LENGTH) {
            mark = header.substring(5, 5 + MARK_LENGTH).getBytes(StandardCharsets.ISO_8859_1);
            size = 0;
        } else {
            mark = null;
            try {
                size = Long.parseLong(header.substring(1).trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad bulk length '" + header + "'");
            }
        }
    }

    /** Takes what {@code in} holds of the payload; true once the payload ended. */
    abstract boolean consume(ByteBuf in) throws IOException;

    /** The transfer was given up (the link closed). */
    abstract void abort();

    /** Whether the payload ends with an EOF mark rather than after a known length. */
    final boolean withMark() {
        return mark != null;
    }

    final long size() {
        return size;
    }

    final long read() {
        return read;
    }
}
