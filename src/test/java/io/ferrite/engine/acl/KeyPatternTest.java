package io.ferrite.engine.acl;

import io.ferrite.store.Glob;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** A key pattern's quick checks never change what Redis's glob decides. */
class KeyPatternTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static boolean matches(String pattern, String key) {
        return new KeyPattern(b(pattern), AclCommands.READ_WRITE).matches(b(key));
    }

    @Test
    void edgeCasesAsRedis() {
        assertThat(matches("key:*", "key:1")).isTrue();
        assertThat(matches("key:*", "key:")).isTrue();
        assertThat(matches("key:*:s", "key::s")).isTrue();
        assertThat(matches("key:*:s", "key:s")).isFalse();
        assertThat(matches("*", "")).isFalse();
        assertThat(matches("", "")).isTrue();
        assertThat(matches("a*b*c", "abc")).isTrue();
        assertThat(matches("a*b?", "ab")).isFalse();
        assertThat(matches("[*]x", "*x")).isTrue();
        assertThat(matches("a\\*", "a*")).isTrue();
        assertThat(matches("a\\*", "ab")).isFalse();
        assertThat(matches("k*ab", "kab")).isTrue();
        assertThat(matches("ab*ab", "ab")).isFalse();
        assertThat(matches("key:*:u5p3*", "key:000000012345")).isFalse();
        assertThat(matches("key:*:u5p3*", "key:x:u5p3")).isTrue();
        assertThat(matches("a*bc*bc*d", "abcbcd")).isTrue();
        assertThat(matches("a*bc*bc*d", "abcd")).isFalse();
    }

    @Test
    void agreesWithTheGlobOnRandomPatternsAndKeys() {
        Random r = new Random(16);
        byte[] alphabet = b("ab:*?[]^-\\");
        int agreed = 0;
        for (int i = 0; i < 200_000; i++) {
            byte[] p = new byte[r.nextInt(9)];
            for (int j = 0; j < p.length; j++) {
                p[j] = alphabet[r.nextInt(alphabet.length)];
            }
            byte[] k = new byte[r.nextInt(9)];
            for (int j = 0; j < k.length; j++) {
                k[j] = alphabet[r.nextInt(3)];
            }
            boolean glob = Glob.match(p, k);
            assertThat(new KeyPattern(p, AclCommands.READ).matches(k))
                .as("%s against %s", new String(p, StandardCharsets.ISO_8859_1), new String(k, StandardCharsets.ISO_8859_1))
                .isEqualTo(glob);
            agreed += glob ? 1 : 0;
        }
        assertThat(agreed).isGreaterThan(1000);
    }
}
