package io.ferrite.store.set;

import io.ferrite.common.ShardConfined;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Redis's intset: a sorted array of distinct integers packed at the narrowest width that holds them
 * all (2, 4 or 8 bytes each), upgraded in place when a wider value arrives and never downgraded.
 */
@ShardConfined
public final class IntSet {
    private static final VarHandle I16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private byte[] data;
    private int width;
    private int size;

    public IntSet() {
        this.data = new byte[8];
        this.width = 2;
    }

    private IntSet(byte[] data, int width, int size) {
        this.data = data;
        this.width = width;
        this.size = size;
    }

    public IntSet copy() {
        return new IntSet(Arrays.copyOf(data, size * width), width, size);
    }

    public int size() {
        return size;
    }

    public int width() {
        return width;
    }

    static int widthFor(long v) {
        if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
            return 2;
        }
        if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
            return 4;
        }
        return 8;
    }

    public long get(int i) {
        return read(data, width, i);
    }

    private static long read(byte[] d, int w, int i) {
        return switch (w) {
            case 2 -> (short) I16.get(d, i * 2);
            case 4 -> (int) I32.get(d, i * 4);
            default -> (long) I64.get(d, i * 8);
        };
    }

    private static void write(byte[] d, int w, int i, long v) {
        switch (w) {
            case 2 -> I16.set(d, i * 2, (short) v);
            case 4 -> I32.set(d, i * 4, (int) v);
            default -> I64.set(d, i * 8, v);
        }
    }

    /** Index of v, or -(insertion point) - 1. */
    private int search(long v) {
        int lo = 0;
        int hi = size - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            long m = get(mid);
            if (m < v) {
                lo = mid + 1;
            } else if (m > v) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -(lo + 1);
    }

    public boolean contains(long v) {
        if (widthFor(v) > width) {
            return false;
        }
        return search(v) >= 0;
    }

    public boolean add(long v) {
        int w = widthFor(v);
        if (w > width) {
            byte[] nd = new byte[Math.max(8, (size + 1) * w)];
            for (int i = 0; i < size; i++) {
                write(nd, w, i, read(data, width, i));
            }
            data = nd;
            width = w;
            // a value needing a wider encoding is below or above every element
            if (v < 0) {
                System.arraycopy(data, 0, data, w, size * w);
                write(data, w, 0, v);
            } else {
                write(data, w, size, v);
            }
            size++;
            return true;
        }
        int at = search(v);
        if (at >= 0) {
            return false;
        }
        at = -at - 1;
        if ((size + 1) * width > data.length) {
            // grow to fit, as Redis reallocs its intset on every add: the insert is a linear move anyway,
            // and a 50% reserve would cost a quarter more memory on average
            data = Arrays.copyOf(data, ((size + 1) * width + 7) & ~7);
        }
        System.arraycopy(data, at * width, data, (at + 1) * width, (size - at) * width);
        write(data, width, at, v);
        size++;
        return true;
    }

    public boolean remove(long v) {
        if (widthFor(v) > width) {
            return false;
        }
        int at = search(v);
        if (at < 0) {
            return false;
        }
        removeAt(at);
        return true;
    }

    public void removeAt(int at) {
        System.arraycopy(data, (at + 1) * width, data, at * width, (size - at - 1) * width);
        size--;
        if (data.length > 64 && size * width < data.length / 4) {
            data = Arrays.copyOf(data, Math.max(8, size * width * 2));
        }
    }

    public long memory() {
        return 32 + ((16 + data.length + 7) & ~7L);
    }
}
