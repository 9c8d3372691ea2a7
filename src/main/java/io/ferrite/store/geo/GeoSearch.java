package io.ferrite.store.geo;

import io.ferrite.store.zset.ZSetValue;

import java.util.ArrayList;
import java.util.List;

/** The members of a geo sorted set inside a shape, found as Redis's membersOfAllNeighbors finds them. */
public final class GeoSearch {
    /** One match (geoPoint): distance in metres. */
    public record Point(byte[] member, double score, double lon, double lat, double dist) {
    }

    private GeoSearch() {
    }

    /**
     * Walks the nine covering cells in Redis's order, each as the score range of its 52-bit hashes,
     * keeping the members inside the shape; with {@code limit > 0} (COUNT ... ANY) it stops as soon as
     * that many matched. A cell equal to the last one walked is skipped, as Redis skips it (huge
     * radii make neighbours coincide), so the unsorted order is Redis's too.
     */
    public static List<Point> search(ZSetValue z, GeoShape shape, long limit) {
        List<Point> out = new ArrayList<>();
        GeoHash.Cell[] cells = shape.cells();
        int last = 0;
        for (int i = 0; i < cells.length; i++) {
            GeoHash.Cell cell = cells[i];
            if (cell.none()) {
                continue;
            }
            if (last != 0 && cell.equals(cells[last])) {
                continue;
            }
            if (limit > 0 && out.size() >= limit) {
                break;
            }
            double min = cell.align52();
            double max = new GeoHash.Cell(cell.bits() + 1, cell.step()).align52();
            z.walkScores(min, max, (m, s) -> {
                double[] xy = GeoHash.decodeScore(s);
                double d = shape.contains(xy[0], xy[1]);
                if (d >= 0) {
                    out.add(new Point(m, s, xy[0], xy[1], d));
                }
                return limit <= 0 || out.size() < limit;
            });
            last = i;
        }
        return out;
    }
}
