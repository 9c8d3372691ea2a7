package io.ferrite.server.snapshot;

import io.ferrite.persistence.rdb.LoadedValue;

/**
 * One key of a file on its way to its shard: database, key, value, expiry (-1 for none), and the
 * file's LRU idle seconds and LFU counter (-1 when absent).
 */
record LoadedKey(int db, byte[] key, LoadedValue value, long expireAt, long lruIdle, int lfuFreq) {
}
