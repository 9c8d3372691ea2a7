package io.ferrite.compat;

import java.util.List;

/** Human-readable escaping of byte strings for failure messages. */
final class Escape {
  private Escape() {}

  static final int MAX_SHOWN = 4000;

  static String bytes(byte[] b) {
    StringBuilder sb = new StringBuilder();
    for (byte x : b) {
      int c = x & 0xff;
      switch (c) {
        case '\r' -> sb.append("\\r");
        case '\n' -> sb.append("\\n");
        case '\t' -> sb.append("\\t");
        case '\\' -> sb.append("\\\\");
        case '"' -> sb.append("\\\"");
        default -> {
          if (c >= 0x20 && c < 0x7f) {
            sb.append((char) c);
          } else {
            sb.append(String.format("\\x%02x", c));
          }
        }
      }
      if (sb.length() > MAX_SHOWN) {
        sb.append("... (").append(b.length).append(" bytes in total)");
        break;
      }
    }
    return sb.toString();
  }

  /** Renders a command the way it could be written in a case file. */
  static String command(List<byte[]> args) {
    StringBuilder sb = new StringBuilder();
    for (byte[] a : args) {
      if (!sb.isEmpty()) {
        sb.append(' ');
      }
      boolean plain = a.length > 0 && a.length <= 200;
      for (byte x : a) {
        int c = x & 0xff;
        if (c <= 0x20 || c >= 0x7f || c == '"' || c == '\'' || c == '\\') {
          plain = false;
          break;
        }
      }
      if (plain) {
        sb.append(new String(a, java.nio.charset.StandardCharsets.ISO_8859_1));
      } else if (a.length > 200) {
        sb.append('"').append(bytes(java.util.Arrays.copyOf(a, 60))).append("...\" (")
            .append(a.length).append(" bytes)");
      } else {
        sb.append('"').append(bytes(a)).append('"');
      }
    }
    return sb.toString();
  }
}
