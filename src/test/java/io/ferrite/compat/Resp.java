package io.ferrite.compat;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Minimal RESP2/RESP3 reply reader and command encoder used by the compatibility suite. */
final class Resp {
  private Resp() {}

  /** One complete reply: its type byte, its exact wire bytes, and (for aggregates) its elements. */
  record Node(byte type, byte[] header, byte[] raw, List<Node> children) {
    boolean isAggregate() {
      return children != null;
    }

    String headerText() {
      // header without the type byte and trailing CRLF
      return new String(header, 1, header.length - 3, StandardCharsets.ISO_8859_1);
    }

    /** The payload of a simple or bulk string (null for anything else / null bulk). */
    byte[] stringValue() {
      if (type == '+' || type == ':') {
        return Arrays.copyOfRange(raw, 1, raw.length - 2);
      }
      if (type == '$' && raw.length > header.length) {
        return Arrays.copyOfRange(raw, header.length, raw.length - 2);
      }
      return null;
    }

    /**
     * Canonical bytes of a flat array of field/value pairs (or a RESP3 map) with the pairs sorted;
     * anything else is returned unchanged.
     */
    byte[] sortedPairBytes() {
      if (!isAggregate() || (type != '*' && type != '%') || (type == '*' && children.size() % 2 != 0)) {
        return raw;
      }
      List<byte[]> pairs = new ArrayList<>();
      for (int i = 0; i + 1 < children.size(); i += 2) {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.writeBytes(children.get(i).raw());
        p.writeBytes(children.get(i + 1).raw());
        pairs.add(p.toByteArray());
      }
      pairs.sort(Arrays::compareUnsigned);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.writeBytes(header);
      pairs.forEach(out::writeBytes);
      return out.toByteArray();
    }

    /** Canonical bytes with the elements of every array/set (at every depth) sorted. */
    byte[] sortedBytes() {
      if (!isAggregate() || type == '%' || type == '|') {
        if (!isAggregate()) {
          return raw;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(header);
        for (Node c : children) {
          out.writeBytes(c.sortedBytes());
        }
        return out.toByteArray();
      }
      List<byte[]> parts = new ArrayList<>();
      for (Node c : children) {
        parts.add(c.sortedBytes());
      }
      parts.sort(Arrays::compareUnsigned);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.writeBytes(header);
      parts.forEach(out::writeBytes);
      return out.toByteArray();
    }
  }

  static byte[] encodeCommand(List<byte[]> args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(("*" + args.size() + "\r\n").getBytes(StandardCharsets.US_ASCII));
    for (byte[] a : args) {
      out.writeBytes(("$" + a.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.writeBytes(a);
      out.writeBytes(new byte[] {'\r', '\n'});
    }
    return out.toByteArray();
  }

  /** Reads exactly one reply (an attribute, if any, is returned together with the reply it annotates). */
  static Node read(InputStream in) throws IOException {
    byte[] header = readLine(in);
    byte type = header[0];
    switch (type) {
      case '+', '-', ':', '_', ',', '#', '(' -> {
        return new Node(type, header, header, null);
      }
      case '$', '!', '=' -> {
        long len = parseLen(header);
        if (len < 0) {
          return new Node(type, header, header, null);
        }
        byte[] body = in.readNBytes((int) len + 2);
        if (body.length != len + 2) {
          throw new EOFException("connection closed inside a bulk reply");
        }
        if (body[body.length - 2] != '\r' || body[body.length - 1] != '\n') {
          throw new IOException("bulk reply not terminated by CRLF: " + Escape.bytes(header));
        }
        byte[] raw = new byte[header.length + body.length];
        System.arraycopy(header, 0, raw, 0, header.length);
        System.arraycopy(body, 0, raw, header.length, body.length);
        return new Node(type, header, raw, null);
      }
      case '*', '~', '>', '%', '|' -> {
        long len = parseLen(header);
        if (len < 0) {
          return new Node(type, header, header, null);
        }
        long n = (type == '%' || type == '|') ? len * 2 : len;
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        raw.writeBytes(header);
        List<Node> children = new ArrayList<>();
        for (long i = 0; i < n; i++) {
          Node c = read(in);
          children.add(c);
          raw.writeBytes(c.raw());
        }
        if (type == '|') {
          Node annotated = read(in);
          raw.writeBytes(annotated.raw());
          children.add(annotated);
        }
        return new Node(type, header, raw.toByteArray(), children);
      }
      default -> throw new IOException("not a RESP reply: " + Escape.bytes(header));
    }
  }

  private static long parseLen(byte[] header) throws IOException {
    String s = new String(header, 1, header.length - 3, StandardCharsets.US_ASCII);
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw new IOException("bad length in reply header: " + Escape.bytes(header));
    }
  }

  /** Reads a line including its CRLF terminator. */
  private static byte[] readLine(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(32);
    int prev = -1;
    while (true) {
      int b = in.read();
      if (b < 0) {
        if (out.size() == 0) {
          throw new EOFException("connection closed by server");
        }
        throw new EOFException("connection closed mid-line: " + Escape.bytes(out.toByteArray()));
      }
      out.write(b);
      if (prev == '\r' && b == '\n') {
        byte[] line = out.toByteArray();
        if (line.length < 3) {
          throw new IOException("empty reply line");
        }
        return line;
      }
      if (out.size() > 64 * 1024 * 1024) {
        throw new IOException("reply line too long");
      }
      prev = b;
    }
  }
}
