package io.ferrite.protocol.resp;

import java.util.ArrayList;
import java.util.List;

/** Redis's sdssplitargs, shared by inline requests and config files. */
public final class InlineArgs {
    private InlineArgs() {
    }

    /**
     * The words of a line without quotes, which is what sdssplitargs makes of it too (escapes count
     * only inside double quotes), copied straight from the line; null if the line has a quote.
     */
    public static byte[][] splitUnquoted(byte[] line) {
        int words = 0;
        boolean inWord = false;
        for (byte c : line) {
            if (c == '"' || c == '\'') {
                return null;
            }
            boolean space = isSpace(c);
            if (!space && !inWord) {
                words++;
            }
            inWord = !space;
        }
        byte[][] out = new byte[words][];
        int w = 0;
        int i = 0;
        while (w < words) {
            while (isSpace(line[i])) {
                i++;
            }
            int start = i;
            while (i < line.length && !isSpace(line[i])) {
                i++;
            }
            out[w++] = java.util.Arrays.copyOfRange(line, start, i);
        }
        return out;
    }

    /** Redis's sdssplitargs: whitespace-separated words, with "double" (escapes) and 'single' quotes; null if unbalanced. */
    public static List<byte[]> split(byte[] line) {
        List<byte[]> out = new ArrayList<>();
        int i = 0;
        int n = line.length;
        java.io.ByteArrayOutputStream cur = new java.io.ByteArrayOutputStream();
        while (true) {
            while (i < n && isSpace(line[i])) {
                i++;
            }
            if (i >= n) {
                return out;
            }
            boolean inDq = false;
            boolean inSq = false;
            boolean done = false;
            cur.reset();
            while (!done) {
                if (inDq) {
                    if (i >= n) {
                        return null;
                    }
                    byte c = line[i];
                    if (c == '\\' && i + 3 < n && line[i + 1] == 'x' && isHex(line[i + 2]) && isHex(line[i + 3])) {
                        cur.write(Character.digit(line[i + 2], 16) * 16 + Character.digit(line[i + 3], 16));
                        i += 3;
                    } else if (c == '\\' && i + 1 < n) {
                        i++;
                        byte e = line[i];
                        cur.write(switch (e) {
                            case 'n' -> '\n';
                            case 'r' -> '\r';
                            case 't' -> '\t';
                            case 'b' -> '\b';
                            case 'a' -> 7;
                            default -> e;
                        });
                    } else if (c == '"') {
                        if (i + 1 < n && !isSpace(line[i + 1])) {
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
                    byte c = line[i];
                    if (c == '\\' && i + 1 < n && line[i + 1] == '\'') {
                        i++;
                        cur.write('\'');
                    } else if (c == '\'') {
                        if (i + 1 < n && !isSpace(line[i + 1])) {
                            return null;
                        }
                        done = true;
                    } else {
                        cur.write(c);
                    }
                } else {
                    if (i >= n) {
                        done = true;
                        break;
                    }
                    byte c = line[i];
                    if (isSpace(c)) {
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
            out.add(cur.toByteArray());
        }
    }

    private static boolean isSpace(byte c) {
        return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == 0x0b || c == '\f';
    }

    private static boolean isHex(byte c) {
        return Character.digit(c, 16) >= 0;
    }
}
