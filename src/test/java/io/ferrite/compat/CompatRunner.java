package io.ferrite.compat;

import io.ferrite.compat.CaseFile.Case;
import io.ferrite.compat.CaseFile.Mode;
import io.ferrite.compat.CaseFile.Step;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Runs cases against two servers (the reference redis-server and the server under test) and
 * collects every reply that differs. Also usable standalone: {@code main} runs all cases against two
 * fresh redis-servers to check that the cases themselves are deterministic.
 */
final class CompatRunner {
  static final int TIMEOUT_MS = Integer.getInteger("compat.timeoutMs", 10_000);
  static final int MAX_REPORTED = 8;
  static final boolean VERBOSE = Boolean.getBoolean("compat.verbose");

  /** A server to talk to. */
  record Endpoint(String label, String host, int port) {}

  private final Endpoint expected;
  private final Endpoint actual;

  CompatRunner(Endpoint expected, Endpoint actual) {
    this.expected = expected;
    this.actual = actual;
  }

  /** Runs one case; returns null when all replies match, otherwise a failure report. */
  String run(Case c, String context) throws IOException {
    Map<Integer, Conn[]> conns = new HashMap<>();
    List<String> problems = new ArrayList<>();
    int mismatches = 0;
    try {
      Conn[] first = open(conns, 1);
      for (String[] setup : new String[][] {{"FLUSHALL"}}) {
        List<byte[]> args = Arrays.stream(setup).map(s -> s.getBytes(StandardCharsets.US_ASCII)).toList();
        for (Conn conn : first) {
          Resp.Node r = conn.call(args);
          if (!"+OK\r\n".equals(new String(r.raw(), StandardCharsets.ISO_8859_1))) {
            return header(c, context) + "setup FLUSHALL on " + conn.endpoint.label() + " replied "
                + Escape.bytes(r.raw());
          }
        }
      }
      for (Step step : c.steps()) {
        if (step.isSleep()) {
          try {
            Thread.sleep(step.sleepMillis());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
          }
          continue;
        }
        Conn[] pair = open(conns, step.client());
        Resp.Node want;
        try {
          want = pair[0].exec(step);
        } catch (IOException e) {
          problems.add(describe(c, step) + "\n  " + expected.label() + " (reference) failed: " + e);
          break;
        }
        Resp.Node got;
        try {
          got = pair[1].exec(step);
        } catch (IOException e) {
          problems.add(describe(c, step) + "\n"
              + "  " + pad(expected.label()) + Escape.bytes(want.raw()) + "\n"
              + "  " + pad(actual.label()) + "<" + e + ">");
          break;
        }
        if (VERBOSE) {
          System.out.println(c.file() + ":" + step.line() + "  " + Escape.command(step.args()) + "  ->  "
              + Escape.bytes(want.raw()));
        }
        if (!matches(step.mode(), want, got)) {
          mismatches++;
          if (problems.size() < MAX_REPORTED) {
            String how = switch (step.mode()) {
              case EXACT -> "";
              case SORT -> " (compared with arrays sorted)";
              case PAIRS -> " (compared as unordered field/value pairs)";
              case ANY -> " (compared by reply type only)";
              case SCAN -> " (full SCAN iteration, compared as sorted sets)";
            };
            problems.add(describe(c, step) + how + "\n"
                + "  " + pad(expected.label()) + Escape.bytes(want.raw()) + "\n"
                + "  " + pad(actual.label()) + Escape.bytes(got.raw()));
          }
        }
      }
    } finally {
      for (Conn[] pair : conns.values()) {
        for (Conn conn : pair) {
          if (conn != null) {
            conn.close();
          }
        }
      }
    }
    if (problems.isEmpty()) {
      return null;
    }
    StringBuilder sb = new StringBuilder(header(c, context));
    for (String p : problems) {
      sb.append(p).append('\n');
    }
    if (mismatches > problems.size()) {
      sb.append("(").append(mismatches - problems.size()).append(" more mismatching replies)\n");
    }
    return sb.toString();
  }

  private static String pad(String label) {
    String s = label + ":";
    return s.length() >= 10 ? s + " " : s + " ".repeat(10 - s.length());
  }

  private static String header(Case c, String context) {
    return "case \"" + c.name() + "\" (" + c.file() + ":" + c.line() + ", " + context + ")\n";
  }

  private static String describe(Case c, Step step) {
    return "  at " + c.file() + ":" + step.line() + "  " + Escape.command(step.args());
  }

  static boolean matches(Mode mode, Resp.Node want, Resp.Node got) {
    return switch (mode) {
      case EXACT, SCAN -> Arrays.equals(want.raw(), got.raw());
      case SORT -> Arrays.equals(want.sortedBytes(), got.sortedBytes());
      case PAIRS -> Arrays.equals(want.sortedPairBytes(), got.sortedPairBytes());
      case ANY -> want.type() == got.type();
    };
  }

