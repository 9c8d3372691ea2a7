package io.ferrite.persistence.rdb;

import io.ferrite.common.Panic;
import io.ferrite.store.Bytes;
import io.ferrite.store.stream.Consumer;
import io.ferrite.store.stream.ConsumerGroup;
import io.ferrite.store.stream.PendingEntry;
import io.ferrite.store.stream.StreamId;
import io.ferrite.store.stream.StreamValue;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Streams in RDB_TYPE_STREAM_LISTPACKS_2 (Redis 7.0), and v1 for reading. The entries go as one
 * listpack per node, keyed by the node's master ID (16 bytes, big-endian milliseconds then
 * sequence), laid out as t_stream.c lays them: a master entry (live count, deleted count, the
 * master fields, a 0 terminator), then per entry its flags, ID deltas from the master, the fields
 * unless they are the master's, the values, and its element count for walking backwards. Then the
 * length, last ID, first ID, largest deleted ID, entries-added counter, and the consumer groups
 * with their pending entries and consumers.
 */
final class StreamCodec {
    private static final int FLAG_DELETED = 1;
    private static final int FLAG_SAME_FIELDS = 2;
    private static final int ID_BYTES = 16;

    private StreamCodec() {
    }

    static void write(RdbOutput out, StreamValue s, byte[] key) {
        ValueWriter.head(out, RdbType.STREAM_LISTPACKS_2, key);
        out.writeLen(s.nodeCount());
        s.forEachNode((master, masterFields, live, deleted, entries) -> {
            out.writeString(idBytes(master));
            out.writeString(nodeListpack(master, masterFields, live, deleted, entries));
        });
        out.writeLen(s.length());
        writeId(out, s.lastId());
        writeId(out, s.firstId());
        writeId(out, s.maxDeletedId());
        out.writeLen(s.entriesAdded());
        out.writeLen(s.groupCount());
        for (ConsumerGroup g : s.groups()) {
            out.writeString(g.name);
            writeId(out, g.lastId());
            out.writeLen(g.entriesRead());
            out.writeLen(g.pel.size());
            for (Map.Entry<StreamId, PendingEntry> e : g.pel.entrySet()) {
                out.writeRaw(idBytes(e.getKey()));
                out.writeMillis(e.getValue().deliveryTime());
                out.writeLen(e.getValue().deliveryCount());
            }
            out.writeLen(g.consumers.size());
            for (Consumer c : g.consumers.values()) {
                out.writeString(c.name);
                out.writeMillis(c.seenTime());
                out.writeLen(c.pel.size());
                for (StreamId id : c.pel.keySet()) {
                    out.writeRaw(idBytes(id));
                }
            }
        }
    }

    private static byte[] nodeListpack(StreamId master, byte[][] masterFields, int live, int deleted,
                                       List<StreamValue.NodeEntry> entries) {
        Listpack.Builder lp = new Listpack.Builder();
        lp.add(live).add(deleted).add(masterFields.length);
        for (byte[] f : masterFields) {
            lp.add(f);
        }
        lp.add(0);
        for (StreamValue.NodeEntry e : entries) {
            byte[][] fv = e.fieldsValues();
            int n = fv.length / 2;
            boolean same = sameFields(masterFields, fv);
            lp.add((e.deleted() ? FLAG_DELETED : 0) | (same ? FLAG_SAME_FIELDS : 0));
            lp.add(e.id().ms() - master.ms());
            lp.add(e.id().seq() - master.seq());
            if (!same) {
                lp.add(n);
            }
            for (int i = 0; i < n; i++) {
                if (!same) {
                    lp.add(fv[2 * i]);
                }
                lp.add(fv[2 * i + 1]);
            }
            lp.add(same ? n + 3 : 2 * n + 4);
        }
        return lp.build();
    }

