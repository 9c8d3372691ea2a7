package io.ferrite.persistence.aof;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the commands of an append-only file as Redis 7.0's loadSingleAppendOnlyFile does, byte for
 * byte of its rules: lines as fgets reads them (at most 1023 characters), {@code #} lines skipped
 * as annotations, a command as {@code *<argc>} then per argument {@code $<len>}, the bytes and two
 * more (the CRLF, not checked). Anything else is a format error; running out of bytes anywhere
 * inside a command is a truncation, reported with the offset just after the last whole command.
 * <p>
 * Bounded: an argument longer than the bytes left in the file is a truncation before anything is
 * allocated for it, and arguments are gathered one at a time, so a damaged count or length never
 * makes the reader allocate more than the file holds.
 */
public final class AofCommandReader {
    /** Redis's AOF_ANNOTATION_LINE_MAX_LEN: fgets's buffer, so at most one less character per read. */
    static final int LINE_MAX = 1024;

    /** The file is not a sequence of commands here. */
    public static final class FormatError extends Exception {
        FormatError() {
            super("Bad file format");
        }
    }

    /** The file ends inside a command: {@link #validUpTo()} is where the last whole command ended. */
    public static final class Truncated extends Exception {
        Truncated() {
            super("Unexpected end of file");
        }
    }

    private final InputStream in;
    private long remaining;
    private long offset;
    private long validUpTo;
    private final byte[] line = new byte[LINE_MAX];
    private int lineLen;

    /** Reads {@code length} bytes of {@code in}, which starts at {@code startOffset} of its file. */
    public AofCommandReader(InputStream in, long length, long startOffset) {
        this.in = in;
        this.remaining = length;
        this.offset = startOffset;
        this.validUpTo = startOffset;
    }

    /** Offset in the file just after the last command returned. */
    public long validUpTo() {
        return validUpTo;
    }

    /** The next command, or null at the end of the file. */
    public byte[][] next() throws IOException, FormatError, Truncated {
        while (true) {
            if (!readLine()) {
                return null;
            }
            if (line[0] == '#') {
                continue;
            }
            if (line[0] != '*') {
                throw new FormatError();
            }
            if (lineLen == 1) {
                // "*" with nothing after it: only the end of the file stops a line there
                throw new Truncated();
            }
            long argc = atol(1);
            if (argc < 1) {
                throw new FormatError();
            }
            List<byte[]> argv = new ArrayList<>((int) Math.min(argc, 16));
            for (long j = 0; j < argc; j++) {
                if (!readLine()) {
                    throw new Truncated();
                }
                if (line[0] != '$') {
                    throw new FormatError();
                }
                long len = atol(1);
                if (len < 0) {
                    // strtol's negative length is a huge unsigned one to Redis: it can never be read
                    throw new Truncated();
                }
                if (len > remaining) {
                    throw new Truncated();
                }
                byte[] arg = readFully((int) len);
                if (remaining < 2) {
                    throw new Truncated();
                }
                skip(2);
                argv.add(arg);
            }
            validUpTo = offset;
            return argv.toArray(new byte[0][]);
        }
    }

    /** fgets: up to the newline (kept) or LINE_MAX - 1 characters or the end; false when nothing was left. */
    private boolean readLine() throws IOException {
        lineLen = 0;
        while (lineLen < LINE_MAX - 1 && remaining > 0) {
            int b = in.read();
            if (b < 0) {
                remaining = 0;
                break;
            }
            remaining--;
            offset++;
            line[lineLen++] = (byte) b;
            if (b == '\n') {
                break;
            }
        }
        return lineLen > 0;
    }

    /** atoi / strtol over the line from {@code from}: blanks, a sign, digits up to the first other character. */
    private long atol(int from) {
        int i = from;
        while (i < lineLen && (line[i] == ' ' || line[i] == '\t')) {
            i++;
        }
        boolean neg = false;
        if (i < lineLen && (line[i] == '-' || line[i] == '+')) {
            neg = line[i] == '-';
            i++;
        }
        long v = 0;
        while (i < lineLen && line[i] >= '0' && line[i] <= '9') {
            v = v * 10 + (line[i] - '0');
            if (v > Integer.MAX_VALUE) {
                // beyond what any file here can hold: the caller finds it too long for the bytes left
                return neg ? -v : Long.MAX_VALUE / 4;
            }
            i++;
        }
        return neg ? -v : v;
    }

    private byte[] readFully(int len) throws IOException, Truncated {
        byte[] b = new byte[len];
        int n = in.readNBytes(b, 0, len);
        remaining -= n;
        offset += n;
        if (n < len) {
            throw new Truncated();
        }
        return b;
    }

    private void skip(int n) throws IOException, Truncated {
        for (int i = 0; i < n; i++) {
            if (in.read() < 0) {
                throw new Truncated();
            }
            remaining--;
            offset++;
        }
    }
}
