package io.ferrite.server.replication.replica;

import java.security.SecureRandom;

/**
 * A stand-in for the primary side's replication state until both sides meet: the replication id,
 * the secondary id and the offset up to which it is valid, and the offset (Redis's replid,
 * replid2, second_replid_offset and master_repl_offset). Written on the replica link's loop,
 * read from any thread.
 */
public final class ReplicationIds {
    private static final String NO_ID = "0000000000000000000000000000000000000000";

    private volatile String replid = newId();
    private volatile String replid2 = NO_ID;
    private volatile long secondOffset = -1;
    private volatile long offset;

    public String replid() {
        return replid;
    }

    public String replid2() {
        return replid2;
    }

    public long secondOffset() {
        return secondOffset;
    }

    public long offset() {
        return offset;
    }

    /** A full sync: the master's id and offset, no secondary id (clearReplicationId2). */
    public synchronized void adopt(String id, long at) {
        replid = id;
        offset = at;
        replid2 = NO_ID;
        secondOffset = -1;
    }

    /** A partial resync under a new id: the old one stays valid up to the current offset + 1. */
    public synchronized void changed(String id) {
        replid2 = replid;
        secondOffset = offset + 1;
        replid = id;
    }

    /** Bytes of the master's stream applied here. */
    public synchronized void advance(long bytes) {
        offset += bytes;
    }

    /** Redis's shiftReplicationId on promotion: the old id becomes replid2, and a new history starts. */
    public synchronized void shift() {
        changed(newId());
    }

    /** 40 random hex characters, as Redis's getRandomHexChars makes a replication id. */
    static String newId() {
        SecureRandom r = new SecureRandom();
        char[] id = new char[40];
        for (int i = 0; i < id.length; i++) {
            id[i] = "0123456789abcdef".charAt(r.nextInt(16));
        }
        return new String(id);
    }
}
