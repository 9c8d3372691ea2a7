/**
 * The replica side of Redis 7.0 replication (PSYNC2): REPLICAOF, the link to the master and its
 * handshake (Redis's syncWithMaster), the full sync's RDB (readSyncBulkPayload), partial resyncs,
 * and the master's command stream run as Redis's master client. What it needs of the rest of the
 * server is {@link io.ferrite.server.replication.replica.ReplicaHost}. Everything here runs on
 * one event loop (the link's), except the load of a full sync, which has a thread of its own.
 */
package io.ferrite.server.replication.replica;
