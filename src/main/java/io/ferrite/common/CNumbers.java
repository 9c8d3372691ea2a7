package io.ferrite.common;

/** Numbers read as C's atoi/atoll read them, where Redis uses those rather than its strict parsers. */
public final class CNumbers {
    private CNumbers() {
    }

    /**
     * atoll: leading blanks, an optional sign, then the digits up to the first other character;
     * 0 when there are none. Digits past what a long holds are not read (C leaves that undefined).
     */
    public static long atoll(String s) {
        int i = 0;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        boolean neg = false;
        if (i < s.length() && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
            neg = s.charAt(i) == '-';
            i++;
        }
        long v = 0;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9' && v <= Long.MAX_VALUE / 10 - 1) {
            v = v * 10 + (s.charAt(i++) - '0');
        }
        return neg ? -v : v;
    }
}
