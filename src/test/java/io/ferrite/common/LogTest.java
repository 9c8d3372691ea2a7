package io.ferrite.common;

import org.junit.jupiter.api.Test;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

class LogTest {
    private static final DateTimeFormatter REDIS = DateTimeFormatter.ofPattern("dd MMM yyyy HH:mm:ss.SSS", Locale.ENGLISH);

    @Test
    void timestampIsRedisLayoutInTheLocalZone() {
        // instants across the year, DST changes and sub-second values, against the JDK's own formatter
        long[] instants = {0L, 5L, 999L, 1_700_000_000_123L, 1_711_846_800_000L, 1_729_990_799_999L,
            1_735_689_599_987L, 4_102_444_800_042L, System.currentTimeMillis()};
        for (long ms : instants) {
            String expected = REDIS.format(ZonedDateTime.ofInstant(java.time.Instant.ofEpochMilli(ms),
                java.util.TimeZone.getDefault().toZoneId()));
            assertThat(Log.timestamp(ms)).as("at %d", ms).isEqualTo(expected);
        }
    }

    @Test
    void timestampPadsDayHourAndMillis() {
        // 2 Jan 1970 03:04:05.006 UTC, shifted by the local zone: the shape holds whatever the zone
        assertThat(Log.timestamp(97_445_006L)).matches("\\d\\d [A-Z][a-z]{2} \\d{4} \\d\\d:\\d\\d:\\d\\d\\.\\d{3}");
    }
}
