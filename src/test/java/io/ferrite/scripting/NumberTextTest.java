package io.ferrite.scripting;

import io.ferrite.store.zset.ScoreText;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** redis.call's number arguments: the integral shortcut prints what the general %.17g path prints. */
class NumberTextTest {
    @Test
    void integralShortcutAgreesWithG17() {
        double[] edges = {0, -0.0, 1, -1, 9007199254740992d, -9007199254740993d, 99999999999999984d, 1e17, -1e17,
            1e16, 123456789012345680d, 0.5, -2.5, 1e-300, Double.MAX_VALUE, Double.POSITIVE_INFINITY};
        for (double d : edges) {
            assertThat(LuaEnvironment.g17(d)).as(Double.toString(d)).isEqualTo(ScoreText.g17(d));
        }
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < 200_000; i++) {
            double d = Math.rint((r.nextDouble() * 2 - 1) * Math.pow(10, r.nextInt(19)));
            assertThat(LuaEnvironment.g17(d)).as(Double.toString(d)).isEqualTo(ScoreText.g17(d));
        }
    }
}
