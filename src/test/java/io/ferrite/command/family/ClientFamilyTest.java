package io.ferrite.command.family;

import io.ferrite.testing.FerriteTest;
import io.ferrite.testing.RawClient;
import org.junit.jupiter.api.Test;

import java.util.regex.Pattern;

import static io.ferrite.testing.Replies.NIL;
import static io.ferrite.testing.Replies.OK;
import static io.ferrite.testing.Replies.ONE;
import static io.ferrite.testing.Replies.SYNTAX;
import static io.ferrite.testing.Replies.ZERO;
import static io.ferrite.testing.Replies.bulk;
import static io.ferrite.testing.Replies.integer;
import static org.assertj.core.api.Assertions.assertThat;

class ClientFamilyTest extends FerriteTest {
    private static final Pattern LINE = Pattern.compile("id=\\d+ addr=\\S+:\\d+ laddr=\\S+:\\d+ fd=\\d+ name=\\S* "
        + "age=\\d+ idle=\\d+ flags=\\w+ db=\\d+ sub=0 psub=0 ssub=0 multi=-?\\d+ qbuf=\\d+ qbuf-free=\\d+ "
        + "argv-mem=\\d+ multi-mem=\\d+ rbs=\\d+ rbp=\\d+ obl=\\d+ oll=\\d+ omem=\\d+ tot-mem=\\d+ events=r "
        + "cmd=\\S+ user=default redir=-1 resp=[23]");

    private static long id(RawClient r) {
        String s = r.call("CLIENT", "ID");
        assertThat(s).startsWith(":");
        return Long.parseLong(s.substring(1, s.length() - 2));
    }

    /** The text of a bulk reply. */
    private static String text(String bulk) {
        return bulk.substring(bulk.indexOf("\r\n") + 2, bulk.length() - 2);
    }

    @Test
    void setnameAndGetname() {
        RawClient r = raw();
        assertThat(r.call("CLIENT", "GETNAME")).isEqualTo(NIL);
        assertThat(r.call("CLIENT", "SETNAME", "worker-1")).isEqualTo(OK);
        assertThat(r.call("CLIENT", "GETNAME")).isEqualTo(bulk("worker-1"));
        String bad = "-ERR Client names cannot contain spaces, newlines or special characters.\r\n";
        assertThat(r.call("CLIENT", "SETNAME", "a b")).isEqualTo(bad);
        assertThat(r.call("CLIENT", "SETNAME", "a\nb")).isEqualTo(bad);
        assertThat(r.call("CLIENT", "SETNAME", "é")).isEqualTo(bad);
        assertThat(r.call("CLIENT", "GETNAME")).isEqualTo(bulk("worker-1"));
        assertThat(r.call("CLIENT", "SETNAME", "")).isEqualTo(OK);
        assertThat(r.call("CLIENT", "GETNAME")).isEqualTo(NIL);
        assertThat(redis.clientSetname("lettuce")).isEqualTo("OK");
        assertThat(redis.clientGetname()).isEqualTo("lettuce");
    }

    @Test
    void infoLineHasRedisFieldsInOrder() {
        RawClient r = raw();
        long id = id(r);
        r.call("CLIENT", "SETNAME", "me");
        r.call("SELECT", "2");
        String line = text(r.call("CLIENT", "INFO"));
        assertThat(line).endsWith("\n");
        assertThat(LINE.matcher(line.trim()).matches()).as(line).isTrue();
        assertThat(line).startsWith("id=" + id + " addr=127.0.0.1:").contains(" name=me ").contains(" db=2 ")
            .contains(" flags=N ").contains(" cmd=client|info ").contains(" argv-mem=10 ");
        r.call("HELLO", "3");
        String v = r.call("CLIENT", "INFO");
        assertThat(v).startsWith("=").contains("txt:id=" + id + " ").contains(" resp=3\n");
    }

    @Test
    void listShowsEveryClientInIdOrder() {
        RawClient a = raw();
        RawClient b = raw();
        long ida = id(a);
        long idb = id(b);
        b.call("CLIENT", "SETNAME", "bee");
        String list = text(a.call("CLIENT", "LIST"));
        String[] lines = list.split("\n");
        long prev = -1;
        boolean sawA = false;
        boolean sawB = false;
        for (String l : lines) {
            assertThat(LINE.matcher(l).matches()).as(l).isTrue();
            long id = Long.parseLong(l.substring(3, l.indexOf(' ')));
            assertThat(id).isGreaterThan(prev);
            prev = id;
            sawA |= id == ida;
            if (id == idb) {
                sawB = true;
                assertThat(l).contains(" name=bee ").contains(" cmd=client|setname ");
            }
        }
        assertThat(sawA && sawB).isTrue();
        assertThat(text(a.call("CLIENT", "LIST", "TYPE", "normal"))).contains("id=" + idb + " ");
        assertThat(a.call("CLIENT", "LIST", "TYPE", "pubsub")).isEqualTo(bulk(""));
        assertThat(a.call("CLIENT", "LIST", "TYPE", "master")).isEqualTo(bulk(""));
        assertThat(a.call("CLIENT", "LIST", "TYPE", "foo")).isEqualTo("-ERR Unknown client type 'foo'\r\n");
        String only = text(a.call("CLIENT", "LIST", "ID", Long.toString(idb), "999999"));
        assertThat(only.split("\n")).hasSize(1);
        assertThat(only).startsWith("id=" + idb + " ");
        assertThat(a.call("CLIENT", "LIST", "ID", "x")).isEqualTo("-ERR Invalid client ID\r\n");
        assertThat(a.call("CLIENT", "LIST", "foo")).isEqualTo(SYNTAX);
    }

