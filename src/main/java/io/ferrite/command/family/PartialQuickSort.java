package io.ferrite.command.family;

import java.util.Comparator;

/**
 * Redis's pqsort (pqsort.c): Bentley and McIlroy's quicksort ("Engineering a Sort Function", as
 * in NetBSD's qsort) that skips partitions lying wholly outside the wanted range. SORT uses it for
 * BY with LIMIT; it is not stable, so elements that compare equal (ALPHA BY with equal or missing
 * values) come out in exactly the order this algorithm leaves them, which is why it is reproduced
 * step for step instead of using a library sort. GEOSEARCH ... COUNT uses it too. This is Redis
 * 7.0's version: the switch to insertion sort for a partition that needed no swap came later, and
 * 7.0.15 answers GEOSEARCH with COUNT over ties in the order of the version without it.
 */
final class PartialQuickSort {
    private PartialQuickSort() {
    }

    /** Sorts {@code a} so that positions {@code lrange..rrange} hold what a full sort would put there. */
    static <T> void sort(T[] a, Comparator<? super T> cmp, int lrange, int rrange) {
        sort(a, 0, a.length, cmp, lrange, rrange);
    }

    private static <T> void sort(T[] a, int base, int n, Comparator<? super T> cmp, int lr, int rr) {
        while (true) {
            if (n < 7) {
                insertionSort(a, base, n, cmp);
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
            for (;;) {
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
            vecswap(a, base, pb - r, r);
            r = Math.min(pd - pc, pn - pd - 1);
            vecswap(a, pb, pn - r, r);
            if ((r = pb - pa) > 1 && overlaps(base, r, lr, rr)) {
                sort(a, base, r, cmp, lr, rr);
            }
            if ((r = pd - pc) > 1 && overlaps(pn - r, r, lr, rr)) {
                base = pn - r;
                n = r;
                continue;
            }
            return;
        }
    }

    /** Whether elements {@code base..base+n-1} are not wholly on one side of {@code lr..rr}. */
    private static boolean overlaps(int base, int n, int lr, int rr) {
        return !((lr < base && rr < base) || (lr >= base + n && rr >= base + n));
    }

    private static <T> int med3(T[] a, int i, int j, int k, Comparator<? super T> cmp) {
        return cmp.compare(a[i], a[j]) < 0
            ? (cmp.compare(a[j], a[k]) < 0 ? j : (cmp.compare(a[i], a[k]) < 0 ? k : i))
            : (cmp.compare(a[j], a[k]) > 0 ? j : (cmp.compare(a[i], a[k]) < 0 ? i : k));
    }

    private static <T> void insertionSort(T[] a, int base, int n, Comparator<? super T> cmp) {
        for (int m = base + 1; m < base + n; m++) {
            for (int l = m; l > base && cmp.compare(a[l - 1], a[l]) > 0; l--) {
                swap(a, l, l - 1);
            }
        }
    }

    private static <T> void vecswap(T[] a, int i, int j, int n) {
        for (int k = 0; k < n; k++) {
            swap(a, i + k, j + k);
        }
    }

    private static <T> void swap(T[] a, int i, int j) {
        T t = a[i];
        a[i] = a[j];
        a[j] = t;
    }
}
