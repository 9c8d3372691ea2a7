/**
 * The replica side of Redis 7.0 replication (PSYNC2): REPLICAOF, the link to the master and its
 * handshake (Redis's syncWithMaster), the full sync's RDB (readSyncBulkPayload), partial resyncs,
 * and the master's command stream run as Redis's master client. What it needs of the rest of the
 * server is {@link io.ferrite.server.replication.replica.ReplicaHost}.
 * <p>
 * <b>Threads.</b> {@link io.ferrite.server.replication.replica.Replica} (the role: master host,
 * link state, cached master) and its {@link io.ferrite.server.replication.replica.MasterLink}
 * (one connection) live on shard 0's event loop; REPLICAOF only flips volatile fields and hands
 * the rest to that loop. A full sync's load runs on a thread of its own, because the existing
 * streaming loader hands keys to every shard and waits for them.
 * <p>
 * <b>Offsets.</b> As Redis's commandProcessed: a command's bytes count once it ran (a MULTI's
 * commands with their EXEC); they are then given to the host as the stream this server's own
 * replicas receive ({@link io.ferrite.server.replication.replica.ReplicaHost#masterStream}). The
 * master client queues a whole read before it runs, so the dispatcher squashes runs of commands
 * into one hop per shard, in stream order.
 * <p>
 * <b>Full sync.</b> repl-diskless-load disabled: the payload goes to a temp file in dir, which
 * becomes dbfilename and is loaded; on-empty-db and swapdb: the loader reads the payload as it
 * arrives. on-empty-db empties the data set first; swapdb loads into databases beside it
 * ({@code StagedLoad} on each shard) and swaps them in, with the file's function libraries, only
 * once the payload loaded, so a failed load leaves the old data set. Under the replication id this
 * server already has (a full sync within the same history) the old data set keeps serving
 * clients meanwhile (INFO's async_loading, commands flagged no-async-loading refused with
 * -LOADING); under another, clients get -LOADING. Keys whose time has passed are kept: the master
 * sends their DEL.
 * <p>
 * <b>Expiry.</b> The engine's replica switch ({@code Engine.replica}) stops active expiry and
 * makes reads hide, not delete, logically expired keys; the master client's own commands still
 * see them.
 */
package io.ferrite.server.replication.replica;
