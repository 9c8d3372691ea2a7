package io.ferrite.command.family;

import io.ferrite.testing.FerriteTest;
import io.ferrite.testing.RawClient;
import org.junit.jupiter.api.Test;

import static io.ferrite.testing.Replies.OK;
import static io.ferrite.testing.Replies.bulk;
import static org.assertj.core.api.Assertions.assertThat;

/** MONITOR's feed with Redis's line format, and what a monitoring connection may still do. */
class MonitorTest extends FerriteTest {
    private static final String LINE = "\\+\\d{10}\\.\\d{6} ";

    @Test
    void feedsEveryCommandWithDbAndAddress() {
        RawClient m = raw();
        assertThat(m.call("MONITOR")).isEqualTo(OK);
        RawClient c = raw();
        c.call("SET", "k", "a b\u0001\"\\");
        c.call("SELECT", "3");
        c.call("GET", "k");
        c.call("MULTI");
        c.call("INCR", "n");
        c.call("EXEC");
        c.call("AUTH", "secret");
        c.call("CONFIG", "GET", "port");
        c.call("GET");
        c.call("PING");
        String addr = addrOf(c);
        assertThat(m.readReply()).matches(LINE + "\\[0 " + addr + "\\] \"SET\" \"k\" \"a b\\\\x01\\\\\"\\\\\\\\\"\r\n");
        assertThat(m.readReply()).matches(LINE + "\\[3 " + addr + "\\] \"SELECT\" \"3\"\r\n");
        assertThat(m.readReply()).matches(LINE + "\\[3 " + addr + "\\] \"GET\" \"k\"\r\n");
        assertThat(m.readReply()).matches(LINE + "\\[3 " + addr + "\\] \"MULTI\"\r\n");
        assertThat(m.readReply()).matches(LINE + "\\[3 " + addr + "\\] \"INCR\" \"n\"\r\n");
        assertThat(m.readReply()).matches(LINE + "\\[3 " + addr + "\\] \"EXEC\"\r\n");
        assertThat(m.readReply()).matches(LINE + "\\[3 " + addr + "\\] \"AUTH\" \"\\(redacted\\)\"\r\n");
        // admin commands (CONFIG) and rejected ones (arity) are not shown
        assertThat(m.readReply()).matches(LINE + "\\[3 " + addr + "\\] \"PING\"\r\n");
    }

    @Test
    void monitoringConnection() {
        RawClient m = raw();
        m.call("MONITOR");
        assertThat(m.call("GET", "k")).isEqualTo("-ERR Replica can't interact with the keyspace\r\n");
        assertThat(m.call("PING")).isEqualTo("+PONG\r\n");
        assertThat(m.readReply()).matches(LINE + "\\[0 [0-9.:]+\\] \"PING\"\r\n");
        String info = m.call("CLIENT", "INFO");
        assertThat(info).contains(" flags=O ");
        m.readReply();
        // a second MONITOR gets no reply
        m.send(RawClient.encode("MONITOR"));
        assertThat(m.call("RESET")).isEqualTo("+RESET\r\n");
        assertThat(m.call("CLIENT", "INFO")).contains(" flags=N ");
        raw().call("SET", "k", "v");
        assertThat(m.call("GET", "k")).isEqualTo(bulk("v"));
    }

    @Test
    void hellosSecretsRedacted() {
        RawClient m = raw();
        m.call("MONITOR");
        RawClient c = raw();
        c.call("HELLO", "2", "AUTH", "default", "pw", "SETNAME", "n");
        c.call("PING");
        String line = m.readReply();
        assertThat(line).endsWith("\"HELLO\" \"2\" \"AUTH\" \"(redacted)\" \"(redacted)\" \"SETNAME\" \"n\"\r\n");
    }

    private static String addrOf(RawClient c) {
        String info = c.call("CLIENT", "INFO");
        int i = info.indexOf(" addr=") + 6;
        return info.substring(i, info.indexOf(' ', i)).replace(".", "\\.");
    }
}
