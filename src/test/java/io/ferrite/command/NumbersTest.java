package io.ferrite.command;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class NumbersTest {
    @Test
    void g17MatchesCPrintf() {
        Object[][] cases = {
            {0.1, "0.10000000000000001"}, {1.1, "1.1000000000000001"}, {-2.5, "-2.5"}, {1e20, "1e+20"},
            {1e16, "10000000000000000"}, {1e17, "1e+17"}, {1.2345678901234568e17, "1.2345678901234568e+17"},
            {0.0001, "0.0001"}, {1e-05, "1.0000000000000001e-05"}, {0.00012345, "0.00012344999999999999"},
            {3.141592653589793, "3.1415926535897931"}, {-1e-300, "-1e-300"},
            {1.7976931348623157e308, "1.7976931348623157e+308"}, {5e-324, "4.9406564584124654e-324"},
            {9007199254740992.0, "9007199254740992"}, {100.0, "100"}, {1.0 / 3, "0.33333333333333331"},
            {0.0, "0"}, {-0.0, "-0"}, {Double.POSITIVE_INFINITY, "inf"}, {Double.NEGATIVE_INFINITY, "-inf"},
        };
        for (Object[] c : cases) {
            assertThat(Numbers.g17((Double) c[0])).as(String.valueOf(c[0])).isEqualTo(c[1]);
        }
    }

    @Test
    void d2stringUsesIntegersWhenExact() {
        assertThat(str(Numbers.d2string(3.0))).isEqualTo("3");
        assertThat(str(Numbers.d2string(-42.0))).isEqualTo("-42");
        assertThat(str(Numbers.d2string(1.5))).isEqualTo("1.5");
        assertThat(str(Numbers.d2string(0.1))).isEqualTo("0.10000000000000001");
        assertThat(str(Numbers.d2string(1e20))).isEqualTo("1e+20");
        assertThat(str(Numbers.d2string(Double.NaN))).isEqualTo("nan");
    }

    @Test
    void longDoubleParseAndFormat() {
        assertThat(human("10.6")).isEqualTo("10.6");
        assertThat(human("0x1p-18")).isEqualTo("0.00000381469726562");
        assertThat(human("-0")).isEqualTo("0");
        assertThat(human("1e20")).isEqualTo("100000000000000000000");
        assertThat(human("3.0e-5")).isEqualTo("0.00003");
        assertThat(Numbers.parseLongDouble(b("nan"))).isNull();
        assertThat(Numbers.parseLongDouble(b(" 1"))).isNull();
        assertThat(Numbers.parseLongDouble(b("1e4933"))).isNull();
        assertThat(Numbers.parseLongDouble(b("inf")).isInfinite()).isTrue();
        assertThat(Numbers.parseLongDouble(b("1." + "0".repeat(5118)))).isNull();
        assertThat(Numbers.parseLongDouble(b("1." + "0".repeat(5117)))).isNotNull();
    }

    @Test
    void longDoubleAdditionRoundsToSixtyFourBits() {
        Numbers.LongDouble a = Numbers.parseLongDouble(b("10.5"));
        Numbers.LongDouble sum = Numbers.add(a, Numbers.parseLongDouble(b("0.1")));
        assertThat(str(Numbers.formatHuman(sum))).isEqualTo("10.6");
        sum = Numbers.add(Numbers.parseLongDouble(b("10.6")), Numbers.parseLongDouble(b("-5000")));
        assertThat(str(Numbers.formatHuman(sum))).isEqualTo("-4989.39999999999999991");
        assertThat(Numbers.add(Numbers.parseLongDouble(b("inf")), Numbers.parseLongDouble(b("-inf")))).isNull();
        Numbers.LongDouble big = Numbers.parseLongDouble(b("1e4932"));
        assertThat(Numbers.add(big, big).isInfinite()).isTrue();
        assertThat(str(Numbers.formatHuman(Numbers.LongDouble.of(Long.MIN_VALUE)))).isEqualTo("-9223372036854775808");
    }

    private static String human(String s) {
        return str(Numbers.formatHuman(Numbers.parseLongDouble(b(s))));
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static String str(byte[] b) {
        return new String(b, StandardCharsets.US_ASCII);
    }
}