    private static boolean sameFields(byte[][] masterFields, byte[][] fv) {
        if (fv.length / 2 != masterFields.length) {
            return false;
        }
        for (int i = 0; i < masterFields.length; i++) {
            if (!Bytes.equal(masterFields[i], fv[2 * i])) {
                return false;
            }
        }
        return true;
    }

    private static void writeId(RdbOutput out, StreamId id) {
        out.writeLen(id.ms());
        out.writeLen(id.seq());
    }

    private static byte[] idBytes(StreamId id) {
        byte[] k = new byte[ID_BYTES];
        for (int i = 0; i < 8; i++) {
            k[i] = (byte) (id.ms() >>> (56 - 8 * i));
            k[8 + i] = (byte) (id.seq() >>> (56 - 8 * i));
        }
        return k;
    }

    private static StreamId idFrom(byte[] k) {
        long ms = 0;
        long seq = 0;
        for (int i = 0; i < 8; i++) {
            ms = (ms << 8) | (k[i] & 0xFF);
            seq = (seq << 8) | (k[8 + i] & 0xFF);
        }
        return new StreamId(ms, seq);
    }

    // ---------------------------------------------------------------- reading

    /**
     * A stream. With {@code sanitize} false (sanitize-dump-payload no) its listpacks get only the
     * checks Redis's rdbLoadObject then makes: the header, and the first entry, which lpFirst
     * asserts on (a bad one ends the server there, as in Redis). A corruption past that is what
     * Redis finds only when a command reads the entries: the stream is kept, marked, and its first
     * read ends the server ({@link StreamValue#corruption}). The rest of the payload (lengths,
     * IDs, consumer groups) is checked either way.
     */
    static StreamValue read(RdbInput in, boolean v2, boolean sanitize) throws RdbFormatException {
        StreamValue s = new StreamValue();
        int nodes = in.readCount(2);
        StreamId previousLast = null;
        String corrupt = null;
        for (int i = 0; i < nodes; i++) {
            byte[] key = in.readString();
            if (key.length != ID_BYTES) {
                throw RdbInput.corrupt("Stream node key entry is not the size of a stream ID");
            }
            StreamId master = idFrom(key);
            byte[] blob = in.readString();
            if (sanitize) {
                previousLast = readNode(s, master, ValueReader.listpack(blob, "Stream listpack"), previousLast);
                continue;
            }
            Listpack.Trusted lp = trusted(blob);
            if (corrupt != null) {
                continue;
            }
            try {
                previousLast = readNode(s, master, lp.elements(), previousLast);
                if (!lp.sound()) {
                    corrupt = "listpack entries sound";
                }
            } catch (RdbFormatException e) {
                if (lp.sound()) {
                    corrupt = "stream node consistent (" + e.getMessage() + ")";
                    continue;
                }
                corrupt = "listpack entries sound";
                if (!v2 && s.length() == 0 && !reachesFirstEntry(lp.elements())) {
                    // a version 1 stream has no first ID: Redis's load walks to the first entry
                    // (streamGetEdgeID) and trips on a bad element on the way
                    Panic.assertionFailed("stream listpack (streamGetEdgeID)", "lpValidateNext(lp, &p, lpbytes)");
                }
            }
        }
        long length = in.readLen();
        StreamId last = readId(in);
        if (corrupt == null && length != s.length()) {
            if (sanitize) {
                throw RdbInput.corrupt("Stream length inconsistent with its entries");
            }
            corrupt = "stream length consistent with its entries";
        }
        if (length > 0 && nodes == 0) {
            throw RdbInput.corrupt("Stream length inconsistent with rax entries");
        }
        if (corrupt == null && previousLast != null && previousLast.compareTo(last) > 0) {
            if (sanitize) {
                throw RdbInput.corrupt("Stream last ID below its entries");
            }
            corrupt = "stream last ID not below its entries";
        }
        s.lastId(last);
        if (v2) {
            readId(in); // the first ID is recomputed from the entries
            s.maxDeletedId(readId(in));
            s.entriesAdded(in.readLen());
        } else {
            s.entriesAdded(s.length());
        }
        int groups = in.readCount(3);
        for (int g = 0; g < groups; g++) {
            readGroup(in, s, v2);
        }
        if (corrupt != null) {
            s.markCorrupt(corrupt);
        }
        return s;
    }

