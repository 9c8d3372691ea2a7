package io.ferrite.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A blocking RESP client that sends raw bytes and returns exactly one reply's raw bytes. */
public final class RawClient implements AutoCloseable {
    private final java.io.Closeable socket;
    private final InputStream in;
    private final OutputStream out;

    public RawClient(String host, int port) {
        try {
            Socket s = new Socket(host, port);
            s.setSoTimeout(10_000);
            socket = s;
            in = new java.io.BufferedInputStream(s.getInputStream());
            out = s.getOutputStream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private RawClient(java.nio.channels.SocketChannel channel) {
        socket = channel;
        in = new java.io.BufferedInputStream(java.nio.channels.Channels.newInputStream(channel));
        out = java.nio.channels.Channels.newOutputStream(channel);
    }

    /** A client over the unix socket at {@code path} (reads without a timeout: the test's own bounds it). */
    public static RawClient unix(java.nio.file.Path path) {
        try {
            return new RawClient(java.nio.channels.SocketChannel.open(java.net.UnixDomainSocketAddress.of(path)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends a command as a RESP multibulk and returns its reply, e.g. "+OK\r\n". */
    public String call(String... args) {
        send(encode(args));
        return readReply();
    }

    /** Whether something on loopback {@code port} answers PING with +PONG now. */
    public static boolean answersPing(int port) {
        try (Socket s = new Socket()) {
            s.connect(new java.net.InetSocketAddress("127.0.0.1", port), 500);
            s.setSoTimeout(1000);
            s.getOutputStream().write("*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readNBytes(7), StandardCharsets.US_ASCII).equals("+PONG\r\n");
        } catch (IOException e) {
            return false;
        }
    }

    public static byte[] encode(String... args) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.UTF_8));
        for (String a : args) {
            byte[] v = a.getBytes(StandardCharsets.UTF_8);
            b.writeBytes(("$" + v.length + "\r\n").getBytes(StandardCharsets.UTF_8));
            b.writeBytes(v);
            b.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        return b.toByteArray();
    }

    public void send(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void send(String text) {
        send(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Reads one complete RESP2/RESP3 reply and returns it as text (ISO-8859-1, byte for byte). */
    public String readReply() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        readOne(b);
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    /** Bytes of a reply already received and not read yet. */
    public int available() {
        try {
            return in.available();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** True when the server has closed the connection (reads EOF within the socket timeout). */
    public boolean closedByServer() {
        try {
            return in.read() == -1;
        } catch (IOException e) {
            return true;
        }
    }

    /**
     * True when the server closes the connection (EOF or reset), skipping any bytes still in
     * flight; false when it is still open after the socket timeout (unlike {@link #closedByServer}).
     */
    public boolean closedBeforeTimeout() {
        try {
            while (in.read() != -1) {
                // replies written before the close
            }
            return true;
        } catch (java.net.SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    private void readOne(ByteArrayOutputStream b) {
        String line = readLine(b);
        char type = line.charAt(0);
        switch (type) {
            case '$', '=', '!' -> {
                int n = Integer.parseInt(line.substring(1));
                if (n >= 0) {
                    readN(b, n + 2);
                }
            }
            case '*', '~', '>', '%', '|' -> {
                int n = Integer.parseInt(line.substring(1));
                if (type == '%' || type == '|') {
                    n *= 2;
                }
                for (int i = 0; i < n; i++) {
                    readOne(b);
                }
            }
            default -> {
            }
        }
    }

    private String readLine(ByteArrayOutputStream b) {
        StringBuilder sb = new StringBuilder();
        try {
            int prev = -1;
            while (true) {
                int c = in.read();
                if (c < 0) {
                    throw new IOException("connection closed");
                }
                b.write(c);
                if (prev == '\r' && c == '\n') {
                    return sb.substring(0, sb.length() - 1);
                }
                sb.append((char) c);
                prev = c;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void readN(ByteArrayOutputStream b, int n) {
        try {
            b.writeBytes(in.readNBytes(n));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
