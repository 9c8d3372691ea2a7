package io.ferrite.store.geo;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class GeoStoreTest {
    private record P(String name, double dist) {
    }

    private static final Comparator<P> ASC = (a, b) -> a.dist > b.dist ? 1 : a.dist == b.dist ? 0 : -1;

    @Test
    void partialSortPutsTiesWhereRedisPutsThem() {
        // GEOSEARCH ... COUNT 2 over these distances returns m6, m10 in Redis 7.0.15
        P[] a = {new P("m11", 1005), new P("m12", 90), new P("m10", 0), new P("m14", 0), new P("m18", 0),
            new P("m19", 0), new P("m6", 0), new P("m7", 1156)};
        PartialSort.sort(a, ASC, 0, 1);
        assertThat(Arrays.stream(a).map(P::name)).containsExactly("m6", "m10", "m14", "m18", "m19", "m12", "m11", "m7");
    }

    @Test
    void partialSortSortsTheWantedRanks() {
        Random rnd = new Random(3);
        for (int round = 0; round < 200; round++) {
            int n = 1 + rnd.nextInt(300);
            P[] a = new P[n];
            for (int i = 0; i < n; i++) {
                a[i] = new P("p" + i, rnd.nextInt(20));
            }
            double[] sorted = Arrays.stream(a).mapToDouble(P::dist).sorted().toArray();
            int k = 1 + rnd.nextInt(n);
            PartialSort.sort(a, ASC, 0, k - 1);
            for (int i = 0; i < k; i++) {
                assertThat(a[i].dist).isEqualTo(sorted[i]);
            }
            assertThat(Arrays.stream(a).mapToDouble(P::dist).sorted().toArray()).isEqualTo(sorted);
        }
    }

    @Test
    void hashRoundTripAndNeighbours() {
        GeoHash.Cell c = GeoHash.encode(13.361389, 38.115556, 26);
        assertThat(c.align52()).isEqualTo(3479099956230698L);
        GeoHash.Area a = GeoHash.decode(c);
        assertThat(a.lonMin()).isLessThanOrEqualTo(13.361389).isGreaterThan(13.361389 - 1e-5);
        GeoHash.Cell east = GeoHash.moveX(c, 1);
        assertThat(GeoHash.decode(east).lonMin()).isEqualTo(a.lonMax());
        assertThat(GeoHash.decode(GeoHash.moveY(c, -1)).latMax()).isEqualTo(a.latMin());
        assertThat(GeoHash.deinterleave(GeoHash.interleave(0x12345L, 0x2abcdL))).isEqualTo(0x2abcd00012345L);
        assertThat(new String(GeoHash.base32(13.361389, 38.115556))).isEqualTo("sqc8b49rny0");
    }

    @Test
    void distancesAndShapes() {
        double d = GeoShape.distance(13.361389, 38.115556, 15.087269, 37.502669);
        assertThat(d).isBetween(166274.0, 166275.0);
        GeoShape circle = GeoShape.circle(15, 37, 100, 1000);
        assertThat(circle.contains(15.087269, 37.502669)).isBetween(56000.0, 57000.0);
        assertThat(circle.contains(13.361389, 38.115556)).isEqualTo(-1);
        GeoShape box = GeoShape.box(15, 37, 400, 10, 1000);
        assertThat(box.contains(13.361389, 37.0)).isGreaterThan(0);
        assertThat(box.contains(15, 38)).isEqualTo(-1);
        assertThat(GeoShape.estimateSteps(0, 0)).isEqualTo(26);
        assertThat(GeoShape.estimateSteps(10_000_000, 0)).isEqualTo(1);
        assertThat(GeoShape.estimateSteps(100, 85)).isLessThan(GeoShape.estimateSteps(100, 0));
    }

    @Test
    void scoresDecodeAsCConvertsThem() {
        assertThat(GeoHash.toUint64(-1.0)).isEqualTo(-1L);
        assertThat(GeoHash.toUint64(1e300)).isEqualTo(0L);
        assertThat(GeoHash.toUint64(Double.NEGATIVE_INFINITY)).isEqualTo(Long.MIN_VALUE);
        assertThat(GeoHash.toUint64(0x1p63)).isEqualTo(Long.MIN_VALUE);
    }
}
