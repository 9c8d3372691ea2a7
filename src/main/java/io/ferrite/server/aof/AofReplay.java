package io.ferrite.server.aof;

import io.ferrite.common.Log;
import io.ferrite.persistence.aof.AofLoadException;
import io.ferrite.persistence.aof.AofLoader;
import io.ferrite.persistence.snapshot.RdbLoadException;
import io.ferrite.persistence.snapshot.RdbLoader;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The loader's sink at start-up: an RDB base or preamble goes to the shards as the RDB load does,
 * commands go to the AOF client in batches, run as Redis's fake client runs them (a MULTI's state
 * lasts from one batch to the next), their replies ignored.
 */
final class AofReplay implements AofLoader.Sink {
    private static final int BATCH = 512;

    private final AofHost server;
    private final AofClient client;
    private final List<byte[][]> batch = new ArrayList<>();

    AofReplay(AofHost server, AofClient client) {
        this.server = server;
        this.client = client;
    }

    @Override
    public long rdb(Path file, String name) throws AofLoadException {
        flush();
        try {
            RdbLoader.Result r = server.loadBase(file);
            Log.notice("Done loading RDB, keys loaded: " + r.keysLoaded() + ", keys expired: "
                + r.keysExpired() + ".");
            return r.end();
        } catch (RdbLoadException e) {
            Log.warning(e.getMessage());
            throw new AofLoadException(e.getMessage());
        }
    }

    @Override
    public boolean knows(byte[] name) {
        return server.engine().commands().lookup(name) != null;
    }

    @Override
    public void command(byte[][] argv) {
        batch.add(argv);
        if (batch.size() >= BATCH) {
            flush();
        }
    }

    @Override
    public void discardMulti() {
        batch.add(new byte[][] {"DISCARD".getBytes(StandardCharsets.US_ASCII)});
        flush();
    }

    /** Runs what is still gathered. */
    void finish() {
        flush();
    }

    private void flush() {
        if (!batch.isEmpty()) {
            client.runAll(new ArrayList<>(batch));
            batch.clear();
        }
    }
}
