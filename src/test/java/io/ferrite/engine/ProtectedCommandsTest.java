package io.ferrite.engine;

import io.ferrite.server.Server;
import io.ferrite.testing.FerriteTest;
import io.ferrite.testing.RawClient;
import io.ferrite.testing.TestServers;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.ferrite.testing.Replies.OK;
import static io.ferrite.testing.Replies.arity;
import static io.ferrite.testing.Replies.bulks;
import static org.assertj.core.api.Assertions.assertThat;

/** DEBUG follows enable-debug-command as Redis 7.0's processCommand checks it: after arity, before MULTI queueing. */
class ProtectedCommandsTest extends FerriteTest {
    private static final String REFUSED = "-ERR DEBUG command not allowed. If the enable-debug-command option is set to"
        + " \"local\", you can run it from a local connection, otherwise you need to set this option in the configuration"
        + " file, and then restart the server.\r\n";

    @Test
    void debugRefusedByDefault() {
        try (Server s = TestServers.start(shards, Map.of("enable-debug-command", "no"));
             RawClient r = new RawClient("127.0.0.1", s.respPort())) {
            assertThat(r.call("DEBUG", "SLEEP", "0")).isEqualTo(REFUSED);
            assertThat(r.call("debug", "object", "k")).isEqualTo(REFUSED);
            // the arity check comes first
            assertThat(r.call("DEBUG")).isEqualTo(arity("debug"));
            assertThat(r.call("MULTI")).isEqualTo(OK);
            assertThat(r.call("DEBUG", "SLEEP", "0")).isEqualTo(REFUSED);
            assertThat(r.call("EXEC")).isEqualTo("-EXECABORT Transaction discarded because of previous errors.\r\n");
            assertThat(r.call("CONFIG", "GET", "enable-debug-command"))
                .isEqualTo(bulks("enable-debug-command", "no"));
        }
    }

    @Test
    void debugAllowedFromLoopbackWhenLocal() {
        try (Server s = TestServers.start(shards, Map.of("enable-debug-command", "local"));
             RawClient r = new RawClient("127.0.0.1", s.respPort())) {
            assertThat(r.call("DEBUG", "SLEEP", "0")).isEqualTo(OK);
        }
    }
}
