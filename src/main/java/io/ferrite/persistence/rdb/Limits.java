package io.ferrite.persistence.rdb;

/**
 * The encoding settings a value is written and loaded under (redis.conf's *-max-* directives):
 * DUMP packs list nodes by {@code list-max-listpack-size}; RESTORE picks each loaded value's
 * encoding the way Redis's rdbLoadObject does from the same settings. {@code sanitize} false is
 * sanitize-dump-payload no: a stream's listpacks get only the checks Redis then makes (see StreamCodec).
 */
public record Limits(int listFill, long hashMaxEntries, long hashMaxValue, long setMaxIntsetEntries,
                     long zsetMaxEntries, long zsetMaxValue, boolean compress, boolean sanitize) {
    /** Redis 7.0's defaults, loading with every check (sanitize-dump-payload yes). */
    public static final Limits DEFAULTS = new Limits(-2, 128, 64, 512, 128, 64, true);

    /** Limits that load with every check Redis's sanitize-dump-payload yes makes. */
    public Limits(int listFill, long hashMaxEntries, long hashMaxValue, long setMaxIntsetEntries,
                  long zsetMaxEntries, long zsetMaxValue, boolean compress) {
        this(listFill, hashMaxEntries, hashMaxValue, setMaxIntsetEntries, zsetMaxEntries, zsetMaxValue, compress, true);
    }

    /** Fresh output for a value or a file, LZF-compressing its strings unless {@code rdbcompression no}. */
    public RdbOutput output(int capacity) {
        return new RdbOutput(capacity, compress);
    }
}
