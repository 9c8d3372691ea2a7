package io.ferrite.persistence.aof;

import io.ferrite.common.CNumbers;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The manifest of a Redis 7.0 multi-part append-only file (aof.c): which file is the base, which
 * are history (replaced by a rewrite, waiting to be deleted) and which are the incremental files,
 * in load order. One line per file, {@code file <name> seq <n> type <b|h|i>}, the base first, then
 * history, then the incr files (getAofManifestAsString). Names are {@code <appendfilename>.<seq>.base.rdb}
 * or {@code .base.aof}, and {@code <appendfilename>.<seq>.incr.aof}. Parsing follows
 * aofLoadManifestFromFile, with its error texts. Immutable: each change is a new manifest, so a
 * failed step leaves the one in use as it was (as Redis works on a duplicate).
 */
public final class AofManifest {
    /** One line of the manifest. */
    public record Info(String name, long seq, char type) {
        public static final char BASE = 'b';
        public static final char HISTORY = 'h';
        public static final char INCR = 'i';
    }

    /** Redis's MANIFEST_MAX_LINE: fgets reads at most this many characters of a line. */
    static final int MAX_LINE = 1024;

    private final Info base;
    private final List<Info> history;
    private final List<Info> incrs;
    private final long baseSeq;
    private final long incrSeq;

    private AofManifest(Info base, List<Info> history, List<Info> incrs, long baseSeq, long incrSeq) {
        this.base = base;
        this.history = List.copyOf(history);
        this.incrs = List.copyOf(incrs);
        this.baseSeq = baseSeq;
        this.incrSeq = incrSeq;
    }

    public static AofManifest empty() {
        return new AofManifest(null, List.of(), List.of(), 0, 0);
    }

    /** The manifest Redis's upgrade path builds: an old single append-only file becomes base 1. */
    public static AofManifest upgraded(String oldFileName) {
        return new AofManifest(new Info(oldFileName, 1, Info.BASE), List.of(), List.of(), 1, 0);
    }

    public Info base() {
        return base;
    }

    public List<Info> history() {
        return history;
    }

    public List<Info> incrs() {
        return incrs;
    }

    /** Whether the manifest names nothing to load. */
    public boolean isEmpty() {
        return base == null && incrs.isEmpty();
    }

    /** The files to load, in order: the base (if any), then the incr files. */
    public List<Info> loadOrder() {
        List<Info> l = new ArrayList<>();
        if (base != null) {
            l.add(base);
        }
        l.addAll(incrs);
        return l;
    }

    /** The last incr file, or null when there is none. */
    public Info lastIncr() {
        return incrs.isEmpty() ? null : incrs.get(incrs.size() - 1);
    }

    /** getNewIncrAofName: a further incr file, numbered after the last. */
    public AofManifest withNewIncr(String appendFilename) {
        List<Info> l = new ArrayList<>(incrs);
        long seq = incrSeq + 1;
        l.add(new Info(incrName(appendFilename, seq), seq, Info.INCR));
        return new AofManifest(base, history, l, baseSeq, seq);
    }

    /**
     * A rewrite's result (backgroundRewriteDoneHandler): a new base (the old one becomes history,
     * getNewBaseFileNameAndMarkPreAsHistory), and every incr file but the last {@code keepIncrs}
     * (the ones written since the cut) becomes history too (markRewrittenIncrAofAsHistory), each
     * added at the head of the history list as Redis does.
     */
    public AofManifest rewritten(String appendFilename, boolean rdbPreamble, int keepIncrs) {
        List<Info> hist = new ArrayList<>(history);
        if (base != null) {
            hist.add(0, new Info(base.name(), base.seq(), Info.HISTORY));
        }
        long seq = baseSeq + 1;
        Info newBase = new Info(baseName(appendFilename, seq, rdbPreamble), seq, Info.BASE);
        List<Info> kept = new ArrayList<>();
        int moved = Math.max(0, incrs.size() - keepIncrs);
        // Redis walks the incr list from its tail, adding each to the history list's head
        for (int i = moved - 1; i >= 0; i--) {
            Info ai = incrs.get(i);
            hist.add(0, new Info(ai.name(), ai.seq(), Info.HISTORY));
        }
        for (int i = moved; i < incrs.size(); i++) {
            kept.add(incrs.get(i));
        }
        return new AofManifest(newBase, hist, kept, seq, incrSeq);
    }

