package io.ferrite.server.snapshot;

import io.ferrite.persistence.snapshot.RdbLoader;
import io.ferrite.persistence.snapshot.RdbLoadException;
import io.ferrite.persistence.snapshot.ShardPart;
import io.ferrite.engine.Engine;
import io.ferrite.engine.Shard;
import io.ferrite.persistence.rdb.Limits;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Loads a whole RDB file into a running engine from a thread that is no shard's (start-up): the
 * file is read here, each key goes to the shard the slot map gives it, and every shard adds its
 * keys on its own thread.
 */
public final class EngineLoad {
    private EngineLoad() {
    }

    public static RdbLoader.Result load(Engine engine, byte[] file, Limits limits) throws RdbLoadException {
        FileKeys keys = FileKeys.read(engine, file, limits);
        List<CompletableFuture<Void>> done = new ArrayList<>();
        for (Shard s : engine.shards()) {
            CompletableFuture<Void> f = new CompletableFuture<>();
            s.run(() -> {
                try {
                    keys.addTo(s, false);
                    f.complete(null);
                } catch (Throwable e) {
                    f.completeExceptionally(e);
                }
            });
            done.add(f);
        }
        for (CompletableFuture<Void> f : done) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RdbLoadException("Interrupted while loading the DB");
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RdbLoadException le) {
                    throw le;
                }
                throw new RdbLoadException("Internal error loading the DB: " + e.getCause());
            }
        }
        return keys.result;
    }

    /**
     * Every shard's part, serialised on its own thread, from a thread that is no shard's (the
     * shutdown path). Each part is of its shard's moment; clients are gone or going by then.
     */
    public static List<ShardPart> serialiseAll(Engine engine, Limits limits) throws RdbLoadException {
        List<CompletableFuture<ShardPart>> futures = new ArrayList<>();
        for (Shard s : engine.shards()) {
            CompletableFuture<ShardPart> f = new CompletableFuture<>();
            s.run(() -> {
                try {
                    f.complete(ShardSerializer.serialise(s, limits));
                } catch (Throwable e) {
                    f.completeExceptionally(e);
                }
            });
            futures.add(f);
        }
        List<ShardPart> parts = new ArrayList<>();
        for (CompletableFuture<ShardPart> f : futures) {
            try {
                parts.add(f.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RdbLoadException("Interrupted while saving the DB");
            } catch (ExecutionException e) {
                throw new RdbLoadException("Error serialising the DB: " + e.getCause());
            }
        }
        return parts;
    }
}
