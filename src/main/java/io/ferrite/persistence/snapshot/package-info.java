/**
 * RDB files as Redis 7.0 lays them out (rdbSaveRio / rdbLoadRio), over the value codec of
 * {@code io.ferrite.persistence.rdb}: the header and AUX fields, SELECTDB and RESIZEDB per
 * database, expiry opcodes, EOF and the CRC-64; per-shard parts of a snapshot are joined into one
 * file, and a file is read into a sink of keys. Written to a temp file, forced to disk and renamed,
 * as rdbSave does. Nothing here knows of shards or commands; {@code io.ferrite.server.snapshot}
 * applies it to the engine. memcached's items are never part of a file, as memcached keeps nothing.
 */
package io.ferrite.persistence.snapshot;
