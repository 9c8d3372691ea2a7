package io.ferrite.persistence.rdb;

/** The constants of Redis 7.0's rdb.h that a value payload uses. */
final class RdbType {
    /** RDB_VERSION of Redis 7.0: what DUMP writes, and the newest RESTORE accepts. */
    static final int VERSION = 10;

    static final int STRING = 0;
    static final int LIST = 1;
    static final int SET = 2;
    static final int ZSET = 3;
    static final int HASH = 4;
    static final int ZSET_2 = 5;
    static final int MODULE = 6;
    static final int MODULE_2 = 7;
    static final int HASH_ZIPMAP = 9;
    static final int LIST_ZIPLIST = 10;
    static final int SET_INTSET = 11;
    static final int ZSET_ZIPLIST = 12;
    static final int HASH_ZIPLIST = 13;
    static final int LIST_QUICKLIST = 14;
    static final int STREAM_LISTPACKS = 15;
    static final int HASH_LISTPACK = 16;
    static final int ZSET_LISTPACK = 17;
    static final int LIST_QUICKLIST_2 = 18;
    static final int STREAM_LISTPACKS_2 = 19;

    static final int LEN_32BIT = 0x80;
    static final int LEN_64BIT = 0x81;
    static final int ENC_INT8 = 0;
    static final int ENC_INT16 = 1;
    static final int ENC_INT32 = 2;
    static final int ENC_LZF = 3;

    /** Quicklist 2 node containers (QUICKLIST_NODE_CONTAINER_PLAIN / _PACKED). */
    static final int NODE_PLAIN = 1;
    static final int NODE_PACKED = 2;

    private RdbType() {
    }
}
