package io.ferrite.server;

import io.ferrite.testing.FerriteTest;
import io.ferrite.testing.RawClient;
import io.ferrite.testing.TestServers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * ACL users on a running server, for what the differential cases cannot compare byte for byte:
 * the ACL log (ages, client lines), disconnections, redaction, and the ACL file.
 */
class AclUsersTest extends FerriteTest {
    @AfterEach
    void dropUsers() {
        try (RawClient admin = raw()) {
            admin.call("ACL", "DELUSER", "u1", "u2");
            admin.call("ACL", "LOG", "RESET");
            admin.call("CONFIG", "SET", "slowlog-log-slower-than", "10000");
        }
    }

    @Test
    void theLogRecordsRefusalsWithTheirContext() {
        RawClient admin = raw();
        assertThat(admin.call("ACL", "SETUSER", "u1", "on", ">pw", "~k*", "+get", "+multi", "+exec", "+discard", "+eval")).isEqualTo("+OK\r\n");
        RawClient u = raw();
        assertThat(u.call("AUTH", "u1", "pw")).isEqualTo("+OK\r\n");
        assertThat(u.call("SET", "k1", "v")).isEqualTo("-NOPERM this user has no permissions to run the 'set' command\r\n");
        assertThat(u.call("SET", "k1", "v")).startsWith("-NOPERM");
        assertThat(u.call("GET", "other")).isEqualTo(
            "-NOPERM this user has no permissions to access one of the keys used as arguments\r\n");
        assertThat(u.call("EVAL", "return redis.pcall('get', 'zz')", "0")).isEqualTo(
            "-ERR The user executing the script can't access at least one of the keys mentioned in the command arguments\r\n");
        u.call("MULTI");
        assertThat(u.call("GET", "x")).startsWith("-NOPERM");
        u.call("DISCARD");
        assertThat(u.call("AUTH", "u1", "wrong")).startsWith("-WRONGPASS");
        String log = admin.call("ACL", "LOG");
        // newest first: auth, then the queued GET (multi), the script's GET (lua), GET other, SET twice as one entry
        assertThat(log).startsWith("*5\r\n");
        assertThat(log.indexOf("$4\r\nauth\r\n")).isLessThan(log.indexOf("$5\r\nmulti\r\n"));
        assertThat(log.indexOf("$5\r\nmulti\r\n")).isLessThan(log.indexOf("$3\r\nlua\r\n"));
        assertThat(log).contains("$5\r\ncount\r\n:2\r\n$6\r\nreason\r\n$7\r\ncommand\r\n$7\r\ncontext\r\n$8\r\ntoplevel\r\n"
            + "$6\r\nobject\r\n$3\r\nset\r\n$8\r\nusername\r\n$2\r\nu1\r\n$11\r\nage-seconds\r\n");
        assertThat(log).contains("$6\r\nobject\r\n$5\r\nother\r\n").contains("$6\r\nobject\r\n$2\r\nzz\r\n");
        assertThat(log).contains("$6\r\nobject\r\n$4\r\nAUTH\r\n").contains(" user=u1 ").contains("cmd=auth");
        assertThat(admin.call("ACL", "LOG", "1")).startsWith("*1\r\n");
        assertThat(admin.call("ACL", "LOG", "RESET")).isEqualTo("+OK\r\n");
        assertThat(admin.call("ACL", "LOG")).isEqualTo("*0\r\n");
    }

