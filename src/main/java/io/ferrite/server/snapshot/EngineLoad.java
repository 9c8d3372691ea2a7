package io.ferrite.server.snapshot;

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
 * Every shard's part of a snapshot, from a thread that is no shard's (SHUTDOWN and SIGTERM's save);
 * loading a file at start-up is {@link StartupLoad}'s.
 */
public final class EngineLoad {
    private EngineLoad() {
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
