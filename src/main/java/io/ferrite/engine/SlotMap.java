package io.ferrite.engine;

/**
 * Redis Cluster's key-to-slot function (CRC16/XMODEM of the key or its {hashtag}, mod 16384) and
 * the slot-to-shard table. Keys are placed by slot from day one so cluster mode and slot migration
 * can later move whole slots between shards or nodes.
 */
public final class SlotMap {
    public static final int SLOTS = 16384;
    private static final int[] CRC16_TABLE = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            int crc = i << 8;
            for (int j = 0; j < 8; j++) {
                crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
            }
            CRC16_TABLE[i] = crc & 0xFFFF;
        }
    }

    private final int[] shardOfSlot = new int[SLOTS];

    public SlotMap(int shards) {
        // contiguous ranges, as a cluster node owns ranges of slots
        for (int s = 0; s < SLOTS; s++) {
            shardOfSlot[s] = (int) ((long) s * shards / SLOTS);
        }
    }

    public int shardOf(byte[] key) {
        return shardOfSlot[slot(key)];
    }

    public int shardOfSlot(int slot) {
        return shardOfSlot[slot];
    }

    public static int slot(byte[] key) {
        int start = -1;
        for (int i = 0; i < key.length; i++) {
            if (key[i] == '{') {
                start = i;
                break;
            }
        }
        if (start >= 0) {
            for (int j = start + 1; j < key.length; j++) {
                if (key[j] == '}') {
                    if (j > start + 1) {
                        return crc16(key, start + 1, j) & (SLOTS - 1);
                    }
                    break;
                }
            }
        }
        return crc16(key, 0, key.length) & (SLOTS - 1);
    }

    public static int crc16(byte[] b, int from, int to) {
        int crc = 0;
        for (int i = from; i < to; i++) {
            crc = ((crc << 8) ^ CRC16_TABLE[((crc >>> 8) ^ b[i]) & 0xFF]) & 0xFFFF;
        }
        return crc;
    }
}
