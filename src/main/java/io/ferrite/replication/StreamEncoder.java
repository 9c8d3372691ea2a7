package io.ferrite.replication;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;

/**
 * The replication stream's bytes, as Redis's replicationFeedSlaves writes them: each command a RESP
 * array of bulk strings, preceded by a SELECT whenever its database is not the one the stream last
 * selected (server.slaveseldb). A full resynchronisation makes the next command select again
 * ({@link #forceSelect}), since the new replica's database is unknown. Commands that touch no
 * database (PING, REPLCONF GETACK) go out without a SELECT ({@link #command}). One owner.
 */
public final class StreamEncoder {
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[][] PING = {bytes("PING")};
    private static final byte[][] GETACK = {bytes("REPLCONF"), bytes("GETACK"), bytes("*")};
    private static final byte[] SELECT = bytes("SELECT");

    private int selectedDb = -1;

    /** The next command with a database selects it, whatever the last one was. */
    public void forceSelect() {
        selectedDb = -1;
    }

    /** The database the stream last selected, -1 when none yet. */
    public int selectedDb() {
        return selectedDb;
    }

    /** A command to apply in database {@code db}, after a SELECT if the stream is elsewhere. */
    public void command(int db, byte[][] argv, ByteBuf out) {
        if (db != selectedDb) {
            command(new byte[][] {SELECT, bytes(Integer.toString(db))}, out);
            selectedDb = db;
        }
        command(argv, out);
    }

    /** A command outside any database, as is. */
    public void command(byte[][] argv, ByteBuf out) {
        header(out, '*', argv.length);
        for (byte[] a : argv) {
            header(out, '$', a.length);
            out.writeBytes(a);
            out.writeBytes(CRLF);
        }
    }

    /** The PING replicationCron sends every repl-ping-replica-period (it counts in the offset). */
    public void ping(ByteBuf out) {
        command(PING, out);
    }

    /** REPLCONF GETACK *: asks every replica for an ACK now (WAIT). */
    public void getAck(ByteBuf out) {
        command(GETACK, out);
    }

    private static void header(ByteBuf out, char kind, int n) {
        out.writeByte(kind);
        out.writeCharSequence(Integer.toString(n), StandardCharsets.US_ASCII);
        out.writeBytes(CRLF);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
