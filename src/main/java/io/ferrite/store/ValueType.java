package io.ferrite.store;

import java.nio.charset.StandardCharsets;

/** The value types, named as Redis's TYPE command names them. */
public enum ValueType {
    STRING("string"), LIST("list"), SET("set"), ZSET("zset"), HASH("hash"), STREAM("stream");

    private final String redisName;
    private final byte[] nameBytes;

    ValueType(String redisName) {
        this.redisName = redisName;
        this.nameBytes = redisName.getBytes(StandardCharsets.US_ASCII);
    }

    public String redisName() {
        return redisName;
    }

    public byte[] nameBytes() {
        return nameBytes;
    }

    public static ValueType byName(byte[] name) {
        for (ValueType t : values()) {
            if (Bytes.equalsIgnoreCase(t.nameBytes, name)) {
                return t;
            }
        }
        return null;
    }
}