  private Conn[] open(Map<Integer, Conn[]> conns, int client) throws IOException {
    Conn[] pair = conns.get(client);
    if (pair == null) {
      pair = new Conn[2];
      conns.put(client, pair);
      pair[0] = new Conn(expected);
      pair[1] = new Conn(actual);
    }
    return pair;
  }

  /** One client connection. */
  static final class Conn implements AutoCloseable {
    final Endpoint endpoint;
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    Conn(Endpoint endpoint) throws IOException {
      this.endpoint = endpoint;
      socket = new Socket();
      socket.connect(new InetSocketAddress(endpoint.host(), endpoint.port()), TIMEOUT_MS);
      socket.setSoTimeout(TIMEOUT_MS);
      socket.setTcpNoDelay(true);
      in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
      out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
    }

    Resp.Node call(List<byte[]> args) throws IOException {
      out.write(Resp.encodeCommand(args));
      out.flush();
      return Resp.read(in);
    }

    Resp.Node exec(Step step) throws IOException {
      if (step.mode() != Mode.SCAN) {
        return call(step.args());
      }
      return scanAll(step.args());
    }

    /**
     * Iterates a SCAN-family command until the cursor returns to 0 and returns a synthetic array
     * of the distinct elements seen, sorted. An error (or any non-SCAN-shaped reply) is returned
     * as is.
     */
    private Resp.Node scanAll(List<byte[]> template) throws IOException {
      String cmd = new String(template.get(0), StandardCharsets.ISO_8859_1);
      int cursorIdx = cmd.equalsIgnoreCase("scan") ? 1 : 2;
      if (template.size() <= cursorIdx) {
        return call(template);
      }
      List<byte[]> args = new ArrayList<>(template);
      TreeMap<String, byte[]> seen = new TreeMap<>();
      for (int i = 0; i < 100_000; i++) {
        Resp.Node r = call(args);
        if (r.type() != '*' || r.children() == null || r.children().size() != 2
            || r.children().get(0).stringValue() == null || !r.children().get(1).isAggregate()) {
          return r;
        }
        for (Resp.Node e : r.children().get(1).children()) {
          seen.put(new String(e.raw(), StandardCharsets.ISO_8859_1), e.raw());
        }
        byte[] cursor = r.children().get(0).stringValue();
        if (Arrays.equals(cursor, new byte[] {'0'})) {
          byte[] head = ("*" + seen.size() + "\r\n").getBytes(StandardCharsets.US_ASCII);
          java.io.ByteArrayOutputStream raw = new java.io.ByteArrayOutputStream();
          raw.writeBytes(head);
          seen.values().forEach(raw::writeBytes);
          return new Resp.Node((byte) '*', head, raw.toByteArray(), List.of());
        }
        args.set(cursorIdx, cursor);
      }
      throw new IOException("SCAN did not terminate after 100000 calls");
    }

    @Override
    public void close() {
      try {
        socket.close();
      } catch (IOException ignored) {
        // ignore
      }
    }
  }

  /**
   * Loads every case of the case directory, optionally filtered by a substring of "file / case".
   * Throws when nothing is left: a filter with a typo, or an empty directory, must not pass empty.
   */
  static List<Case> loadCases(Path dir, String filter) throws IOException {
    List<Case> all = new ArrayList<>();
    for (Path f : CaseFile.listFiles(dir)) {
      for (Case c : CaseFile.parse(f)) {
        String id = c.file() + " / " + c.name();
        if (filter == null || filter.isBlank() || id.toLowerCase().contains(filter.toLowerCase())) {
          all.add(c);
        }
      }
    }
    if (all.isEmpty()) {
      throw new IllegalArgumentException(filter == null || filter.isBlank()
          ? "no case in " + dir.toAbsolutePath()
          : "compat.filter '" + filter + "' matches no case in " + dir.toAbsolutePath());
    }
    return all;
  }

  static Path casesDir() {
    return Path.of(System.getProperty("compat.cases", "redis-compat-tests/cases"));
  }

  /** Reference-only determinism check without Maven: runs every case against two fresh redis-servers. */
  public static void main(String[] argv) throws Exception {
    Path exe = RedisProcess.findExecutable();
    if (exe == null) {
      System.err.println("redis-server not found");
      System.exit(2);
    }
    List<Case> cases = loadCases(casesDir(), argv.length > 0 ? argv[0] : System.getProperty("compat.filter"));
    int failed = 0;
    try (RedisProcess a = RedisProcess.start(exe); RedisProcess b = RedisProcess.start(exe)) {
      CompatRunner runner = new CompatRunner(new Endpoint("redis-A", "127.0.0.1", a.port),
          new Endpoint("redis-B", "127.0.0.1", b.port));
      for (Case c : cases) {
        String res = runner.run(c, "reference only");
        if (res != null) {
          failed++;
          System.out.println("FAIL " + res);
        }
      }
    }
    long files = cases.stream().map(Case::file).distinct().count();
    System.out.println(cases.size() + " cases in " + files + " files, " + failed + " not deterministic");
    System.exit(failed == 0 ? 0 : 1);
  }
}
