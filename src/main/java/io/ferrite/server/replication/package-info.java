/**
 * The master side of replication on a running server (Redis 7.0 replication.c): the pump thread
 * that turns the effects feed into the stream and hands it to replicas
 * ({@link io.ferrite.server.replication.ReplicationPump}), full syncs from a fork-less snapshot
 * taken at a consistent cut, to a file or straight to the sockets
 * ({@link io.ferrite.server.replication.FullSyncs}, {@link io.ferrite.server.replication.SocketSink}),
 * and the commands SYNC, PSYNC, REPLCONF, WAIT and ROLE
 * ({@link io.ferrite.server.replication.ReplicationCommands}). The ids, offsets, backlog and stream
 * encoding are {@code io.ferrite.replication}.
 * <p>
 * Thread-safety: the pump's thread alone owns the stream, the backlog and the list of replicas;
 * connections, shards and the snapshot's writer hand it tasks. A replica's handshake fields and
 * acknowledgements are volatile, written by its connection's thread.
 */
package io.ferrite.server.replication;
