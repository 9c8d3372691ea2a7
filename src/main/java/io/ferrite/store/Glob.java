package io.ferrite.store;

/**
 * Redis's glob-style matcher (util.c, stringmatchlen) over bytes: {@code *}, {@code ?},
 * {@code [abc]}, {@code [^a]}, {@code [a-z]} (reversed ranges allowed), {@code \} escapes and an
 * ASCII-only no-case flag, with all of Redis's edge cases (an unterminated {@code [} class, a
 * trailing {@code \}, a {@code *} never matching an empty string ...).
 * <p>
 * Redis recurses at each {@code *} but, since 7.0.10, stops retrying earlier stars once a later
 * one has failed at every position (the "skipLongerMatches" fix). That makes the match equivalent
 * to remembering only the last star seen, which is what this iterative version does: O(n*m) time,
 * constant stack, whatever the pattern.
 */
public final class Glob {
    private Glob() {
    }

    public static boolean match(byte[] pattern, byte[] string, boolean nocase) {
        return match(pattern, 0, pattern.length, string, 0, string.length, nocase);
    }

    public static boolean match(byte[] pattern, byte[] string) {
        return match(pattern, 0, pattern.length, string, 0, string.length, false);
    }

    /** True when the whole pattern is "*", which callers skip matching for (as KEYS and SCAN do). */
    public static boolean matchesAll(byte[] pattern) {
        return pattern.length == 1 && pattern[0] == '*';
    }

    public static boolean match(byte[] pat, int poff, int plen, byte[] str, int soff, int slen, boolean nocase) {
        final int pe = poff + plen;
        final int se = soff + slen;
        int p = poff;
        int s = soff;
        int starP = -1;
        int starS = -1;
        while (true) {
            boolean failed = false;
            while (p < pe && s < se) {
                int pc = pat[p];
                if (pc == '*') {
                    while (p + 1 < pe && pat[p + 1] == '*') {
                        p++;
                    }
                    if (p == pe - 1) {
                        return true;
                    }
                    // try the rest of the pattern from here, then from each later position
                    p++;
                    starP = p;
                    starS = s;
                    continue;
                }
                if (pc == '?') {
                    s++;
                } else if (pc == '[') {
                    p++;
                    boolean not = p < pe && pat[p] == '^';
                    if (not) {
                        p++;
                    }
                    boolean match = false;
                    while (true) {
                        if (p < pe && pat[p] == '\\' && pe - p >= 2) {
                            p++;
                            if (pat[p] == str[s]) {
                                match = true;
                            }
                        } else if (p < pe && pat[p] == ']') {
                            break;
                        } else if (p >= pe) {
                            p--;
                            break;
                        } else if (pe - p >= 3 && pat[p + 1] == '-') {
                            int start = pat[p];
                            int end = pat[p + 2];
                            int c = str[s];
                            if (start > end) {
                                int t = start;
                                start = end;
                                end = t;
                            }
                            if (nocase) {
                                start = lower(start);
                                end = lower(end);
                                c = lower(c);
                            }
                            p += 2;
                            if (c >= start && c <= end) {
                                match = true;
                            }
                        } else if (!nocase) {
                            if (pat[p] == str[s]) {
                                match = true;
                            }
                        } else if (lower(pat[p]) == lower(str[s])) {
                            match = true;
                        }
                        p++;
                    }
                    if (not) {
                        match = !match;
                    }
                    if (!match) {
                        failed = true;
                        break;
                    }
                    s++;
                } else {
                    if (pc == '\\' && pe - p >= 2) {
                        p++;
                    }
                    boolean same = nocase ? lower(pat[p]) == lower(str[s]) : pat[p] == str[s];
                    if (!same) {
                        failed = true;
                        break;
                    }
                    s++;
                }
                p++;
                if (s == se) {
                    while (p < pe && pat[p] == '*') {
                        p++;
                    }
                    break;
                }
            }
            if (!failed && p == pe && s == se) {
                return true;
            }
            if (starP < 0) {
                return false;
            }
            starS++;
            if (starS >= se) {
                return false;
            }
            p = starP;
            s = starS;
        }
    }

    /** C's tolower in the "C" locale, on a (signed) char. */
    private static int lower(int c) {
        return c >= 'A' && c <= 'Z' ? c + 32 : c;
    }
}
