package io.ferrite.scripting;

import io.ferrite.server.Server;
import io.ferrite.testing.Await;
import io.ferrite.testing.FerriteTest;
import io.ferrite.testing.RawClient;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A script running past busy-reply-threshold: other clients get -BUSY, SCRIPT KILL stops a script
 * that has not written, and one that has is unkillable; the server serves again once it ends.
 */
class ScriptBusyTest extends FerriteTest {
    private static final String BUSY = "-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.\r\n";

    @Test
    void anEndlessScriptIsAnsweredBusyAndKilled() throws Exception {
        Server own = ownServer(Map.of("busy-reply-threshold", "100"));
        RawClient runner = raw(own.respPort());
        RawClient other = raw(own.respPort());
        assertThat(other.call("SCRIPT", "KILL")).isEqualTo("-NOTBUSY No scripts in execution right now.\r\n");
        runner.send(RawClient.encode("EVAL", "local i = 0 while true do i = i + 1 end", "0"));
        Await.until(() -> other.call("PING").equals(BUSY), "the script to be busy");
        assertThat(other.call("GET", "x")).isEqualTo(BUSY);
        assertThat(other.call("SCRIPT", "KILL")).isEqualTo("+OK\r\n");
        assertThat(runner.readReply()).startsWith("-ERR Script killed by user with SCRIPT KILL... script: ")
            .endsWith(", on @user_script:1.\r\n");
        assertThat(other.call("PING")).isEqualTo("+PONG\r\n");
        assertThat(other.call("SCRIPT", "KILL")).isEqualTo("-NOTBUSY No scripts in execution right now.\r\n");
    }

    @Test
    void aScriptThatWroteCannotBeKilled() throws Exception {
        Server own = ownServer(Map.of("busy-reply-threshold", "100"));
        RawClient runner = raw(own.respPort());
        RawClient other = raw(own.respPort());
        runner.send(RawClient.encode("EVAL", "redis.call('set', 'x', '1') local t = redis.call('time') "
            + "while true do local n = redis.call('time') if n[1] - t[1] >= 2 then return 'done' end end", "0"));
        Await.until(() -> other.call("PING").equals(BUSY), "the script to be busy");
        assertThat(other.call("SCRIPT", "KILL")).startsWith("-UNKILLABLE Sorry the script already executed write commands");
        assertThat(runner.readReply()).isEqualTo("$4\r\ndone\r\n");
        assertThat(other.call("GET", "x")).isEqualTo("$1\r\n1\r\n");
    }

    @Test
    void aPcallInALoopCannotKeepAKilledScriptAlive() throws Exception {
        Server own = ownServer(Map.of("busy-reply-threshold", "100"));
        RawClient runner = raw(own.respPort());
        RawClient other = raw(own.respPort());
        runner.send(RawClient.encode("EVAL", "while true do pcall(function() while true do end end) end", "0"));
        Await.until(() -> other.call("PING").equals(BUSY), "the script to be busy");
        assertThat(other.call("SCRIPT", "KILL")).isEqualTo("+OK\r\n");
        assertThat(runner.readReply()).startsWith("-ERR Script killed by user with SCRIPT KILL...");
        assertThat(other.call("PING")).isEqualTo("+PONG\r\n");
    }

    @Test
    void onlyShutdownNosaveEndsAServerWhoseScriptWroteAndLoops() throws Exception {
        Server own = ownServer(Map.of("busy-reply-threshold", "100"));
        RawClient runner = raw(own.respPort());
        RawClient other = raw(own.respPort());
        runner.send(RawClient.encode("EVAL", "redis.call('set', KEYS[1], 'y') while true do end", "1", "x"));
        Await.until(() -> other.call("PING").equals(BUSY), "the script to be busy");
        assertThat(other.call("SHUTDOWN")).isEqualTo(BUSY);
        assertThat(other.call("SHUTDOWN", "ABORT")).isEqualTo("-ERR No shutdown in progress.\r\n");
        other.send(RawClient.encode("SHUTDOWN", "NOSAVE"));
        Await.until(own::isClosed, "SHUTDOWN NOSAVE to close the server");
    }
}
