package io.ferrite.server;

import io.ferrite.testing.FerriteProcess;
import io.ferrite.testing.RawClient;
import io.ferrite.testing.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * proc-title-template as Redis 7.0 expands it (sdstemplate, then trimmed), and the title written
 * over a real Ferrite process's command line, where /proc/PID/cmdline and ps read it.
 */
@Timeout(120)
class ProcTitleTest {
    @TempDir
    Path dir;

    @Test
    void expandsAsSdstemplate() {
        Map<String, String> vars = Map.of("a", "1", "b", "", "title", "T");
        assertThat(ProcTitle.expand("x{a}y", vars::get)).isEqualTo("x1y");
        // "{{" is a brace; a "}" outside a variable is copied as it is
        assertThat(ProcTitle.expand("{{a} }} }", vars::get)).isEqualTo("{a} }} }");
        // trimmed of spaces only
        assertThat(ProcTitle.expand("  {title} {b}  ", vars::get)).isEqualTo("T");
        assertThat(ProcTitle.expand("\t{title}", vars::get)).isEqualTo("\tT");
        assertThat(ProcTitle.expand("{nope}", vars::get)).isNull();
        assertThat(ProcTitle.expand("x{a", vars::get)).isNull();
        assertThat(ProcTitle.expand("x{", vars::get)).isNull();
    }

    @Test
    void checksTemplatesAsRedisValidates() {
        assertThat(ProcTitle.check("{title} {listen-addr} {server-mode}")).isNull();
        assertThat(ProcTitle.check("--my--title--template")).isNull();
        assertThat(ProcTitle.check("{config-file}")).as("'-' without a config file").isNull();
        assertThat(ProcTitle.check("{invalid-var}")).isEqualTo(ProcTitle.INVALID);
        assertThat(ProcTitle.check("{title}")).as("the title is empty while validating").isEqualTo(ProcTitle.INVALID);
        assertThat(ProcTitle.check("   ")).isEqualTo(ProcTitle.INVALID);
        assertThat(ProcTitle.check("{port")).isEqualTo(ProcTitle.INVALID);
    }

    @Test
    void rendersRedisVariables() {
        ServerConfig cfg = ServerConfig.defaults();
        cfg.set("port", "7001");
        assertThat(ProcTitle.render(cfg, "/x/redis-server")).isEqualTo("/x/redis-server *:7001");
        cfg.set("bind", "127.0.0.1 ::1");
        cfg.set("unixsocket", "/tmp/r.sock");
        cfg.set("proc-title-template", "TEST {title} {listen-addr} {port} {tls-port} {unixsocket} {config-file} {server-mode}");
        assertThat(ProcTitle.render(cfg, "t")).isEqualTo("TEST t 127.0.0.1:7001 7001 0 /tmp/r.sock -");
        // no TCP port: the socket stands for the address
        cfg.set("port", "0");
        cfg.set("proc-title-template", "{listen-addr}");
        assertThat(ProcTitle.render(cfg, "t")).isEqualTo("unixsocket:/tmp/r.sock");
        cfg.set("tls-port", "7002");
        assertThat(ProcTitle.render(cfg, "t")).isEqualTo("127.0.0.1:7002");
    }

    @Test
    void cutsTheTitleAsSetproctitle() {
        assertThat(ArgvArea.image("abcdef", 4)).isEqualTo(new byte[] {'a', 'b', 'c', 0});
        byte[] big = ArgvArea.image("y".repeat(400), 1000);
        assertThat(new String(big, StandardCharsets.US_ASCII).indexOf('\0')).isEqualTo(ArgvArea.MAX_TITLE);
        assertThat(ArgvArea.image("ab", 5)).isEqualTo(new byte[] {'a', 'b', 0, 0, 0});
    }

    @Test
    void configSetKeepsRedisErrorForABadTemplate() {
        try (Server s = TestServers.start(1, Map.of());
             RawClient c = new RawClient("127.0.0.1", s.respPort())) {
            assertThat(c.call("CONFIG", "SET", "proc-title-template", "{invalid-var}")).isEqualTo(
                "-ERR CONFIG SET failed (possibly related to argument 'proc-title-template') - " + ProcTitle.INVALID + "\r\n");
            assertThat(c.call("CONFIG", "GET", "proc-title-template"))
                .isEqualTo("*2\r\n$19\r\nproc-title-template\r\n$35\r\n{title} {listen-addr} {server-mode}\r\n");
        }
    }

    @Test
    void setsTheCommandLineOfTheProcess() throws Exception {
        Path sock = dir.resolve("s.sock");
        try (FerriteProcess p = FerriteProcess.start(dir, dir.resolve("log"), "--unixsocket", sock.toString());
             RawClient c = new RawClient("127.0.0.1", p.port())) {
            // started as `java ... io.ferrite.server.Main` without the launcher scripts' name: {title} is the main class
            String argv0 = "io.ferrite.server.Main";
            assertThat(awaitCmdline(p, argv0 + " 127.0.0.1:" + p.port()))
                .as(new String(Files.readAllBytes(Path.of("/proc/" + p.process().pid() + "/cmdline")), StandardCharsets.UTF_8))
                .isTrue();
            assertThat(c.call("CONFIG", "SET", "proc-title-template",
                "TEST {title} {listen-addr} {port} {tls-port} {unixsocket} {config-file}")).isEqualTo("+OK\r\n");
            byte[] cmdline = Files.readAllBytes(Path.of("/proc/" + p.process().pid() + "/cmdline"));
            String expected = "TEST " + argv0 + " 127.0.0.1:" + p.port() + " " + p.port() + " 0 " + sock + " -";
            assertThat(new String(cmdline, StandardCharsets.UTF_8)).startsWith(expected + "\0");
            // the rest of the area is zeroed: no trace of the JVM's own arguments
            for (int i = expected.length(); i < cmdline.length; i++) {
                assertThat(cmdline[i]).as("byte %d", i).isZero();
            }
        }
    }

    /** Waits for the start-up title (set just after the listeners bind, so it may trail the first PING). */
    private static boolean awaitCmdline(FerriteProcess p, String title) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        Path f = Path.of("/proc/" + p.process().pid() + "/cmdline");
        while (System.nanoTime() < deadline) {
            if (new String(Files.readAllBytes(f), StandardCharsets.UTF_8).startsWith(title + "\0")) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }
}
