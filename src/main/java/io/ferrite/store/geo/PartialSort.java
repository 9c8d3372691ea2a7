package io.ferrite.store.geo;

import java.util.Comparator;

/**
 * Redis's pqsort: Bentley and McIlroy's quicksort ("Engineering a Sort Function", 1993) that only
 * recurses into partitions overlapping the ranks {@code lrange..rrange}, so those ranks end up
 * sorted and the rest merely partitioned. GEOSEARCH ... COUNT uses it; reproducing its exact
 * sequence of swaps gives equally distant points in the order Redis returns them. This is the
 * Redis 7.0 version, without the later switch to insertion sort for partitions that needed no swap.
 */
public final class PartialSort {
    private PartialSort() {
    }

    public static <T> void sort(T[] a, Comparator<? super T> cmp, int lrange, int rrange) {
        sort(a, 0, a.length, cmp, lrange, rrange);
    }

    private static <T> void swap(T[] a, int i, int j) {
        T t = a[i];
        a[i] = a[j];
        a[j] = t;
    }

    /** Swaps the n elements starting at i with the n starting at j, pairwise in order. */
    private static <T> void swapRun(T[] a, int i, int j, int n) {
        for (int k = 0; k < n; k++) {
            swap(a, i + k, j + k);
        }
    }

    private static <T> int med3(T[] a, int i, int j, int k, Comparator<? super T> cmp) {
        if (cmp.compare(a[i], a[j]) < 0) {
            return cmp.compare(a[j], a[k]) < 0 ? j : (cmp.compare(a[i], a[k]) < 0 ? k : i);
        }
        return cmp.compare(a[j], a[k]) > 0 ? j : (cmp.compare(a[i], a[k]) < 0 ? i : k);
    }

    private static <T> void insertion(T[] a, int base, int n, Comparator<? super T> cmp) {
        for (int m = base + 1; m < base + n; m++) {
            for (int l = m; l > base && cmp.compare(a[l - 1], a[l]) > 0; l--) {
                swap(a, l, l - 1);
            }
        }
    }

    /** Whether the partition [s, s + m) holds any rank of lrange..rrange (Redis's pointer test, in ranks). */
    private static boolean wanted(int s, int m, int lrange, int rrange) {
        return !((lrange < s && rrange < s) || (lrange >= s + m && rrange >= s + m));
    }

    private static <T> void sort(T[] a, int base, int n, Comparator<? super T> cmp, int lrange, int rrange) {
        while (true) {
            if (n < 7) {
                insertion(a, base, n, cmp);
                return;
            }
            int pm = base + n / 2;
            if (n > 7) {
                int pl = base;
                int pn = base + n - 1;
                if (n > 40) {
                    int d = n / 8;
                    pl = med3(a, pl, pl + d, pl + 2 * d, cmp);
                    pm = med3(a, pm - d, pm, pm + d, cmp);
                    pn = med3(a, pn - 2 * d, pn - d, pn, cmp);
                }
                pm = med3(a, pl, pm, pn, cmp);
            }
            swap(a, base, pm);
            int pa = base + 1;
            int pb = pa;
            int pc = base + n - 1;
            int pd = pc;
            while (true) {
                int r;
                while (pb <= pc && (r = cmp.compare(a[pb], a[base])) <= 0) {
                    if (r == 0) {
                        swap(a, pa, pb);
                        pa++;
                    }
                    pb++;
                }
                while (pb <= pc && (r = cmp.compare(a[pc], a[base])) >= 0) {
                    if (r == 0) {
                        swap(a, pc, pd);
                        pd--;
                    }
                    pc--;
                }
                if (pb > pc) {
                    break;
                }
                swap(a, pb, pc);
                pb++;
                pc--;
            }
            int pn = base + n;
            int r = Math.min(pa - base, pb - pa);
            swapRun(a, base, pb - r, r);
            r = Math.min(pd - pc, pn - pd - 1);
            swapRun(a, pb, pn - r, r);
            r = pb - pa;
            if (r > 1 && wanted(base, r, lrange, rrange)) {
                sort(a, base, r, cmp, lrange, rrange);
            }
            r = pd - pc;
            if (r <= 1) {
                return;
            }
            base = pn - r;
            n = r;
            if (!wanted(base, n, lrange, rrange)) {
                return;
            }
        }
    }
}