    /**
     * Whether the sound leading elements of a node hold all that streamGetEdgeID reads to find
     * its first live entry: the master entry, then each entry's flags and ID, stepping onto the
     * element after them (Redis's lpNext checks the element it lands on), deleted entries skipped.
     */
    private static boolean reachesFirstEntry(List<byte[]> lp) {
        try {
            int masterFields = Math.toIntExact(integer(lp.get(2)));
            int i = 3 + masterFields + 1;
            while (true) {
                long flags = integer(lp.get(i));
                boolean same = (flags & FLAG_SAME_FIELDS) != 0;
                int fields = same ? masterFields : Math.toIntExact(integer(lp.get(i + 3)));
                int landing = i + (same ? 3 : 4);
                if ((flags & FLAG_DELETED) == 0) {
                    return landing < lp.size();
                }
                // a deleted entry: its values (and fields), then its lp-count
                i = landing + (same ? fields : 2 * fields) + 1;
            }
        } catch (IndexOutOfBoundsException | NumberFormatException | ArithmeticException e) {
            return false;
        }
    }

    private static long integer(byte[] element) {
        Long v = Bytes.parseLongStrict(element);
        if (v == null) {
            throw new NumberFormatException();
        }
        return v;
    }

    /**
     * A node's listpack under sanitize-dump-payload no: a bad header is refused ("integrity check
     * failed"), an empty one too; a first entry that is not sound ends the server as lpFirst's
     * assertion does.
     */
    private static Listpack.Trusted trusted(byte[] blob) throws RdbFormatException {
        Listpack.Trusted lp;
        try {
            lp = Listpack.readTrusting(blob);
        } catch (RdbFormatException e) {
            throw RdbInput.corrupt("Stream listpack integrity check failed.");
        }
        if (lp.elements().isEmpty()) {
            if (lp.sound()) {
                throw RdbInput.corrupt("Empty listpack inside stream");
            }
            Panic.assertionFailed("stream listpack (lpFirst)", "lpValidateNext(lp, &p, lpbytes)");
        }
        return lp;
    }

    /** One node's listpack, checked as streamValidateListpackIntegrity does; returns its last ID. */
    private static StreamId readNode(StreamValue s, StreamId master, List<byte[]> lp, StreamId previousLast)
        throws RdbFormatException {
        if (lp.isEmpty()) {
            throw RdbInput.corrupt("Empty listpack inside stream");
        }
        if (previousLast != null && master.compareTo(previousLast) <= 0) {
            throw RdbInput.corrupt("Stream node out of order");
        }
        Cursor c = new Cursor(lp);
        long live = c.number();
        long deleted = c.number();
        int nfields = c.count();
        byte[][] masterFields = new byte[nfields][];
        for (int i = 0; i < nfields; i++) {
            masterFields[i] = c.next();
        }
        if (c.number() != 0) {
            throw RdbInput.corrupt("Stream master entry not terminated");
        }
        long seenLive = 0;
        long seenDeleted = 0;
        StreamId prev = null;
        boolean first = true;
        while (c.hasNext()) {
            long flags = c.number();
            if ((flags & ~(long) (FLAG_DELETED | FLAG_SAME_FIELDS)) != 0) {
                throw RdbInput.corrupt("Stream entry flags invalid");
            }
            StreamId id = new StreamId(master.ms() + c.number(), master.seq() + c.number());
            if (prev != null && id.compareTo(prev) <= 0 || first && !id.equals(master)) {
                throw RdbInput.corrupt("Stream entry IDs out of order");
            }
            boolean same = (flags & FLAG_SAME_FIELDS) != 0;
            int n = same ? nfields : c.count();
            byte[][] fv = new byte[2 * n][];
            for (int i = 0; i < n; i++) {
                fv[2 * i] = same ? masterFields[i] : c.next();
                fv[2 * i + 1] = c.next();
            }
            if (c.number() != (same ? n + 3 : 2L * n + 4)) {
                throw RdbInput.corrupt("Stream entry lp-count wrong");
            }
            if (first && !sameFields(masterFields, fv)) {
                throw RdbInput.corrupt("Stream node's first entry does not hold the master fields");
            }
            boolean tombstone = (flags & FLAG_DELETED) != 0;
            s.loadEntry(id, fv, tombstone, first);
            if (tombstone) {
                seenDeleted++;
            } else {
                seenLive++;
            }
            prev = id;
            first = false;
        }
        if (first || seenLive != live || seenDeleted != deleted || live == 0) {
            throw RdbInput.corrupt("Stream node counts inconsistent");
        }
        return prev;
    }

