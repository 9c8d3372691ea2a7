package io.ferrite.command.family;

import io.ferrite.testing.FerriteTest;
import io.ferrite.testing.RawClient;
import org.junit.jupiter.api.Test;

import static io.ferrite.testing.Replies.EMPTY_ARRAY;
import static io.ferrite.testing.Replies.SYNTAX;
import static io.ferrite.testing.Replies.arity;
import static io.ferrite.testing.Replies.bulk;
import static io.ferrite.testing.Replies.bulks;
import static org.assertj.core.api.Assertions.assertThat;

class IntrospectionFamilyTest extends FerriteTest {
    /** Redis 7.0.15's COMMAND INFO get set mset, byte for byte. */
    private static final String INFO_GET_SET_MSET = "*3\r\n"
        + "*10\r\n$3\r\nget\r\n:2\r\n*2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@read\r\n+@string\r\n+@fast\r\n*0\r\n"
        + "*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n"
        + "$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n"
        + "*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n"
        + "*10\r\n$3\r\nset\r\n:-3\r\n*2\r\n+write\r\n+denyoom\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@write\r\n+@string\r\n+@slow\r\n"
        + "*0\r\n*1\r\n*8\r\n$5\r\nnotes\r\n$48\r\nRW and ACCESS due to the optional `GET` argument\r\n$5\r\nflags\r\n"
        + "*4\r\n+RW\r\n+access\r\n+update\r\n+variable_flags\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n"
        + "$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n"
        + "*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n"
        + "*10\r\n$4\r\nmset\r\n:-3\r\n*2\r\n+write\r\n+denyoom\r\n:1\r\n:-1\r\n:2\r\n*3\r\n+@write\r\n+@string\r\n+@slow\r\n"
        + "*2\r\n$26\r\nrequest_policy:multi_shard\r\n$29\r\nresponse_policy:all_succeeded\r\n*1\r\n*6\r\n$5\r\nflags\r\n"
        + "*2\r\n+OW\r\n+update\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\n"
        + "index\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:-1\r\n"
        + "$7\r\nkeystep\r\n:2\r\n$5\r\nlimit\r\n:0\r\n*0\r\n";

    private static final String DOCS_GET = "*2\r\n$3\r\nget\r\n*10\r\n$7\r\nsummary\r\n$22\r\nGet the value of a key\r\n"
        + "$5\r\nsince\r\n$5\r\n1.0.0\r\n$5\r\ngroup\r\n$6\r\nstring\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n$9\r\narguments\r\n"
        + "*1\r\n*6\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n";

    @Test
    void infoMatchesRedis() {
        RawClient r = raw();
        assertThat(r.call("COMMAND", "INFO", "get", "SET", "mset")).isEqualTo(INFO_GET_SET_MSET);
        assertThat(r.call("COMMAND", "INFO", "nosuch")).isEqualTo("*1\r\n$-1\r\n");
        assertThat(r.call("COMMAND", "INFO", "config|get")).isEqualTo("*1\r\n*10\r\n$10\r\nconfig|get\r\n:-3\r\n"
            + "*4\r\n+admin\r\n+noscript\r\n+loading\r\n+stale\r\n:0\r\n:0\r\n:0\r\n*3\r\n+@admin\r\n+@slow\r\n+@dangerous\r\n"
            + "*0\r\n*0\r\n*0\r\n");
        r.call("HELLO", "3");
        String resp3 = r.call("COMMAND", "INFO", "get");
        assertThat(resp3).startsWith("*1\r\n*10\r\n$3\r\nget\r\n:2\r\n~2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n~3\r\n")
            .contains("~0\r\n~1\r\n%3\r\n$5\r\nflags\r\n~2\r\n").endsWith("$5\r\nlimit\r\n:0\r\n~0\r\n");
    }

    @Test
    void containerListsItsSubcommands() {
        RawClient r = raw();
        String info = r.call("COMMAND", "INFO", "config");
        assertThat(info).startsWith("*1\r\n*10\r\n$6\r\nconfig\r\n:-2\r\n*0\r\n:0\r\n:0\r\n:0\r\n*1\r\n+@slow\r\n*0\r\n*0\r\n*5\r\n")
            .contains("$10\r\nconfig|set\r\n:-4\r\n").contains(bulk("config|resetstat"));
    }

