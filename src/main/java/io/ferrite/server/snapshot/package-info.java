/**
 * RDB snapshots applied to the running engine: each shard serialising its own keys on its own
 * thread (SAVE, SHUTDOWN, DEBUG RELOAD), and loaded keys handed to the shards the slot map gives
 * them. The file format itself is {@code io.ferrite.persistence.snapshot}, which knows nothing
 * of shards.
 */
package io.ferrite.server.snapshot;
