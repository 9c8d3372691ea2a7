package io.ferrite.server.commands;

import io.ferrite.engine.command.OutsideWork;
import io.ferrite.server.MigrateLinks;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One MIGRATE's round trip to its target, as Redis's migrateCommand does it with blocking socket
 * calls, but on Netty's event loops: AUTH if asked, SELECT when the link has another database
 * selected, one RESTORE per key, all in one write; then one reply line each, every read given
 * {@code timeout} ms. A cached link the target had closed is retried once on a fresh connection,
 * as Redis retries when nothing was read yet and the failure was not a timeout. What it gathers
 * (the reply lines, and how it failed) is what MIGRATE's second step answers from.
 * <p>
 * Confined to the event loop of the link in use: every callback hops there first.
 */
final class MigrateTransfer implements OutsideWork, MigrateLinks.LineListener {
    private final MigrateLinks links;
    private final EventLoop home;
    private final String host;
    private final String port;
    private final long db;
    private final long timeoutMillis;
    private final boolean replace;
    private final byte[] username;
    private final byte[] password;
    final byte[][] keys;
    final byte[][] payloads;
    private final long[] ttls;
    /** Each key's expiry when it was dumped: the second step deletes it only if it is still the same. */
    final long[] expireAts;
    final boolean copy;

    private Runnable done;
    private boolean mayRetry = true;
    private MigrateLinks.Link link;
    private boolean selectSent;
    private int expected;
    private ScheduledFuture<?> timer;
    private boolean written;
    private boolean finished;

    // the outcome, read by the second step once done has run (the hop to it publishes them)
    private boolean connectFailed;
    private boolean socketError;
    private boolean writeError;
    private boolean timedOut;
    private String authReply;
    private String selectReply;
    private final List<String> restoreReplies = new ArrayList<>();

    MigrateTransfer(MigrateLinks links, EventLoop home, String host, String port, long db, long timeoutMillis,
                    boolean replace, byte[] username, byte[] password, byte[][] keys, byte[][] payloads, long[] ttls,
                    long[] expireAts, boolean copy) {
        this.links = links;
        this.home = home;
        this.host = host;
        this.port = port;
        this.db = db;
        this.timeoutMillis = timeoutMillis;
        this.replace = replace;
        this.username = username;
        this.password = password;
        this.keys = keys;
        this.payloads = payloads;
        this.ttls = ttls;
        this.expireAts = expireAts;
        this.copy = copy;
    }

    @Override
    public void start(Runnable whenDone) {
        this.done = whenDone;
        attempt();
    }

    private void attempt() {
        MigrateLinks.Link cached = links.take(host, port);
        if (cached != null) {
            cached.channel.eventLoop().execute(() -> send(cached));
            return;
        }
        links.connect(host, port, home, timeoutMillis, new MigrateLinks.Connected() {
            @Override
            public void connected(MigrateLinks.Link link) {
                send(link);
            }

            @Override
            public void failed(boolean refused) {
                if (refused) {
                    writeError = true;
                    socketFailed();
                } else {
                    connectFailed = true;
                    finish();
                }
            }
        });
    }

    /** On the link's loop: the whole request in one write, then the replies are awaited. */
    private void send(MigrateLinks.Link l) {
        link = l;
        written = false;
        authReply = null;
        selectReply = null;
        restoreReplies.clear();
        ByteBuf out = l.channel.alloc().buffer();
        expected = keys.length;
        if (password != null) {
            if (username != null) {
                command(out, bytes("AUTH"), username, password);
            } else {
                command(out, bytes("AUTH"), password);
            }
            expected++;
        }
        selectSent = l.lastDb != db;
        if (selectSent) {
            command(out, bytes("SELECT"), bytes(Long.toString(db)));
            expected++;
        }
        for (int j = 0; j < keys.length; j++) {
            byte[] ttl = bytes(Long.toString(ttls[j]));
            if (replace) {
                command(out, bytes("RESTORE"), keys[j], ttl, payloads[j], bytes("REPLACE"));
            } else {
                command(out, bytes("RESTORE"), keys[j], ttl, payloads[j]);
            }
        }
        l.listen(this);
        armTimer();
        l.channel.writeAndFlush(out).addListener(f -> {
            if (f.isSuccess()) {
                written = true;
            } else if (!finished) {
                writeError = true;
                socketFailed();
            }
        });
    }

    private void armTimer() {
        if (timer != null) {
            timer.cancel(false);
        }
        timer = link.channel.eventLoop().schedule(() -> {
            if (!finished) {
                timedOut = true;
                writeError = !written;
                socketFailed();
            }
        }, timeoutMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void line(String line) {
        if (finished) {
            return;
        }
        if (password != null && authReply == null) {
            authReply = line;
        } else if (selectSent && selectReply == null) {
            selectReply = line;
        } else {
            restoreReplies.add(line);
        }
        if (--expected == 0) {
            boolean targetError = earlierError() != null || restoreReplies.stream().anyMatch(r -> r.startsWith("-"));
            link.lastDb = targetError ? -1 : db;
            end(false);
        } else {
            armTimer();
        }
    }

    @Override
    public void closed() {
        if (!finished) {
            socketFailed();
        }
    }

    /**
     * A write or read failed or timed out: retried once on a fresh connection when no RESTORE reply
     * came and it was no timeout (a cached link the target closed), else the second step reports it.
     */
    private void socketFailed() {
        if (restoreReplies.isEmpty() && !timedOut && mayRetry) {
            mayRetry = false;
            release(true);
            writeError = false;
            attempt();
            return;
        }
        socketError = true;
        end(true);
    }

    private void end(boolean broken) {
        release(broken);
        finish();
    }

    private void release(boolean broken) {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        if (link != null) {
            links.giveBack(host, port, link, broken);
            link = null;
        }
    }

    private void finish() {
        if (!finished) {
            finished = true;
            done.run();
        }
    }

    // ---------------------------------------------------------------- the outcome, for the second step

    boolean connectFailed() {
        return connectFailed;
    }

    boolean socketError() {
        return socketError;
    }

    /** True when the request could not be written (Redis's "writing"), false for a failed read. */
    boolean writeError() {
        return writeError;
    }

    /** The RESTORE replies read, one per key in order (fewer after a socket error). */
    List<String> restoreReplies() {
        return restoreReplies;
    }

    /** AUTH's or SELECT's error line, which fails every RESTORE after it as Redis reports it; null if none. */
    String earlierError() {
        if (authReply != null && authReply.startsWith("-")) {
            return authReply;
        }
        if (selectReply != null && selectReply.startsWith("-")) {
            return selectReply;
        }
        return null;
    }

    private static void command(ByteBuf out, byte[]... args) {
        out.writeByte('*').writeBytes(bytes(Integer.toString(args.length))).writeByte('\r').writeByte('\n');
        for (byte[] a : args) {
            out.writeByte('$').writeBytes(bytes(Integer.toString(a.length))).writeByte('\r').writeByte('\n');
            out.writeBytes(a).writeByte('\r').writeByte('\n');
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
