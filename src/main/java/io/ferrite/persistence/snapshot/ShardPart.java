package io.ferrite.persistence.snapshot;

/**
 * One shard's share of a snapshot: for each numbered database, its keys in RDB form (expiry,
 * type, key, value; no SELECTDB, which the file gives once per database for every shard's keys)
 * and how many keys and expiries they are, for RESIZEDB.
 */
public record ShardPart(byte[][] records, long[] keys, long[] expires) {
}
