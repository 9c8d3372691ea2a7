package io.ferrite.compat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Parser for the case-file format described in redis-compat-tests/README.md.
 */
final class CaseFile {
  private CaseFile() {}

  enum Mode { EXACT, SORT, PAIRS, ANY, SCAN }

  /** One line of a case: either a command (args non-null) or a pause (sleepMillis > 0). */
  record Step(int line, String source, List<byte[]> args, Mode mode, int client, long sleepMillis) {
    boolean isSleep() {
      return args == null;
    }
  }

  /** A case; {@code shards} is empty when the case runs with every shard count. */
  record Case(String file, int line, String name, Set<Integer> shards, List<Step> steps) {
    boolean runsWith(int shardCount) {
      return shards.isEmpty() || shards.contains(shardCount);
    }
  }

  static List<Path> listFiles(Path dir) throws IOException {
    try (var s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".txt")).sorted().toList();
    }
  }

  static List<Case> parse(Path file) throws IOException {
    return parse(file.getFileName().toString(), Files.readAllLines(file, StandardCharsets.UTF_8));
  }

  static List<Case> parse(String fileName, List<String> lines) {
    List<Case> cases = new ArrayList<>();
    Set<String> names = new TreeSet<>();
    String name = null;
    int caseLine = 0;
    Set<Integer> shards = new TreeSet<>();
    List<Step> steps = null;
    for (int i = 0; i < lines.size(); i++) {
      int lineNo = i + 1;
      String where = fileName + ":" + lineNo;
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      if (line.startsWith("===")) {
        if (steps != null) {
          cases.add(finish(fileName, caseLine, name, shards, steps));
        }
        name = line.substring(3).strip();
        if (name.isEmpty()) {
          throw new IllegalArgumentException(where + ": case without a name");
        }
        if (!names.add(name)) {
          throw new IllegalArgumentException(where + ": duplicate case name '" + name + "'");
        }
        caseLine = lineNo;
        shards = new TreeSet<>();
        steps = new ArrayList<>();
        continue;
      }
      if (steps == null) {
        throw new IllegalArgumentException(where + ": command before the first '=== case' header");
      }
      if (line.startsWith("@shards ") || line.equals("@shards")) {
        if (!steps.isEmpty()) {
          throw new IllegalArgumentException(where + ": @shards must come before the first command");
        }
        for (String s : line.substring(7).strip().split("[ ,]+")) {
          try {
            shards.add(Integer.parseInt(s));
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + ": bad @shards value '" + s + "'");
          }
        }
        continue;
      }
      if (line.startsWith("@sleep")) {
        String ms = line.substring(6).strip();
        try {
          long v = Long.parseLong(ms);
          if (v <= 0 || v > 10_000) {
            throw new NumberFormatException();
          }
          steps.add(new Step(lineNo, line, null, Mode.EXACT, 1, v));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(where + ": @sleep needs milliseconds in 1..10000");
        }
        continue;
      }
      Mode mode = Mode.EXACT;
      int client = 1;
      String rest = line;
      while (rest.startsWith("@")) {
        int sp = rest.indexOf(' ');
        if (sp < 0) {
          throw new IllegalArgumentException(where + ": directive without a command: " + rest);
        }
        String d = rest.substring(0, sp);
        rest = rest.substring(sp + 1).stripLeading();
        switch (d) {
          case "@sort" -> mode = setMode(where, mode, Mode.SORT);
          case "@any" -> mode = setMode(where, mode, Mode.ANY);
          case "@pairs" -> mode = setMode(where, mode, Mode.PAIRS);
          case "@scan" -> mode = setMode(where, mode, Mode.SCAN);
          case "@client" -> {
            int sp2 = rest.indexOf(' ');
            if (sp2 < 0) {
              throw new IllegalArgumentException(where + ": @client N needs a command");
            }
            try {
              client = Integer.parseInt(rest.substring(0, sp2));
            } catch (NumberFormatException e) {
              throw new IllegalArgumentException(where + ": @client needs a number 1..9");
            }
            if (client < 1 || client > 9) {
              throw new IllegalArgumentException(where + ": @client needs a number 1..9");
            }
            rest = rest.substring(sp2 + 1).stripLeading();
          }
          default -> throw new IllegalArgumentException(where + ": unknown directive " + d);
        }
      }
      List<byte[]> args;
      try {
        args = split(rest);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(where + ": " + e.getMessage());
      }
      if (args.isEmpty()) {
        throw new IllegalArgumentException(where + ": empty command");
      }
      steps.add(new Step(lineNo, line, args, mode, client, 0));
    }
    if (steps != null) {
      cases.add(finish(fileName, caseLine, name, shards, steps));
    }
    if (cases.isEmpty()) {
      // an empty file would pass without comparing anything
      throw new IllegalArgumentException(fileName + ": no '=== case' in the file");
    }
    return cases;
  }

  private static Mode setMode(String where, Mode current, Mode next) {
    if (current != Mode.EXACT) {
      throw new IllegalArgumentException(where + ": only one of @sort/@pairs/@any/@scan per line");
    }
    return next;
  }

  private static Case finish(String file, int line, String name, Set<Integer> shards, List<Step> steps) {
    if (steps.isEmpty()) {
      throw new IllegalArgumentException(file + ":" + line + ": case '" + name + "' has no commands");
    }
    return new Case(file, line, name, Set.copyOf(shards), List.copyOf(steps));
  }

  /**
   * Splits a line like redis-cli (sdssplitargs): whitespace separates arguments, "double quotes"
   * support \n \r \t \b \a \xHH and \c escapes, 'single quotes' support only \'. An unquoted
   * argument of the form {{N*TEXT}} expands to TEXT repeated N times.
   */
  static List<byte[]> split(String line) {
    byte[] in = line.getBytes(StandardCharsets.UTF_8);
    List<byte[]> out = new ArrayList<>();
    int p = 0;
    int n = in.length;
    while (true) {
      while (p < n && isSpace(in[p])) {
        p++;
      }
      if (p >= n) {
        return out;
      }
      boolean inq = false;
      boolean insq = false;
      boolean quoted = false;
      ByteArrayOutputStream cur = new ByteArrayOutputStream();
      boolean done = false;
      while (!done) {
        if (inq) {
          if (p >= n) {
            throw new IllegalArgumentException("unbalanced double quotes");
          }
          byte c = in[p];
          if (c == '\\' && p + 3 < n && in[p + 1] == 'x' && isHex(in[p + 2]) && isHex(in[p + 3])) {
            cur.write(Integer.parseInt(new String(in, p + 2, 2, StandardCharsets.US_ASCII), 16));
            p += 3;
          } else if (c == '\\' && p + 1 < n) {
            p++;
            byte e = in[p];
            cur.write(switch (e) {
              case 'n' -> '\n';
              case 'r' -> '\r';
              case 't' -> '\t';
              case 'b' -> '\b';
              case 'a' -> 7;
              default -> e;
            });
          } else if (c == '"') {
            if (p + 1 < n && !isSpace(in[p + 1])) {
              throw new IllegalArgumentException("closing quote must be followed by a space");
            }
            done = true;
          } else {
            cur.write(c);
          }
        } else if (insq) {
          if (p >= n) {
            throw new IllegalArgumentException("unbalanced single quotes");
          }
          byte c = in[p];
          if (c == '\\' && p + 1 < n && in[p + 1] == '\'') {
            p++;
            cur.write('\'');
          } else if (c == '\'') {
            if (p + 1 < n && !isSpace(in[p + 1])) {
              throw new IllegalArgumentException("closing quote must be followed by a space");
            }
            done = true;
          } else {
            cur.write(c);
          }
        } else {
          if (p >= n || isSpace(in[p])) {
            done = true;
            p--;
          } else if (in[p] == '"') {
            inq = true;
            quoted = true;
          } else if (in[p] == '\'') {
            insq = true;
            quoted = true;
          } else {
            cur.write(in[p]);
          }
        }
        p++;
      }
      byte[] arg = cur.toByteArray();
      if (!quoted) {
        arg = expand(arg);
      }
      out.add(arg);
    }
  }

  private static byte[] expand(byte[] arg) {
    String s = new String(arg, StandardCharsets.ISO_8859_1);
    if (!(s.startsWith("{{") && s.endsWith("}}") && s.contains("*"))) {
      return arg;
    }
    String body = s.substring(2, s.length() - 2);
    int star = body.indexOf('*');
    int count;
    try {
      count = Integer.parseInt(body.substring(0, star));
    } catch (NumberFormatException e) {
      return arg;
    }
    if (count < 0 || count > 64 * 1024 * 1024) {
      throw new IllegalArgumentException("repeat count out of range in " + s);
    }
    byte[] unit = body.substring(star + 1).getBytes(StandardCharsets.ISO_8859_1);
    byte[] res = new byte[unit.length * count];
    for (int i = 0; i < count; i++) {
      System.arraycopy(unit, 0, res, i * unit.length, unit.length);
    }
    return res;
  }

  private static boolean isSpace(byte c) {
    return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == 0 || c == 0x0b || c == 0x0c;
  }

  private static boolean isHex(byte c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  static String describe(List<byte[]> args) {
    return Escape.command(args);
  }

  static boolean sameArgs(List<byte[]> a, List<byte[]> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (!Arrays.equals(a.get(i), b.get(i))) {
        return false;
      }
    }
    return true;
  }
}
