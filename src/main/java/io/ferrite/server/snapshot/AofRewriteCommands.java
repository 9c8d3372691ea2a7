package io.ferrite.server.snapshot;

import io.ferrite.persistence.aof.AofBuffer;
import io.ferrite.persistence.rdb.LoadedValue;
import io.ferrite.persistence.snapshot.RdbFile;
import io.ferrite.persistence.snapshot.RdbLoadException;
import io.ferrite.persistence.snapshot.RdbLoader;
import io.ferrite.persistence.snapshot.ShardPart;
import io.ferrite.persistence.rdb.Limits;
import io.ferrite.server.Version;
import io.ferrite.store.hash.HashValue;
import io.ferrite.store.list.ListValue;
import io.ferrite.store.set.SetValue;
import io.ferrite.store.zset.ScoreText;
import io.ferrite.store.zset.ZSetValue;

import io.ferrite.persistence.rdb.RdbInput;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A base file of commands (aof-use-rdb-preamble no), as Redis's rewriteAppendOnlyFileRio writes
 * one: FUNCTION LOAD per function library (rewriteFunctions), then per non-empty database a SELECT, then per key SET, or RPUSH / SADD / ZADD / HSET with at
 * most AOF_REWRITE_ITEMS_PER_CMD (64) elements each, and PEXPIREAT for a key with a TTL. The data
 * comes from an RDB image of the data set (the fork-less snapshot BGREWRITEAOF takes at its cut),
 * read back as values.
 */
public final class AofRewriteCommands {
    /** Redis's AOF_REWRITE_ITEMS_PER_CMD. */
    static final int ITEMS_PER_CMD = 64;

    private AofRewriteCommands() {
    }

    /** Bytes gathered before they go to the file. */
    private static final int FLUSH_BYTES = 1 << 20;

    /** The base file's bytes for the shards' parts (the base made at start-up, of a data set just loaded or empty). */
    public static byte[] of(List<byte[]> libraries, List<ShardPart> parts, Limits limits, int databases, boolean timestamp)
            throws IOException {
        byte[] rdb = RdbFile.assemble(new RdbFile.Aux(Version.REDIS, 0, 0), libraries, parts, false);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(new RdbInput(rdb, 0, rdb.length), out, limits, databases, timestamp);
        return out.toByteArray();
    }

    /**
     * Writes to {@code target} the commands of the RDB file {@code rdb} (BGREWRITEAOF's snapshot
     * taken at the cut), streaming: what is held at a time is the reader's window, one value and
     * a megabyte of commands.
     */
    public static void convert(Path rdb, OutputStream target, Limits limits, int databases, boolean timestamp)
            throws IOException {
        try (InputStream in = Files.newInputStream(rdb)) {
            write(RdbInput.streaming(in, Files.size(rdb), RdbInput.STREAM_WINDOW), target, limits, databases, timestamp);
        }
    }

    private static void write(RdbInput in, OutputStream target, Limits limits, int databases, boolean timestamp)
            throws IOException {
        AofBuffer out = new AofBuffer();
        if (timestamp) {
            out.timestamp(System.currentTimeMillis() / 1000);
        }
        int[] selected = {-1};
        try {
            // every key is kept, including those whose time passed: the base stands for the data set at the cut
            // the file gives the libraries before any key, so their FUNCTION LOADs come first, as Redis writes them
            RdbLoader.load(in, limits, System.currentTimeMillis(), databases, true, null, true,
                code -> out.command(new byte[][] {b("FUNCTION"), b("LOAD"), code}),
                (db, key, value, expireAt, idle, freq) -> {
                    if (db != selected[0]) {
                        out.command(new byte[][] {b("SELECT"), b(Integer.toString(db))});
                        selected[0] = db;
                    }
                    key(out, key, value);
                    if (expireAt != -1) {
                        out.command(new byte[][] {b("PEXPIREAT"), key, b(Long.toString(expireAt))});
                    }
                    if (out.length() >= FLUSH_BYTES) {
                        drain(out, target);
                    }
                });
        } catch (RdbLoadException e) {
            throw new IOException("rewriting the data set as commands: " + e.getMessage(), e);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        drain(out, target);
    }

    private static void drain(AofBuffer out, OutputStream target) {
        try {
            target.write(out.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.clear();
    }

    private static void key(AofBuffer out, byte[] key, LoadedValue v) {
        switch (v.type()) {
            case STRING -> out.command(new byte[][] {b("SET"), key, (byte[]) v.value()});
            case LIST -> {
                List<byte[]> items = new ArrayList<>();
                ListValue l = (ListValue) v.value();
                l.range(0, l.size(), false, (buf, off, len) -> items.add(Arrays.copyOfRange(buf, off, off + len)));
                batched(out, "RPUSH", key, items, 1);
            }
            case SET -> batched(out, "SADD", key, ((SetValue) v.value()).members(), 1);
            case ZSET -> {
                List<byte[]> items = new ArrayList<>();
                ((ZSetValue) v.value()).forEach((member, score) -> {
                    items.add(b(ScoreText.g17(score)));
                    items.add(member);
                });
                batched(out, "ZADD", key, items, 2);
            }
            case HASH -> {
                List<byte[]> items = new ArrayList<>();
                ((HashValue) v.value()).forEach((fb, fo, fl, vb, vo, vl) -> {
                    items.add(Arrays.copyOfRange(fb, fo, fo + fl));
                    items.add(Arrays.copyOfRange(vb, vo, vo + vl));
                });
                batched(out, "HSET", key, items, 2);
            }
            case STREAM -> AofRewriteStreams.write(out, key, v.value());
        }
    }

    /** One command per ITEMS_PER_CMD items, each item {@code width} arguments. */
    private static void batched(AofBuffer out, String verb, byte[] key, List<byte[]> args, int width) {
        int perCmd = ITEMS_PER_CMD * width;
        for (int i = 0; i < args.size(); i += perCmd) {
            int n = Math.min(perCmd, args.size() - i);
            byte[][] argv = new byte[2 + n][];
            argv[0] = b(verb);
            argv[1] = key;
            for (int j = 0; j < n; j++) {
                argv[2 + j] = args.get(i + j);
            }
            out.command(argv);
        }
    }

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
