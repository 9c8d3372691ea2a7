/**
 * Replication as pure logic, with no sockets and no threads of its own (Redis 7.0 replication.c's
 * master side): the replication ids and offsets of PSYNC2 ({@link io.ferrite.replication.ReplicationLog}),
 * the backlog as a list of shared blocks ({@link io.ferrite.replication.Backlog}), the effects feed
 * encoded as the RESP stream replicas apply ({@link io.ferrite.replication.StreamEncoder}), and the
 * answer to a PSYNC request ({@link io.ferrite.replication.PsyncDecision}).
 * <p>
 * Thread-safety: none of these classes is thread-safe; one thread owns them (the replication pump
 * of {@code io.ferrite.server.replication}), others hand it tasks. The byte buffers handed out by
 * {@link io.ferrite.replication.Backlog#read} are retained slices, safe to pass to any thread.
 */
package io.ferrite.replication;
