package io.ferrite.store;

/** Value encodings, named as Redis's OBJECT ENCODING names them. */
public enum Encoding {
    INT("int"), EMBSTR("embstr"), RAW("raw"),
    LISTPACK("listpack"), QUICKLIST("quicklist"), INTSET("intset"),
    HASHTABLE("hashtable"), SKIPLIST("skiplist"), STREAM("stream");

    /** Redis embeds strings up to this length in the object header (OBJ_ENCODING_EMBSTR_SIZE_LIMIT). */
    public static final int EMBSTR_LIMIT = 44;

    private final String redisName;

    Encoding(String redisName) {
        this.redisName = redisName;
    }

    public String redisName() {
        return redisName;
    }

    /**
     * The encoding Redis gives a string stored by SET and friends: an integer that round-trips
     * through a long and fits 20 characters is "int", a short one "embstr", any other "raw".
     */
    public static Encoding forNewString(byte[] value) {
        if (value.length <= 20 && Bytes.isCanonicalLong(value)) {
            return INT;
        }
        return value.length <= EMBSTR_LIMIT ? EMBSTR : RAW;
    }
}
