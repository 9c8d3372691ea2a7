package io.ferrite.compat;

import io.ferrite.testing.FerriteTest;
import io.ferrite.testing.RawClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keyspace notifications compared with a real redis-server: the same scripted commands of every
 * family (src/test/resources/notification-script.txt) run on both, and a pattern subscriber's
 * stream of messages must be the same, message by message, in the same order. After each command
 * a marker message on a channel the pattern also matches shows where its events end.
 */
class KeyspaceNotificationTest extends FerriteTest {
    private static RedisProcess reference;

    @BeforeAll
    static void startRedis() throws Exception {
        reference = ReferenceRedis.start("the notification comparison needs a real Redis 7.0");
    }

    @AfterAll
    static void stopRedis() {
        if (reference != null) {
            reference.close();
        }
    }

    private static List<String> script() throws IOException {
        try (InputStream in = KeyspaceNotificationTest.class.getResourceAsStream("/notification-script.txt")) {
            List<String> lines = new ArrayList<>();
            for (String l : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!l.isBlank() && !l.startsWith("#")) {
                    lines.add(l.strip());
                }
            }
            return lines;
        }
    }

    private static String[] words(String line) {
        String[] w = line.split(" ");
        for (int i = 0; i < w.length; i++) {
            if (w[i].equals("\"\"")) {
                w[i] = "";
            }
        }
        return w;
    }

    /** Runs the script against a server; returns, per command, its reply and the messages it caused. */
    private static List<String> run(int port, String flags) throws Exception {
        List<String> transcript = new ArrayList<>();
        try (RawClient c = new RawClient("127.0.0.1", port); RawClient sub = new RawClient("127.0.0.1", port)) {
            assertThat(c.call("FLUSHALL")).isEqualTo("+OK\r\n");
            assertThat(c.call("CONFIG", "SET", "notify-keyspace-events", flags)).isEqualTo("+OK\r\n");
            try {
                sub.call("PSUBSCRIBE", "__key*@*__:*");
                for (String line : script()) {
                    if (line.startsWith("sleep ")) {
                        Thread.sleep(Long.parseLong(line.substring(6)));
                        continue;
                    }
                    String reply = c.call(words(line));
                    if (line.startsWith("spop ")) {
                        reply = "(random members)";
                    }
                    transcript.add(line + " -> " + reply.replace("\r\n", "\\r\\n"));
                    c.call("PUBLISH", "__keymark@0__:end", line);
                    while (true) {
                        String m = sub.readReply();
                        if (m.contains("__keymark@0__:end")) {
                            break;
                        }
                        transcript.add("    " + m.replace("\r\n", "\\r\\n"));
                    }
                }
            } finally {
                c.call("CONFIG", "SET", "notify-keyspace-events", "");
            }
        }
        return transcript;
    }

    private void compare(String flags) throws Exception {
        List<String> expected = run(reference.port, flags);
        List<String> actual = run(port(), flags);
        assertThat(expected).as("the script makes redis-server publish events").anyMatch(l -> l.startsWith("    "));
        assertThat(String.join("\n", actual)).isEqualTo(String.join("\n", expected));
    }

    @Test
    void everyClassAndChannelKind() throws Exception {
        compare("KEA");
    }

    @Test
    void newAndKeyMissEvents() throws Exception {
        compare("KEAnm");
    }

    @Test
    void singleClassesOnOneChannelKind() throws Exception {
        compare("Elx");
        compare("Kg$");
        compare("Kszh");
    }
}
