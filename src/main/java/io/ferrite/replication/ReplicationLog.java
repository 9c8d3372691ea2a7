package io.ferrite.replication;

import io.netty.buffer.ByteBuf;

import java.security.SecureRandom;

/**
 * A server's replication history as PSYNC2 names it: its replication id and offset
 * (master_replid, master_repl_offset), the id it inherited with the offset up to which that one
 * is valid (master_replid2, second_repl_offset), and the backlog of the latest bytes. The offset
 * advances only while a backlog exists: a master creates it when its first replica attaches and
 * frees it after repl-backlog-ttl without replicas, each time starting a new history (new id, no
 * second id), as replication.c does. Not thread-safe: one owner.
 */
public final class ReplicationLog implements AutoCloseable {
    /** Redis's CONFIG_RUN_ID_SIZE. */
    public static final int ID_LENGTH = 40;
    /** What replid2 reads when there is no second history. */
    public static final String NO_ID = "0".repeat(ID_LENGTH);
    private static final SecureRandom RANDOM = new SecureRandom();

    private String replid = randomId();
    private String replid2 = NO_ID;
    private long secondReplidOffset = -1;
    private long offset;
    private long backlogSize;
    private Backlog backlog;

    public ReplicationLog(long backlogSize) {
        this.backlogSize = backlogSize;
    }

    /** 40 random hex characters (getRandomHexChars). */
    public static String randomId() {
        StringBuilder sb = new StringBuilder(ID_LENGTH);
        for (int i = 0; i < ID_LENGTH; i++) {
            sb.append("0123456789abcdef".charAt(RANDOM.nextInt(16)));
        }
        return sb.toString();
    }

    public String replid() {
        return replid;
    }

    public String replid2() {
        return replid2;
    }

    public long secondReplidOffset() {
        return secondReplidOffset;
    }

    /** master_repl_offset. */
    public long offset() {
        return offset;
    }

    /** The backlog, or null while none exists. */
    public Backlog backlog() {
        return backlog;
    }

    /** repl-backlog-size as configured (the backlog raises it to its minimum). */
    public long backlogSize() {
        return backlog != null ? backlog.size() : Math.max(backlogSize, Backlog.MIN_SIZE);
    }

    /** CONFIG SET repl-backlog-size. */
    public void resizeBacklog(long size, long keepFrom) {
        backlogSize = size;
        if (backlog != null) {
            backlog.resize(size, keepFrom);
        }
    }

    /** The first replica attached to a master with no backlog: a new history starts here (syncCommand). */
    public void createBacklog() {
        if (backlog != null) {
            return;
        }
        replid = randomId();
        clearReplid2();
        backlog = new Backlog(backlogSize, offset);
    }

    /** repl-backlog-ttl passed with no replica: the memory goes, and with it the history (replicationCron). */
    public void freeBacklog() {
        if (backlog == null) {
            return;
        }
        replid = randomId();
        clearReplid2();
        backlog.close();
        backlog = null;
    }

    /** Appends stream bytes (encoded from the feed, or a master's stream proxied as is); nothing without a backlog. */
    public void append(ByteBuf bytes) {
        if (backlog == null) {
            return;
        }
        backlog.append(bytes);
        offset = backlog.offset();
    }

    /**
     * A replica's full synchronisation from its master ended: this server now has the master's
     * history, {@code replid} at {@code offset}, and a fresh empty backlog from there (what
     * readSyncBulkPayload does after loading: master_repl_offset from the master's, the second id
     * cleared, the old backlog dropped with the sub-replicas it served).
     */
    public void adopt(String masterReplid, long masterOffset) {
        requireId(masterReplid);
        if (backlog != null) {
            backlog.close();
        }
        replid = masterReplid;
        clearReplid2();
        offset = masterOffset;
        backlog = new Backlog(backlogSize, masterOffset);
    }

    /**
     * A master started from an RDB file that recorded its history (loadDataFromDisk): a new id
     * starts at the file's offset, the file's id stays valid as the second one up to the next
     * byte, and an empty backlog from there lets the replicas that followed it continue.
     */
    public void restore(String savedReplid, long savedOffset) {
        requireId(savedReplid);
        if (backlog != null) {
            backlog.close();
        }
        replid = randomId();
        replid2 = savedReplid;
        secondReplidOffset = savedOffset + 1;
        offset = savedOffset;
        backlog = new Backlog(backlogSize, savedOffset);
    }

    /**
     * A replica promoted to master (shiftReplicationId): its history so far stays valid under the
     * old id up to the next byte, so replicas of the old master can PSYNC with it; a new id starts.
     */
    public void promote() {
        shiftTo(randomId());
    }

    /**
     * The master this replica follows answered +CONTINUE with a new id (it was failed over): the
     * current id stays valid up to the next byte as the second one, and {@code newReplid} is the id
     * from now on, as a replica's slaveTryPartialResynchronization does.
     */
    public void shiftTo(String newReplid) {
        requireId(newReplid);
        replid2 = replid;
        secondReplidOffset = offset + 1;
        replid = newReplid;
    }

    /** The master's reply to {@code PSYNC replicaReplid psyncOffset} (the offset being the first byte it lacks). */
    public PsyncDecision decide(String replicaReplid, long psyncOffset) {
        boolean mine = replicaReplid.equalsIgnoreCase(replid);
        boolean second = replicaReplid.equalsIgnoreCase(replid2) && psyncOffset <= secondReplidOffset;
        if (!mine && !second) {
            if (replicaReplid.startsWith("?")) {
                return PsyncDecision.forcedFull();
            }
            if (!replicaReplid.equalsIgnoreCase(replid2)) {
                return PsyncDecision.full("Partial resynchronization not accepted: Replication ID mismatch (Replica asked for '"
                    + replicaReplid + "', my replication IDs are '" + replid + "' and '" + replid2 + "')");
            }
            return PsyncDecision.full("Partial resynchronization not accepted: Requested offset for second ID was "
                + psyncOffset + ", but I can reply up to " + secondReplidOffset);
        }
        if (backlog == null || !backlog.covers(psyncOffset)) {
            return PsyncDecision.full("lack of backlog");
        }
        return PsyncDecision.accept();
    }

    private void clearReplid2() {
        replid2 = NO_ID;
        secondReplidOffset = -1;
    }

    private static void requireId(String id) {
        if (id == null || id.length() != ID_LENGTH) {
            throw new IllegalArgumentException("a replication id is " + ID_LENGTH + " characters, was " + id);
        }
    }

    @Override
    public void close() {
        if (backlog != null) {
            backlog.close();
            backlog = null;
        }
    }
}