    @Test
    void docsMatchRedis() {
        RawClient r = raw();
        assertThat(r.call("COMMAND", "DOCS", "get")).isEqualTo(DOCS_GET);
        assertThat(r.call("COMMAND", "DOCS", "nosuch")).isEqualTo(EMPTY_ARRAY);
        String set = r.call("COMMAND", "DOCS", "set");
        assertThat(set).contains("$7\r\nhistory\r\n*4\r\n*2\r\n$6\r\n2.6.12\r\n")
            .contains("*10\r\n$4\r\nname\r\n$9\r\ncondition\r\n$4\r\ntype\r\n$5\r\noneof\r\n$5\r\nsince\r\n$6\r\n2.6.12\r\n"
                + "$5\r\nflags\r\n*1\r\n+optional\r\n$9\r\narguments\r\n*2\r\n");
        assertThat(r.call("COMMAND", "DOCS", "client|kill")).contains("$5\r\ntoken\r\n$6\r\nNORMAL\r\n");
    }

    @Test
    void countAndList() {
        RawClient r = raw();
        String count = r.call("COMMAND", "COUNT");
        long n = Long.parseLong(count.substring(1, count.length() - 2));
        assertThat(n).isEqualTo(server.engine().commands().topLevel().size());
        assertThat(redis.command()).hasSize((int) n);
        String all = r.call("COMMAND", "LIST");
        assertThat(all).startsWith("*" + server.engine().commands().size() + "\r\n").contains(bulk("config|get"));
        assertThat(r.call("COMMAND", "LIST", "FILTERBY", "PATTERN", "config|[gs]et"))
            .isIn(bulks("config|get", "config|set"), bulks("config|set", "config|get"));
        assertThat(r.call("COMMAND", "LIST", "FILTERBY", "pattern", "xx*")).isEqualTo(EMPTY_ARRAY);
        assertThat(r.call("COMMAND", "LIST", "FILTERBY", "aclcat", "nosuch")).isEqualTo(EMPTY_ARRAY);
        assertThat(r.call("COMMAND", "LIST", "FILTERBY", "module", "foo")).isEqualTo(EMPTY_ARRAY);
        String conn = r.call("COMMAND", "LIST", "FILTERBY", "aclcat", "CONNECTION");
        assertThat(conn).contains(bulk("ping")).contains(bulk("client|kill")).doesNotContain(bulk("get"));
        assertThat(r.call("COMMAND", "LIST", "FILTERBY", "foo", "bar")).isEqualTo(SYNTAX);
        assertThat(r.call("COMMAND", "LIST", "foo")).isEqualTo(SYNTAX);
    }

    @Test
    void getkeys() {
        RawClient r = raw();
        assertThat(r.call("COMMAND", "GETKEYS", "get", "a")).isEqualTo(bulks("a"));
        assertThat(r.call("COMMAND", "GETKEYS", "MSET", "a", "b", "c", "d")).isEqualTo(bulks("a", "c"));
        // as Redis: the range's last key is argc-1, stepping 2
        assertThat(r.call("COMMAND", "GETKEYS", "mset", "a", "b", "c")).isEqualTo(bulks("a", "c"));
        assertThat(r.call("COMMAND", "GETKEYS", "get", "a", "b"))
            .isEqualTo("-ERR Invalid number of arguments specified for command\r\n");
        assertThat(r.call("COMMAND", "GETKEYS", "ping", "x")).isEqualTo("-ERR The command has no key arguments\r\n");
        assertThat(r.call("COMMAND", "GETKEYS", "nosuch", "x")).isEqualTo("-ERR Invalid command specified\r\n");
        assertThat(r.call("COMMAND", "GETKEYS", "get"))
            .isEqualTo(arity("command|getkeys"));
        assertThat(r.call("COMMAND", "GETKEYSANDFLAGS", "set", "a", "b"))
            .isEqualTo("*1\r\n*2\r\n$1\r\na\r\n*2\r\n+OW\r\n+update\r\n");
        assertThat(r.call("COMMAND", "GETKEYSANDFLAGS", "set", "a", "b", "get"))
            .isEqualTo("*1\r\n*2\r\n$1\r\na\r\n*3\r\n+RW\r\n+access\r\n+update\r\n");
        assertThat(r.call("COMMAND", "GETKEYSANDFLAGS", "get", "k"))
            .isEqualTo("*1\r\n*2\r\n$1\r\nk\r\n*2\r\n+RO\r\n+access\r\n");
    }

    @Test
    void helpAndUnknown() {
        RawClient r = raw();
        assertThat(r.call("COMMAND", "HELP")).startsWith("*21\r\n+COMMAND <subcommand> [<arg> [value] [opt] ...]. "
            + "Subcommands are:\r\n+(no subcommand)\r\n").endsWith("+HELP\r\n+    Prints this help.\r\n");
        assertThat(r.call("COMMAND", "FOO")).isEqualTo("-ERR unknown subcommand 'FOO'. Try COMMAND HELP.\r\n");
    }
}
