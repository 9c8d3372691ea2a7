package io.ferrite.memcached;

import io.ferrite.server.Server;
import io.ferrite.testing.TestServers;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Runs redis-compat-tests/memcached/*.txt against a fresh real memcached and a fresh Ferrite (per shard
 * count, so CAS unique values line up) and compares every reply byte for byte.
 */
class McDifferentialTest {
    static final byte[] MN = "mn\r\n".getBytes(StandardCharsets.US_ASCII);
    /** What memcached answers to mn: the end marker of a text step's replies. */
    static final byte[] MN_REPLY = "MN\r\n".getBytes(StandardCharsets.US_ASCII);
    static final byte[] NOOP = new byte[24];
    static final byte[] NOOP_REPLY = new byte[24];

    static {
        NOOP[0] = (byte) 0x80;
        NOOP[1] = 0x0a;
        NOOP_REPLY[0] = (byte) 0x81;
        NOOP_REPLY[1] = 0x0a;
    }

    record Step(String kind, String arg) { }

    record Case(String file, String name, List<Step> steps) { }

    /**
     * The cases of redis-compat-tests/memcached, those whose "file / name" contains {@code mc.filter}
     * when it is set; throws when none is left, so that a mistyped filter fails instead of passing empty.
     */
    static List<Case> cases() throws Exception {
        String filter = System.getProperty("mc.filter", "");
        List<Case> all = allCases();
        List<Case> kept = all.stream()
            .filter(c -> (c.file() + " / " + c.name()).toLowerCase(java.util.Locale.ROOT)
                .contains(filter.toLowerCase(java.util.Locale.ROOT)))
            .toList();
        if (kept.isEmpty()) {
            throw new IllegalArgumentException(filter.isEmpty() ? "no case in redis-compat-tests/memcached"
                : "mc.filter '" + filter + "' matches no case in redis-compat-tests/memcached");
        }
        return kept;
    }

