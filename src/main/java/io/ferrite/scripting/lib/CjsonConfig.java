package io.ferrite.scripting.lib;

/**
 * The settings of one cjson module table (lua_cjson.c's json_config_t, with its defaults): each
 * table from cjson.new() has its own, and they persist in the Lua state between scripts.
 */
final class CjsonConfig {
    boolean sparseConvert;
    int sparseRatio = 2;
    int sparseSafe = 10;
    int encodeMaxDepth = 1000;
    int decodeMaxDepth = 1000;
    /** 0 = off (error), 1 = on (inf, nan), 2 = "null". */
    int encodeInvalidNumbers;
    boolean decodeInvalidNumbers = true;
    boolean encodeKeepBuffer = true;
    int encodeNumberPrecision = 14;

    /** The encoder's buffer, kept between calls while encode_keep_buffer is on. */
    final ByteSink buffer = new ByteSink();
}
