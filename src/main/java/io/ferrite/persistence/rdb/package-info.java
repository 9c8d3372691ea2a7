/**
 * Redis's RDB value format, version 10 as Redis 7.0 writes it, both ways: what DUMP and RESTORE
 * carry today and what snapshots and AOF preambles will be made of. It uses only the data
 * structures ({@code store}); commands use it, never the reverse.
 * <p>
 * Writing ({@link io.ferrite.persistence.rdb.ValueWriter}) picks Redis's type byte and layout from
 * the value's encoding: strings (integer-encoded, LZF-compressed over 20 bytes when that saves 4
 * bytes, else raw), lists as quicklist 2, sets as an intset or a plain set, hashes and sorted sets
 * as a listpack or as pairs, streams as STREAM_LISTPACKS_2. Reading
 * ({@link io.ferrite.persistence.rdb.ValueReader}) also accepts the encodings 7.0 still loads and
 * converts: ziplists, zipmaps, quicklist 1, text-score sorted sets, streams v1. The packed formats
 * (listpack, ziplist, zipmap, intset) are encoded and decoded here from their wire formats; LZF
 * comes from com.ning's compress-lzf; CRC-64 is Redis's Jones variant.
 * <p>
 * Reading treats its input as hostile, as Redis's sanitize-dump-payload yes does: every length is
 * checked against the bytes left before anything is allocated, packed blobs are validated whole
 * (sizes, back-lengths, counts, end markers), duplicates and empty values are refused, and any
 * such fault is a {@link io.ferrite.persistence.rdb.RdbFormatException}, never another exception.
 * <p>
 * Thread-safety: stateless apart from one LZF encoder per thread; a value is read or written on
 * its shard's thread.
 */
package io.ferrite.persistence.rdb;