    private static void readGroup(RdbInput in, StreamValue s, boolean v2) throws RdbFormatException {
        byte[] name = in.readString();
        StreamId lastId = readId(in);
        long entriesRead = v2 ? in.readLen() : s.estimateEntriesRead(lastId);
        ConsumerGroup g = s.createGroup(name, lastId, entriesRead);
        if (g == null) {
            throw RdbInput.corrupt("Duplicated consumer group name");
        }
        int pelSize = in.readCount(ID_BYTES + 9);
        TreeMap<StreamId, long[]> unowned = new TreeMap<>();
        for (int i = 0; i < pelSize; i++) {
            StreamId id = idFrom(in.readRaw(ID_BYTES));
            long deliveryTime = in.readMillis();
            long deliveryCount = in.readLen();
            if (unowned.put(id, new long[] {deliveryTime, deliveryCount}) != null) {
                throw RdbInput.corrupt("Duplicated global PEL entry loading stream consumer group");
            }
        }
        int consumers = in.readCount(10);
        for (int i = 0; i < consumers; i++) {
            byte[] cname = in.readString();
            long seen = in.readMillis();
            Consumer consumer = g.createConsumer(cname, seen);
            if (consumer == null) {
                throw RdbInput.corrupt("Duplicate stream consumer detected.");
            }
            int owned = in.readCount(ID_BYTES);
            for (int k = 0; k < owned; k++) {
                StreamId id = idFrom(in.readRaw(ID_BYTES));
                long[] nack = unowned.remove(id);
                if (nack == null) {
                    // either not in the group PEL, or already given to a consumer
                    throw RdbInput.corrupt("Consumer entry not found in group global PEL");
                }
                g.addPending(id, consumer, nack[0], nack[1]);
            }
        }
        if (!unowned.isEmpty()) {
            throw RdbInput.corrupt("Stream CG PEL entry without consumer");
        }
    }

    private static StreamId readId(RdbInput in) throws RdbFormatException {
        return new StreamId(in.readLen(), in.readLen());
    }

    /** Walks a stream node's listpack elements, refusing to run past its end. */
    private static final class Cursor {
        private final List<byte[]> elements;
        private int i;

        Cursor(List<byte[]> elements) {
            this.elements = elements;
        }

        boolean hasNext() {
            return i < elements.size();
        }

        byte[] next() throws RdbFormatException {
            if (i >= elements.size()) {
                throw RdbInput.corrupt("Stream listpack entry truncated");
            }
            return elements.get(i++);
        }

        long number() throws RdbFormatException {
            Long v = Bytes.parseLongStrict(next());
            if (v == null) {
                throw RdbInput.corrupt("Stream listpack integer expected");
            }
            return v;
        }

        /** A field count: non-negative and no more than the elements left. */
        int count() throws RdbFormatException {
            long n = number();
            if (n < 0 || n > elements.size() - i) {
                throw RdbInput.corrupt("Stream field count invalid");
            }
            return (int) n;
        }
    }
}