    @Test
    void pipelinedRequestsAreEachChecked() {
        RawClient admin = raw();
        admin.call("ACL", "SETUSER", "u1", "on", "nopass", "~a*", "+get", "+set");
        RawClient u = raw();
        u.call("AUTH", "u1", "x");
        StringBuilder pipeline = new StringBuilder();
        for (String[] cmd : new String[][] {{"SET", "a1", "v"}, {"SET", "b1", "v"}, {"GET", "a1"}, {"DEL", "a1"}, {"GET", "a1"}}) {
            pipeline.append(new String(RawClient.encode(cmd), java.nio.charset.StandardCharsets.ISO_8859_1));
        }
        u.send(pipeline.toString());
        assertThat(u.readReply()).isEqualTo("+OK\r\n");
        assertThat(u.readReply()).startsWith("-NOPERM this user has no permissions to access one of the keys");
        assertThat(u.readReply()).isEqualTo("$1\r\nv\r\n");
        assertThat(u.readReply()).isEqualTo("-NOPERM this user has no permissions to run the 'del' command\r\n");
        assertThat(u.readReply()).isEqualTo("$1\r\nv\r\n");
        assertThat(admin.call("EXISTS", "b1")).isEqualTo(":0\r\n");
        assertThat(admin.call("ACL", "LOG")).startsWith("*2\r\n");
    }

    @Test
    void rulesChangedAfterQueueingAreCheckedAtExec() {
        RawClient admin = raw();
        admin.call("ACL", "SETUSER", "u1", "on", "nopass", "~*", "+@all");
        RawClient u = raw();
        u.call("AUTH", "u1", "x");
        u.call("MULTI");
        assertThat(u.call("SET", "k", "v")).isEqualTo("+QUEUED\r\n");
        admin.call("ACL", "SETUSER", "u1", "-set");
        assertThat(u.call("EXEC")).isEqualTo("*1\r\n-NOPERM ACLs rules changed between the moment the transaction was "
            + "accumulated and the EXEC call. This command is no longer allowed for the following reason: no permission "
            + "to execute the command or subcommand\r\n");
        assertThat(admin.call("EXISTS", "k")).isEqualTo(":0\r\n");
    }

    @Test
    void deletingAUserDisconnectsItsClients() {
        RawClient admin = raw();
        admin.call("ACL", "SETUSER", "u1", "on", "nopass", "+@all");
        RawClient u = raw();
        u.call("AUTH", "u1", "x");
        assertThat(admin.call("ACL", "DELUSER", "u1")).isEqualTo(":1\r\n");
        assertThat(u.closedBeforeTimeout()).isTrue();
        assertThat(admin.call("PING")).isEqualTo("+PONG\r\n");
    }

    @Test
    void clientKillUserClosesThatUsersConnections() {
        RawClient admin = raw();
        admin.call("ACL", "SETUSER", "u1", "on", "nopass", "+@all");
        RawClient u = raw();
        u.call("AUTH", "u1", "x");
        assertThat(admin.call("CLIENT", "KILL", "USER", "u1")).isEqualTo(":1\r\n");
        assertThat(u.closedBeforeTimeout()).isTrue();
        assertThat(admin.call("CLIENT", "KILL", "USER", "nobody")).isEqualTo("-ERR No such user 'nobody'\r\n");
    }

    @Test
    void subscribersLosingTheirChannelAreDisconnected() {
        RawClient admin = raw();
        admin.call("ACL", "SETUSER", "u1", "on", "nopass", "+@all", "resetchannels", "&a*", "&b");
        RawClient keeps = raw();
        keeps.call("AUTH", "u1", "x");
        keeps.call("SUBSCRIBE", "a1");
        RawClient loses = raw();
        loses.call("AUTH", "u1", "x");
        loses.call("SUBSCRIBE", "b");
        assertThat(admin.call("ACL", "SETUSER", "u1", "resetchannels", "&a*")).isEqualTo("+OK\r\n");
        assertThat(loses.closedBeforeTimeout()).isTrue();
        assertThat(keeps.call("PING")).isEqualTo("*2\r\n$4\r\npong\r\n$0\r\n\r\n");
    }

