package io.ferrite.command.family;

import io.ferrite.server.Server;
import io.ferrite.testing.FerriteTest;
import io.ferrite.testing.RawClient;
import io.ferrite.testing.TestServers;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.ferrite.testing.Replies.NIL;
import static io.ferrite.testing.Replies.NOT_INTEGER;
import static io.ferrite.testing.Replies.OK;
import static io.ferrite.testing.Replies.SYNTAX;
import static io.ferrite.testing.Replies.ZERO;
import static io.ferrite.testing.Replies.bulk;
import static org.assertj.core.api.Assertions.assertThat;

class ConnectionFamilyTest extends FerriteTest {
    private static final String NOAUTH = "-NOAUTH Authentication required.\r\n";
    private static final String WRONGPASS = "-WRONGPASS invalid username-password pair or user is disabled.\r\n";

    private static String helloMap(char type, int proto, long id) {
        return type + "7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\nproto\r\n:" + proto
            + "\r\n$2\r\nid\r\n:" + id + "\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n"
            + "$7\r\nmodules\r\n*0\r\n";
    }

    private static long clientId(RawClient r) {
        String id = r.call("CLIENT", "ID");
        return Long.parseLong(id.substring(1, id.length() - 2));
    }

    @Test
    void pingEchoSelect() {
        RawClient r = raw();
        assertThat(r.call("PING")).isEqualTo("+PONG\r\n");
        assertThat(r.call("PING", "hi")).isEqualTo(bulk("hi"));
        assertThat(r.call("ECHO", "x y")).isEqualTo(bulk("x y"));
        assertThat(r.call("SELECT", "16")).isEqualTo("-ERR DB index is out of range\r\n");
        assertThat(r.call("SELECT", "x")).isEqualTo(NOT_INTEGER);
        assertThat(r.call("SELECT", "3")).isEqualTo(OK);
        assertThat(r.call("CLIENT", "INFO")).contains(" db=3 ");
    }

    @Test
    void helloSwitchesProtocolAndReportsTheConnection() {
        RawClient r = raw();
        long id = clientId(r);
        assertThat(r.call("HELLO")).isEqualTo(helloMap('*', 2, id).replace("*7", "*14"));
        assertThat(r.call("HELLO", "3")).isEqualTo(helloMap('%', 3, id));
        assertThat(r.call("CLIENT", "GETNAME")).isEqualTo("_\r\n");
        assertThat(r.call("HELLO", "2", "SETNAME", "conn1")).isEqualTo(helloMap('*', 2, id).replace("*7", "*14"));
        assertThat(r.call("CLIENT", "GETNAME")).isEqualTo(bulk("conn1"));
    }

    @Test
    void helloErrors() {
        RawClient r = raw();
        assertThat(r.call("HELLO", "4")).isEqualTo("-NOPROTO unsupported protocol version\r\n");
        assertThat(r.call("HELLO", "1")).isEqualTo("-NOPROTO unsupported protocol version\r\n");
        assertThat(r.call("HELLO", "x")).isEqualTo("-ERR Protocol version is not an integer or out of range\r\n");
        assertThat(r.call("HELLO", "3", "foo")).isEqualTo("-ERR Syntax error in HELLO option 'foo'\r\n");
        assertThat(r.call("HELLO", "3", "setname")).isEqualTo("-ERR Syntax error in HELLO option 'setname'\r\n");
        assertThat(r.call("HELLO", "3", "SETNAME", "a b"))
            .isEqualTo("-ERR Client names cannot contain spaces, newlines or special characters.\r\n");
        assertThat(r.call("HELLO", "3", "AUTH", "nobody", "x")).isEqualTo(WRONGPASS);
        // still RESP2: nothing switched
        assertThat(r.call("PING")).isEqualTo("+PONG\r\n");
        assertThat(r.call("CLIENT", "GETNAME")).isEqualTo(NIL);
    }

    @Test
    void authWithoutPasswordConfigured() {
        RawClient r = raw();
        assertThat(r.call("AUTH", "x")).isEqualTo("-ERR AUTH <password> called without any password configured "
            + "for the default user. Are you sure your configuration is correct?\r\n");
        assertThat(r.call("AUTH", "default", "anything")).isEqualTo(OK);
        assertThat(r.call("AUTH", "someone", "x")).isEqualTo(WRONGPASS);
        assertThat(r.call("AUTH", "a", "b", "c")).isEqualTo(SYNTAX);
    }