    /** Once the history files are deleted (aofDelHistoryFiles), the manifest forgets them. */
    public AofManifest withoutHistory() {
        return new AofManifest(base, List.of(), incrs, baseSeq, incrSeq);
    }

    public static String baseName(String appendFilename, long seq, boolean rdb) {
        return appendFilename + "." + seq + ".base" + (rdb ? ".rdb" : ".aof");
    }

    public static String incrName(String appendFilename, long seq) {
        return appendFilename + "." + seq + ".incr.aof";
    }

    /** The manifest's text, as getAofManifestAsString and aofInfoFormat write it. */
    public byte[] format() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (base != null) {
            line(out, base);
        }
        history.forEach(i -> line(out, i));
        incrs.forEach(i -> line(out, i));
        return out.toByteArray();
    }

    private static void line(ByteArrayOutputStream out, Info i) {
        byte[] name = i.name().getBytes(StandardCharsets.UTF_8);
        String shown = needsRepr(name) ? repr(name) : i.name();
        out.writeBytes(("file " + shown + " seq " + i.seq() + " type " + i.type() + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** sdsneedsrepr: quoting is needed for backslash, quote, control or space characters and anything unprintable. */
    static boolean needsRepr(byte[] s) {
        for (byte b : s) {
            int c = b & 0xff;
            if (c == '\\' || c == '"' || c <= ' ' || c >= 0x7f) {
                return true;
            }
        }
        return false;
    }

    /** sdscatrepr: a double-quoted string with C escapes and \xHH for the unprintable. */
    static String repr(byte[] s) {
        StringBuilder sb = new StringBuilder("\"");
        for (byte b : s) {
            int c = b & 0xff;
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '"' -> sb.append("\\\"");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case 7 -> sb.append("\\a");
                case 8 -> sb.append("\\b");
                default -> {
                    if (c >= ' ' && c < 0x7f) {
                        sb.append((char) c);
                    } else {
                        sb.append(String.format("\\x%02x", c));
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    /** Reads a manifest's bytes as aofLoadManifestFromFile does; a fault throws with Redis's words. */
    public static AofManifest parse(byte[] text) throws AofManifestException {
        Info base = null;
        List<Info> history = new ArrayList<>();
        List<Info> incrs = new ArrayList<>();
        long baseSeq = 0;
        long incrSeq = 0;
        long maxSeq = 0;
        int pos = 0;
        int lineNo = 0;
        while (true) {
            if (pos >= text.length) {
                if (lineNo == 0) {
                    throw new AofManifestException("Found an empty AOF manifest", 0, null);
                }
                break;
            }
            // fgets(buf, MAX_LINE + 1): up to MAX_LINE characters, or to the newline
            int end = pos;
            while (end < text.length && end - pos < MAX_LINE && text[end] != '\n') {
                end++;
            }
            boolean newline = end < text.length && text[end] == '\n';
            String raw = new String(text, pos, end - pos, StandardCharsets.ISO_8859_1);
            pos = newline ? end + 1 : end;
            lineNo++;
            if (raw.startsWith("#")) {
                continue;
            }
            if (!newline) {
                throw new AofManifestException("The AOF manifest file contains too long line", lineNo, null);
            }
            String line = trim(raw);
            if (line.isEmpty()) {
                throw new AofManifestException("Invalid AOF manifest file format", lineNo, line);
            }
            List<String> argv = splitArgs(line);
            if (argv == null || argv.size() < 6 || argv.size() % 2 != 0) {
                throw new AofManifestException("Invalid AOF manifest file format", lineNo, line);
            }
            String name = null;
            long seq = 0;
            char type = 0;
            for (int i = 0; i < argv.size(); i += 2) {
                String k = argv.get(i);
                String v = argv.get(i + 1);
                if (k.equalsIgnoreCase("file")) {
                    name = v;
                    if (name.contains("/")) {
                        throw new AofManifestException("File can't be a path, just a filename", lineNo, line);
                    }
                } else if (k.equalsIgnoreCase("seq")) {
                    seq = CNumbers.atoll(v);
                } else if (k.equalsIgnoreCase("type")) {
                    type = v.isEmpty() ? 0 : v.charAt(0);
                }
            }
            if (name == null || seq == 0 || type == 0) {
                throw new AofManifestException("Invalid AOF manifest file format", lineNo, line);
            }
            Info info = new Info(name, seq, type);
            switch (type) {
                case Info.BASE -> {
                    if (base != null) {
                        throw new AofManifestException("Found duplicate base file information", lineNo, line);
                    }
                    base = info;
                    baseSeq = seq;
                }
                case Info.HISTORY -> history.add(info);
                case Info.INCR -> {
                    if (seq <= maxSeq) {
                        throw new AofManifestException("Found a non-monotonic sequence number", lineNo, line);
                    }
                    incrs.add(info);
                    incrSeq = seq;
                    maxSeq = seq;
                }
                default -> throw new AofManifestException("Unknown AOF file type", lineNo, line);
            }
        }
        return new AofManifest(base, history, incrs, baseSeq, incrSeq);
    }

    private static String trim(String s) {
        int a = 0;
        int b = s.length();
        while (a < b && " \t\r\n".indexOf(s.charAt(a)) >= 0) {
            a++;
        }
        while (b > a && " \t\r\n".indexOf(s.charAt(b - 1)) >= 0) {
            b--;
        }
        return s.substring(a, b);
    }

    /** sdssplitargs: words separated by blanks, "double quoted" with C escapes, 'single quoted'; null when unbalanced. */
    public static List<String> splitArgs(String line) {
        List<String> out = new ArrayList<>();
        int i = 0;
        int n = line.length();
        while (true) {
            while (i < n && Character.isWhitespace(line.charAt(i))) {
                i++;
            }
            if (i >= n) {
                return out;
            }
            ByteArrayOutputStream cur = new ByteArrayOutputStream();
            boolean inDq = false;
            boolean inSq = false;
            boolean done = false;
            while (!done) {
                if (inDq) {
                    if (i >= n) {
                        return null;
                    }
                    char c = line.charAt(i);
                    if (c == '\\' && i + 3 < n && line.charAt(i + 1) == 'x' && isHex(line.charAt(i + 2)) && isHex(line.charAt(i + 3))) {
                        cur.write(Integer.parseInt(line.substring(i + 2, i + 4), 16));
                        i += 3;
                    } else if (c == '\\' && i + 1 < n) {
                        i++;
                        char e = line.charAt(i);
                        cur.write(switch (e) {
                            case 'n' -> '\n';
                            case 'r' -> '\r';
                            case 't' -> '\t';
                            case 'b' -> '\b';
                            case 'a' -> 7;
                            default -> e;
                        });
                    } else if (c == '"') {
                        // a closing quote must be followed by a blank or the end
                        if (i + 1 < n && !Character.isWhitespace(line.charAt(i + 1))) {
                            return null;
                        }
                        done = true;
                    } else {
                        cur.write(c);
                    }
                } else if (inSq) {
                    if (i >= n) {
                        return null;
                    }
                    char c = line.charAt(i);
                    if (c == '\\' && i + 1 < n && line.charAt(i + 1) == '\'') {
                        i++;
                        cur.write('\'');
                    } else if (c == '\'') {
                        if (i + 1 < n && !Character.isWhitespace(line.charAt(i + 1))) {
                            return null;
                        }
                        done = true;
                    } else {
                        cur.write(c);
                    }
                } else {
                    if (i >= n) {
                        done = true;
                        continue;
                    }
                    char c = line.charAt(i);
                    if (c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == 0) {
                        done = true;
                    } else if (c == '"') {
                        inDq = true;
                    } else if (c == '\'') {
                        inSq = true;
                    } else {
                        cur.write(c);
                    }
                }
                if (i < n) {
                    i++;
                }
            }
            out.add(cur.toString(StandardCharsets.UTF_8));
        }
    }

    private static boolean isHex(char c) {
        return Character.digit(c, 16) >= 0;
    }
}
