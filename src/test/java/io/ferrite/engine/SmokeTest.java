package io.ferrite.engine;

import io.ferrite.testing.FerriteTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SmokeTest extends FerriteTest {
    @Test
    void setGetAcrossShards() {
        redis.mset(java.util.Map.of("a", "1", "b", "2", "c", "3", "d", "4"));
        assertThat(redis.mget("a", "b", "c", "d").stream().map(kv -> kv.getValue()).toList())
            .containsExactly("1", "2", "3", "4");
        assertThat(raw().call("GET", "a")).isEqualTo("$1\r\n1\r\n");
    }
}