    @Test
    void resetRestoresTheConnectionDefaults() {
        RawClient r = raw();
        r.call("HELLO", "3");
        r.call("SELECT", "5");
        r.call("CLIENT", "SETNAME", "before");
        r.call("CLIENT", "NO-EVICT", "ON");
        r.call("MULTI");
        r.call("SET", "k", "v");
        assertThat(r.call("RESET")).isEqualTo("+RESET\r\n");
        assertThat(r.call("CLIENT", "GETNAME")).isEqualTo(NIL);
        String info = r.call("CLIENT", "INFO");
        assertThat(info).contains(" db=0 ").contains(" multi=-1 ").contains(" resp=2\n").contains(" flags=e ");
        // the queued SET was discarded
        assertThat(r.call("EXISTS", "k")).isEqualTo(ZERO);
        assertThat(r.call("EXEC")).isEqualTo("-ERR EXEC without MULTI\r\n");
    }

    @Test
    void resetEndsTrackingSubscriptionsWatchMonitorAndRepliesOff() {
        RawClient r = raw();
        RawClient other = raw();
        r.call("CLIENT", "TRACKING", "on");
        r.call("WATCH", "w");
        r.call("SUBSCRIBE", "ch");
        assertThat(r.call("RESET")).isEqualTo("+RESET\r\n");
        assertThat(r.call("CLIENT", "INFO")).contains(" flags=N ").contains(" sub=0 ").contains(" redir=-1 ");
        assertThat(other.call("PUBLISH", "ch", "m")).isEqualTo(ZERO);
        // the WATCH is gone: a change to w no longer aborts a transaction
        assertThat(other.call("SET", "w", "1")).isEqualTo(OK);
        r.call("MULTI");
        r.call("PING");
        assertThat(r.call("EXEC")).isEqualTo("*1\r\n+PONG\r\n");
        assertThat(r.call("MONITOR")).isEqualTo(OK);
        assertThat(r.call("RESET")).isEqualTo("+RESET\r\n");
        assertThat(other.call("PING")).isEqualTo("+PONG\r\n");
        assertThat(r.call("GET", "w")).isEqualTo(bulk("1"));
        r.send(RawClient.encode("CLIENT", "REPLY", "OFF"));
        assertThat(r.call("RESET")).isEqualTo("+RESET\r\n");
        assertThat(r.call("PING")).isEqualTo("+PONG\r\n");
    }

    @Test
    void quitClosesAfterOk() {
        RawClient r = raw();
        assertThat(r.call("QUIT")).isEqualTo(OK);
        assertThat(r.closedByServer()).isTrue();
    }

    @Test
    void requirepass() throws Exception {
        try (Server s = TestServers.start(shards, Map.of("requirepass", "pw"));
             RawClient r = new RawClient("127.0.0.1", s.respPort())) {
            assertThat(r.call("PING")).isEqualTo(NOAUTH);
            assertThat(r.call("HELLO", "3")).isEqualTo("-NOAUTH HELLO must be called with the client already "
                + "authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the "
                + "client and select the RESP protocol version at the same time\r\n");
            assertThat(r.call("AUTH", "bad")).isEqualTo(WRONGPASS);
            assertThat(r.call("AUTH", "other", "pw")).isEqualTo(WRONGPASS);
            assertThat(r.call("HELLO", "3", "AUTH", "default", "bad")).isEqualTo(WRONGPASS);
            assertThat(r.call("PING")).isEqualTo(NOAUTH);
            assertThat(r.call("AUTH", "pw")).isEqualTo(OK);
            assertThat(r.call("PING")).isEqualTo("+PONG\r\n");
            assertThat(r.call("RESET")).isEqualTo("+RESET\r\n");
            assertThat(r.call("PING")).isEqualTo(NOAUTH);
            String hello = r.call("HELLO", "3", "AUTH", "default", "pw", "SETNAME", "me");
            assertThat(hello).startsWith("%7\r\n$6\r\nserver\r\n");
            assertThat(r.call("CLIENT", "GETNAME")).isEqualTo(bulk("me"));
            assertThat(r.call("AUTH", "default", "pw")).isEqualTo(OK);
        }
    }
}