    static List<Case> allCases() throws Exception {
        Path dir = Path.of("redis-compat-tests/memcached");
        List<Case> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".txt")).sorted().toList()) {
                Case cur = null;
                for (String line : Files.readAllLines(f, StandardCharsets.ISO_8859_1)) {
                    if (line.startsWith("===")) {
                        cur = new Case(f.getFileName().toString(), line.substring(3).trim(), new ArrayList<>());
                        out.add(cur);
                    } else if (!line.isBlank() && !line.startsWith("#")) {
                        int i = line.indexOf(": ");
                        cur.steps().add(new Step(line.substring(0, i).trim(), line.substring(i + 2)));
                    }
                }
            }
        }
        return out;
    }

    /** Python-style escapes: \r \n \t \\ \xHH. */
    static byte[] unescape(String s) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                switch (n) {
                    case 'r' -> b.write('\r');
                    case 'n' -> b.write('\n');
                    case 't' -> b.write('\t');
                    case '\\' -> b.write('\\');
                    case 'x' -> {
                        b.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
                        i += 2;
                    }
                    default -> {
                        b.write('\\');
                        b.write(n);
                    }
                }
            } else {
                b.write(c);
            }
        }
        return b.toByteArray();
    }

    static String show(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (byte x : b) {
            int c = x & 0xff;
            if (c == '\r') {
                sb.append("\\r");
            } else if (c == '\n') {
                sb.append("\\n");
            } else if (c >= 32 && c < 127) {
                sb.append((char) c);
            } else {
                sb.append(String.format("\\x%02x", c));
            }
        }
        return sb.length() > 400 ? sb.substring(0, 400) + "..." : sb.toString();
    }

    static byte[] readUntil(InputStream in, byte[] suffix) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[65536];
        try {
            while (true) {
                byte[] sofar = out.toByteArray();
                if (suffix != null && endsWith(sofar, suffix)) {
                    return sofar;
                }
                int n = in.read(buf);
                if (n < 0) {
                    return out.toByteArray();
                }
                out.write(buf, 0, n);
            }
        } catch (SocketTimeoutException e) {
            out.write("<TIMEOUT>".getBytes(StandardCharsets.US_ASCII));
            return out.toByteArray();
        } catch (java.net.SocketException e) {
            return out.toByteArray();
        }
    }

    static boolean endsWith(byte[] a, byte[] s) {
        if (a.length < s.length) {
            return false;
        }
        for (int i = 0; i < s.length; i++) {
            if (a[a.length - s.length + i] != s[i]) {
                return false;
            }
        }
        return true;
    }

    static List<byte[]> run(int port, List<Step> steps) throws Exception {
        List<byte[]> res = new ArrayList<>();
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5000);
            s.setTcpNoDelay(true);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            for (Step st : steps) {
                switch (st.kind()) {
                    case "send" -> {
                        out.write(unescape(st.arg()));
                        out.write(MN);
                        out.flush();
                        res.add(readUntil(in, MN_REPLY));
                    }
                    case "sendraw" -> {
                        out.write(unescape(st.arg()));
                        out.flush();
                        Thread.sleep(50);
                    }
                    case "close" -> {
                        byte[] b = st.arg().matches("[0-9a-f]+") && st.arg().length() % 2 == 0 && st.arg().length() >= 48
                            ? HexFormat.of().parseHex(st.arg()) : unescape(st.arg());
                        out.write(b);
                        out.flush();
                        // reads to EOF; a server that keeps the connection open answers within the shorter wait
                        s.setSoTimeout(1500);
                        res.add(readUntil(in, null));
                        s.setSoTimeout(5000);
                    }
                    case "bin" -> {
                        out.write(HexFormat.of().parseHex(st.arg()));
                        out.write(NOOP);
                        out.flush();
                        res.add(readUntil(in, NOOP_REPLY));
                    }
                    case "sleep" -> Thread.sleep((long) (Double.parseDouble(st.arg()) * 1000));
                    default -> throw new IllegalArgumentException(st.kind());
                }
            }
        }
        return res;
    }

    @TestFactory
    Stream<DynamicTest> differential() throws Exception {
        McReference.assumeAvailable("memcached");
        List<Case> cases = cases();
        List<DynamicTest> tests = new ArrayList<>();
        for (int shards : TestServers.shardCounts()) {
            // fresh servers per shard count so CAS unique values advance identically; cases run in file order
            Object[] holder = new Object[2];
            tests.add(DynamicTest.dynamicTest(shards + " shards / start", () -> {
                holder[0] = McReference.start();
                holder[1] = TestServers.startWithMemcached(shards);
            }));
            for (Case c : cases) {
                tests.add(DynamicTest.dynamicTest(shards + " shards / " + c.file() + " / " + c.name(), () -> {
                    McReference ref = (McReference) holder[0];
                    Server fer = (Server) holder[1];
                    List<Step> flush = List.of(new Step("send", "flush_all\\r\\n"));
                    run(ref.port, flush);
                    run(fer.memcachedPort(), flush);
                    List<byte[]> a = run(ref.port, c.steps());
                    List<byte[]> b = run(fer.memcachedPort(), c.steps());
                    StringBuilder diff = new StringBuilder();
                    for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
                        byte[] x = i < a.size() ? a.get(i) : new byte[0];
                        byte[] y = i < b.size() ? b.get(i) : new byte[0];
                        if (!java.util.Arrays.equals(x, y)) {
                            diff.append("\n  step ").append(i + 1).append("\n    memcached: ").append(show(x))
                                .append("\n    ferrite:   ").append(show(y));
                        }
                    }
                    assertEquals("", diff.toString(), c.file() + " / " + c.name());
                }));
            }
            tests.add(DynamicTest.dynamicTest(shards + " shards / stop", () -> {
                ((McReference) holder[0]).close();
                ((Server) holder[1]).close();
            }));
        }
        return tests.stream();
    }

    @org.junit.jupiter.api.Test
    void filterThatMatchesNothingFails() throws Exception {
        String before = System.getProperty("mc.filter");
        try {
            System.setProperty("mc.filter", "no such case at all");
            org.assertj.core.api.Assertions.assertThatThrownBy(McDifferentialTest::cases)
                .hasMessageContaining("mc.filter 'no such case at all' matches no case");
        } finally {
            if (before == null) {
                System.clearProperty("mc.filter");
            } else {
                System.setProperty("mc.filter", before);
            }
        }
    }
}
