package io.ferrite.compat;

import io.ferrite.engine.feed.FeedEntry;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Effects as lines of text, in the form an AOF holds them: a SELECT wherever the database changes,
 * MULTI and EXEC around a group. The same lines come from Ferrite's effects feed and from a real
 * Redis's appendonly file, so the two can be compared line for line.
 */
final class FeedLog {
    private final List<String> lines = new ArrayList<>();
    private int db = -1;

    /** Adds a feed entry. */
    void add(FeedEntry e) {
        if (e.kind() != FeedEntry.Kind.EXEC) {
            select(e.db());
        }
        lines.add(text(e.argv()));
    }

    private void select(int target) {
        if (target != db) {
            lines.add("SELECT " + target);
            db = target;
        }
    }

    List<String> lines() {
        return lines;
    }

    static String text(byte[][] argv) {
        StringBuilder sb = new StringBuilder();
        for (byte[] a : argv) {
            if (!sb.isEmpty()) {
                sb.append(' ');
            }
            sb.append(new String(a, StandardCharsets.ISO_8859_1));
        }
        return sb.toString();
    }

    /** The commands of an AOF (or a part of one), one line each, SELECTs included as Redis wrote them. */
    static List<String> parseAof(byte[] aof) throws IOException {
        List<String> out = new ArrayList<>();
        InputStream in = new ByteArrayInputStream(aof);
        while (true) {
            int c = in.read();
            if (c == -1) {
                return out;
            }
            if (c != '*') {
                throw new IOException("not an AOF command at " + (aof.length - in.available() - 1));
            }
            int n = Integer.parseInt(line(in));
            byte[][] argv = new byte[n][];
            for (int i = 0; i < n; i++) {
                if (in.read() != '$') {
                    throw new IOException("bulk expected");
                }
                int len = Integer.parseInt(line(in));
                argv[i] = in.readNBytes(len);
                in.read();
                in.read();
            }
            out.add(text(argv));
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int c = in.read(); c != '\r'; c = in.read()) {
            sb.append((char) c);
        }
        in.read();
        return sb.toString();
    }

    /** Unix-millisecond times (13 digits) become "<ms>", stream IDs made from them "<ms>-<seq>": they differ between runs. */
    static List<String> withoutTimes(List<String> lines) {
        List<String> out = new ArrayList<>(lines.size());
        for (String l : lines) {
            out.add(l.replaceAll("(?<![0-9])1[0-9]{12}(?![0-9])", "<ms>").replaceAll("<ms>-[0-9]+", "<ms>-<seq>"));
        }
        return out;
    }
}
