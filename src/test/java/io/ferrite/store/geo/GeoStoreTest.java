package io.ferrite.store.geo;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class GeoStoreTest {
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
