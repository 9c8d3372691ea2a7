package io.ferrite.engine.acl;

import io.ferrite.store.Glob;

import java.util.Arrays;

/**
 * A key pattern of a selector and the permissions it grants ({@link AclCommands#READ}, {@link AclCommands#WRITE}).
 * <p>
 * Matching is Redis's glob ({@link Glob}), preceded by two checks computed once, which only ever
 * refuse keys the glob would refuse: the literal bytes before the pattern's first special character
 * must begin the key, and the literal bytes after its last {@code *} must end it. A user with many
 * patterns ("tenant:*:session" ...) thus rejects most of them in a comparison or two instead of
 * walking the key at each {@code *}: the ACL check of every command pays for all of a user's
 * patterns that come before the one that matches.
 */
final class KeyPattern {
    private final byte[] pattern;
    private final int perms;
    /** How many leading bytes are literal (before the first '*', '?', '[' or '\'). */
    private final int head;
    /**
     * How many trailing bytes are literal after the last '*'; 0 when there is none, or when the
     * pattern has a class or an escape (a '*' inside "[...]" or after '\' is no star).
     */
    private final int tail;
    /**
     * For a pattern of literals and '*' only: the literal runs between its first and last '*',
     * which a matching key holds in this order between its head and tail (found leftmost, as a
     * '*' may take any run of bytes); null for other patterns.
     */
    private final byte[][] middle;

    KeyPattern(byte[] pattern, int perms) {
        this.pattern = pattern;
        this.perms = perms;
        int h = 0;
        while (h < pattern.length && !special(pattern[h])) {
            h++;
        }
        this.head = h;
        this.tail = literalTail(pattern);
        this.middle = middle(pattern, h, tail);
    }

    private static byte[][] middle(byte[] p, int head, int tail) {
        java.util.List<byte[]> runs = new java.util.ArrayList<>();
        int start = head;
        for (int i = head; i < p.length - tail; i++) {
            if (p[i] == '?' || p[i] == '[' || p[i] == '\\') {
                return null;
            }
            if (p[i] == '*') {
                if (i > start) {
                    runs.add(Arrays.copyOfRange(p, start, i));
                }
                start = i + 1;
            }
        }
        return runs.toArray(new byte[0][]);
    }

    /** Where {@code run} first occurs in key[from, to), or -1. */
    private static int indexOf(byte[] key, byte[] run, int from, int to) {
        byte first = run[0];
        for (int i = from; i <= to - run.length; i++) {
            if (key[i] == first && Arrays.equals(key, i, i + run.length, run, 0, run.length)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean special(byte b) {
        return b == '*' || b == '?' || b == '[' || b == '\\';
    }

    private static int literalTail(byte[] p) {
        int star = -1;
        for (int i = 0; i < p.length; i++) {
            if (p[i] == '[' || p[i] == '\\') {
                return 0;
            }
            if (p[i] == '*') {
                star = i;
            }
        }
        if (star < 0) {
            return 0;
        }
        for (int i = star + 1; i < p.length; i++) {
            if (p[i] == '?') {
                return 0;
            }
        }
        return p.length - star - 1;
    }

    byte[] pattern() {
        return pattern;
    }

    int perms() {
        return perms;
    }

    /** Redis's stringmatchlen(pattern, key, nocase 0), as ACLSelectorCheckKey asks it. */
    boolean matches(byte[] key) {
        int kl = key.length;
        if (kl < head + tail) {
            return false;
        }
        // the tail first: patterns that differ from each other mostly differ there ("app:*:u1", "app:*:u2")
        for (int i = 1; i <= tail; i++) {
            if (pattern[pattern.length - i] != key[kl - i]) {
                return false;
            }
        }
        for (int i = 0; i < head; i++) {
            if (pattern[i] != key[i]) {
                return false;
            }
        }
        if (middle != null) {
            int at = head;
            for (byte[] run : middle) {
                at = indexOf(key, run, at, kl - tail);
                if (at < 0) {
                    return false;
                }
                at += run.length;
            }
        }
        return Glob.match(pattern, key);
    }

    KeyPattern withPerms(int more) {
        return new KeyPattern(pattern, perms | more);
    }

    boolean samePattern(byte[] other) {
        return Arrays.equals(pattern, other);
    }

    /** As ACL LIST prints it: {@code ~p}, {@code %R~p} or {@code %W~p}. */
    String prefix() {
        return perms == AclCommands.READ_WRITE ? "~" : perms == AclCommands.READ ? "%R~" : "%W~";
    }
}