    @Test
    void secretsAreRedactedInTheSlowLog() {
        RawClient admin = raw();
        admin.call("SLOWLOG", "RESET");
        admin.call("CONFIG", "SET", "slowlog-log-slower-than", "0");
        admin.call("ACL", "SETUSER", "u1", ">secret");
        admin.call("CONFIG", "SET", "requirepass", "");
        String log = admin.call("SLOWLOG", "GET");
        assertThat(log).doesNotContain("secret").contains("$10\r\n(redacted)\r\n");
        assertThat(log).contains("$11\r\nrequirepass\r\n$10\r\n(redacted)\r\n");
    }

    @Test
    void theAclFileIsLoadedSavedAndExclusiveWithUserLines() throws Exception {
        Path dir = Files.createTempDirectory("acl");
        Files.writeString(dir.resolve("users.acl"), "user u2 on >pw ~* +get\n");
        Server s = TestServers.start(shards, Map.of("dir", dir.toString(), "aclfile", "users.acl"));
        try (RawClient c = new RawClient("127.0.0.1", s.respPort())) {
            assertThat(c.call("ACL", "USERS")).isEqualTo("*2\r\n$7\r\ndefault\r\n$2\r\nu2\r\n");
            assertThat(c.call("ACL", "SETUSER", "u1", "on", "nopass")).isEqualTo("+OK\r\n");
            assertThat(c.call("ACL", "SAVE")).isEqualTo("+OK\r\n");
            assertThat(Files.readString(dir.resolve("users.acl"))).startsWith("user default on nopass ~* &* +@all\n")
                .contains("user u1 on nopass resetchannels -@all\n");
            Files.writeString(dir.resolve("users.acl"), "user u2 on >pw +nosuch\n");
            assertThat(c.call("ACL", "LOAD")).isEqualTo("-ERR users.acl:1: Error in applying operation '+nosuch': "
                + "Unknown command or category name in ACL. WARNING: ACL errors detected, no change to the previously "
                + "active ACL rules was performed\r\n");
            Files.writeString(dir.resolve("users.acl"), "user u2 on >pw +@all\n");
            assertThat(c.call("ACL", "LOAD")).isEqualTo("+OK\r\n");
            assertThat(c.call("ACL", "USERS")).isEqualTo("*2\r\n$7\r\ndefault\r\n$2\r\nu2\r\n");
        } finally {
            s.close();
        }
        ServerConfig both = ServerConfig.defaults();
        Path bothFile = dir.resolve("both.conf");
        Files.writeString(bothFile, "aclfile users.acl\nuser u3 on nopass\n");
        both.load(bothFile);
        assertThatThrownBy(() -> Server.start(both)).hasMessageContaining("please define either an ACL file or declare users");
    }

    @Test
    void userLinesOfTheConfigFileLoadAndConfigRewriteWritesThem() throws Exception {
        Path dir = Files.createTempDirectory("acl");
        Path conf = dir.resolve("ferrite.conf");
        Files.writeString(conf, "port " + TestServers.freePort() + "\nbind 127.0.0.1\nshards " + shards
            + "\nmemcached-port 0\nmetrics-port 0\nsave \"\"\ndir " + dir + "\nuser u3 on nopass ~k* +get\n");
        ServerConfig cfg = ServerConfig.defaults();
        cfg.load(conf);
        try (Server s = Server.start(cfg); RawClient c = new RawClient("127.0.0.1", s.respPort())) {
            assertThat(c.call("ACL", "LIST")).isEqualTo("*2\r\n$34\r\nuser default on nopass ~* &* +@all\r\n"
                + "$46\r\nuser u3 on nopass ~k* resetchannels -@all +get\r\n");
            c.call("ACL", "SETUSER", "u4", "on", ">pw");
            assertThat(c.call("CONFIG", "REWRITE")).isEqualTo("+OK\r\n");
        }
        String rewritten = Files.readString(conf);
        assertThat(rewritten).contains("user u3 on nopass ~k* resetchannels -@all +get\n")
            .contains("user default on nopass ~* &* +@all\n").contains("user u4 on #");
        ServerConfig again = ServerConfig.defaults();
        again.load(conf);
        assertThat(again.userLines()).hasSize(3);
    }
}