    @Test
    void multiShowsInList() {
        RawClient a = raw();
        RawClient b = raw();
        long idb = id(b);
        b.call("MULTI");
        b.call("GET", "x");
        String l = text(a.call("CLIENT", "LIST", "ID", Long.toString(idb)));
        assertThat(l).contains(" flags=x ").contains(" multi=1 ");
        b.call("DISCARD");
    }

    @Test
    void killByIdAndAddress() {
        RawClient a = raw();
        RawClient b = raw();
        long idb = id(b);
        assertThat(a.call("CLIENT", "KILL", "ID", Long.toString(idb))).isEqualTo(ONE);
        assertThat(b.closedByServer()).isTrue();
        assertThat(a.call("CLIENT", "LIST", "ID", Long.toString(idb))).isEqualTo(bulk(""));
        assertThat(a.call("CLIENT", "KILL", "ID", Long.toString(idb))).isEqualTo(ZERO);

        RawClient c = raw();
        String line = text(c.call("CLIENT", "INFO"));
        String addr = line.split(" ")[1].substring(5);
        assertThat(a.call("CLIENT", "KILL", addr)).isEqualTo(OK);
        assertThat(c.closedByServer()).isTrue();
        assertThat(a.call("CLIENT", "KILL", addr)).isEqualTo("-ERR No such client\r\n");
        assertThat(a.call("CLIENT", "KILL", "ADDR", addr)).isEqualTo(ZERO);
    }

    @Test
    void killSkipsMeByDefault() {
        RawClient a = raw();
        long ida = id(a);
        assertThat(a.call("CLIENT", "KILL", "ID", Long.toString(ida))).isEqualTo(ZERO);
        assertThat(a.call("CLIENT", "KILL", "ID", Long.toString(ida), "SKIPME", "no")).isEqualTo(ONE);
        assertThat(a.closedByServer()).isTrue();
    }

    @Test
    void killErrors() {
        RawClient a = raw();
        assertThat(a.call("CLIENT", "KILL", "ID", "0")).isEqualTo("-ERR client-id should be greater than 0\r\n");
        assertThat(a.call("CLIENT", "KILL", "ID", "x")).isEqualTo("-ERR client-id should be greater than 0\r\n");
        assertThat(a.call("CLIENT", "KILL", "TYPE", "foo")).isEqualTo("-ERR Unknown client type 'foo'\r\n");
        assertThat(a.call("CLIENT", "KILL", "USER", "foo")).isEqualTo("-ERR No such user 'foo'\r\n");
        assertThat(a.call("CLIENT", "KILL", "SKIPME", "maybe")).isEqualTo(SYNTAX);
        assertThat(a.call("CLIENT", "KILL", "foo", "bar")).isEqualTo(SYNTAX);
        assertThat(a.call("CLIENT", "KILL", "ID", "1", "TYPE")).isEqualTo(SYNTAX);
        assertThat(a.call("CLIENT", "KILL", "TYPE", "pubsub")).isEqualTo(ZERO);
        assertThat(a.call("CLIENT", "KILL", "LADDR", "1.2.3.4:5")).isEqualTo(ZERO);
    }

    @Test
    void replyOffSkipOn() {
        RawClient r = raw();
        r.send(RawClient.encode("CLIENT", "REPLY", "OFF"));
        r.send(RawClient.encode("SET", "a", "1"));
        r.send(RawClient.encode("GET", "a"));
        r.send(RawClient.encode("CLIENT", "REPLY", "SKIP"));
        assertThat(r.call("CLIENT", "REPLY", "ON")).isEqualTo(OK);
        r.send(RawClient.encode("CLIENT", "REPLY", "SKIP"));
        r.send(RawClient.encode("GET", "a"));
        assertThat(r.call("ECHO", "next")).isEqualTo(bulk("next"));
        assertThat(r.call("CLIENT", "REPLY", "maybe")).isEqualTo(SYNTAX);
    }

    @Test
    void noEvictFlag() {
        RawClient r = raw();
        assertThat(r.call("CLIENT", "NO-EVICT", "on")).isEqualTo(OK);
        assertThat(r.call("CLIENT", "INFO")).contains(" flags=e ");
        assertThat(r.call("CLIENT", "NO-EVICT", "OFF")).isEqualTo(OK);
        assertThat(r.call("CLIENT", "INFO")).contains(" flags=N ");
        assertThat(r.call("CLIENT", "NO-EVICT", "x")).isEqualTo(SYNTAX);
    }

    @Test
    void helpAndUnknown() {
        RawClient r = raw();
        String help = r.call("CLIENT", "HELP");
        assertThat(help).startsWith("*48\r\n+CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n")
            .endsWith("+HELP\r\n+    Prints this help.\r\n");
        assertThat(r.call("CLIENT", "FOO")).isEqualTo("-ERR unknown subcommand 'FOO'. Try CLIENT HELP.\r\n");
        assertThat(r.call("CLIENT", "GETREDIR")).isEqualTo(integer(-1));
        assertThat(r.call("CLIENT", "ID")).isEqualTo(":" + id(r) + "\r\n");
    }
}
