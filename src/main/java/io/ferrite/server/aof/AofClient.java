package io.ferrite.server.aof;

import io.ferrite.engine.Client;
import io.ferrite.engine.Session;
import io.ferrite.engine.Shard;
import io.ferrite.reply.Reply;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Redis's AOF fake client (createAOFClient): runs commands from a thread that is no connection's
 * (the start-up load, the server's own BGREWRITEAOF) through the one dispatcher every client uses,
 * so MULTI/EXEC in a file run as one atomic EXEC and each command goes wherever its keys live. The
 * commands run one after another on shard 0's loop, as a connection's requests would; replies
 * are kept only for {@link #call}.
 */
final class AofClient implements Session {
    /** Redis's CLIENT_ID_AOF. */
    private static final long ID = Long.MAX_VALUE;

    private final AofHost server;
    private final Shard home;
    private final Client client;
    private final ByteBuf buf = Unpooled.buffer(256);
    private final Reply reply;
    private final ArrayDeque<byte[][]> queue = new ArrayDeque<>();
    private boolean waiting;
    private CompletableFuture<String> done;
    private final StringBuilder lastReply = new StringBuilder();

    AofClient(AofHost server) {
        this.server = server;
        this.home = server.engine().shard(0);
        this.client = new Client(ID, "", "", home, true);
        this.reply = new Reply(buf, 2, message -> { });
        client.session(this);
        client.markLoader();
    }

    /** Runs {@code batch} in order and returns once every command has replied. */
    void runAll(List<byte[][]> batch) {
        run(batch);
    }

    /** Runs one command and returns its reply as text (RESP). */
    String call(String... args) {
        byte[][] argv = new byte[args.length][];
        for (int i = 0; i < args.length; i++) {
            argv[i] = args[i].getBytes(StandardCharsets.UTF_8);
        }
        return run(List.<byte[][]>of(argv));
    }

    private String run(List<byte[][]> batch) {
        CompletableFuture<String> f = new CompletableFuture<>();
        home.loop.execute(() -> {
            queue.addAll(batch);
            done = f;
            drain();
        });
        try {
            return f.get(10, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running the append only file's commands");
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("running the append only file's commands: " + e, e);
        }
    }

    /** On the home loop: runs queued commands until one must wait for another shard. */
    private void drain() {
        while (!waiting) {
            byte[][] args = queue.poll();
            if (args == null) {
                CompletableFuture<String> f = done;
                done = null;
                if (f != null) {
                    f.complete(lastReply.toString());
                }
                return;
            }
            buf.clear();
            reply.retarget(buf, 2);
            if (!server.dispatcher().process(this, args)) {
                waiting = true;
                return;
            }
            keep(buf);
        }
    }

    private void keep(ByteBuf b) {
        lastReply.setLength(0);
        lastReply.append(b.toString(StandardCharsets.UTF_8));
    }

    @Override
    public Client client() {
        return client;
    }

    @Override
    public Reply reply() {
        return reply;
    }

    @Override
    public ByteBuf newBuffer() {
        return Unpooled.buffer(64);
    }

    @Override
    public void resume(ByteBuf out) {
        keep(out);
        out.release();
        waiting = false;
        drain();
    }

    @Override
    public void execute(Runnable task) {
        home.loop.execute(task);
    }

    @Override
    public void postpone(byte[][] args, long delayMillis) {
        queue.addFirst(args);
        home.loop.schedule(this::wake, delayMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void wake() {
        execute(() -> {
            if (waiting) {
                waiting = false;
                drain();
            }
        });
    }

    @Override
    public void close() {
    }
}
