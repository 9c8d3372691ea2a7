package io.ferrite.store.list;

/**
 * The element format of a quicklist node, a listpack-like packing: each element is its length as
 * a forward varint, its bytes, then its length again as a backward varint ("backlen"), so a node
 * can be walked from either end. Elements below 128 bytes cost two bytes of overhead, as in Redis.
 */
public final class Packed {
    private Packed() {
    }

    /** Bytes of a varint holding {@code n}. */
    public static int varLen(int n) {
        if (n < 1 << 7) {
            return 1;
        }
        if (n < 1 << 14) {
            return 2;
        }
        if (n < 1 << 21) {
            return 3;
        }
        if (n < 1 << 28) {
            return 4;
        }
        return 5;
    }

    /** Bytes an element of {@code len} bytes takes packed. */
    public static int encodedSize(int len) {
        return len + 2 * varLen(len);
    }

    /** Writes an element at {@code pos}; returns the position after it. */
    public static int write(byte[] buf, int pos, byte[] e, int off, int len) {
        int k = varLen(len);
        int v = len;
        for (int i = 0; i < k; i++) {
            int g = v & 0x7f;
            v >>>= 7;
            buf[pos + i] = (byte) (i < k - 1 ? g | 0x80 : g);
        }
        pos += k;
        System.arraycopy(e, off, buf, pos, len);
        pos += len;
        // backlen: group 0 in the last byte, continuation bits reading backwards
        v = len;
        for (int i = 0; i < k; i++) {
            int g = v & 0x7f;
            v >>>= 7;
            buf[pos + k - 1 - i] = (byte) (i < k - 1 ? g | 0x80 : g);
        }
        return pos + k;
    }

    /** Length of the element starting at {@code pos}. */
    public static int lenAt(byte[] buf, int pos) {
        int v = 0;
        int shift = 0;
        while (true) {
            int x = buf[pos++];
            v |= (x & 0x7f) << shift;
            if ((x & 0x80) == 0) {
                return v;
            }
            shift += 7;
        }
    }

    /** Length of the element ending just before {@code end}. */
    public static int lenBefore(byte[] buf, int end) {
        int v = 0;
        int shift = 0;
        while (true) {
            int x = buf[--end];
            v |= (x & 0x7f) << shift;
            if ((x & 0x80) == 0) {
                return v;
            }
            shift += 7;
        }
    }

    /** Offset of the data of the element starting at {@code pos} whose length is {@code len}. */
    public static int dataAt(int pos, int len) {
        return pos + varLen(len);
    }
}
