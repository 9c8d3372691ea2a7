package io.ferrite.store.geo;

/**
 * A search area (Redis's GeoShape): a circle of {@code radius} or an axis-aligned box of
 * {@code width} by {@code height} around a centre, sizes in the request's unit, {@code conversion}
 * metres per unit. Knows which points it contains (geohash_helper.c, as of Redis 7.0) and which
 * nine cells cover it.
 */
public final class GeoShape {
    /** Redis's EARTH_RADIUS_IN_METERS (the quadratic mean radius of WGS-84). */
    static final double EARTH_RADIUS = 6372797.560856;
    private static final double MERCATOR_MAX = 20037726.37;
    private static final double D_R = Math.PI / 180.0;

    public final double lon;
    public final double lat;
    public final boolean box;
    public final double radius;
    public final double width;
    public final double height;
    public final double conversion;

    private GeoShape(double lon, double lat, boolean box, double radius, double width, double height,
                     double conversion) {
        this.lon = lon;
        this.lat = lat;
        this.box = box;
        this.radius = radius;
        this.width = width;
        this.height = height;
        this.conversion = conversion;
    }

    public static GeoShape circle(double lon, double lat, double radius, double conversion) {
        return new GeoShape(lon, lat, false, radius, 0, 0, conversion);
    }

    public static GeoShape box(double lon, double lat, double width, double height, double conversion) {
        return new GeoShape(lon, lat, true, 0, width, height, conversion);
    }

    // ------------------------------------------------------------ distances

    private static double rad(double deg) {
        return deg * D_R;
    }

    /** geohashGetDistance: the haversine great-circle distance in metres (StrictMath, for one answer everywhere). */
    public static double distance(double lon1, double lat1, double lon2, double lat2) {
        double lat1r = rad(lat1);
        double lon1r = rad(lon1);
        double lat2r = rad(lat2);
        double lon2r = rad(lon2);
        double u = StrictMath.sin((lat2r - lat1r) / 2);
        double v = StrictMath.sin((lon2r - lon1r) / 2);
        return 2.0 * EARTH_RADIUS * StrictMath.asin(StrictMath.sqrt(u * u + StrictMath.cos(lat1r) * StrictMath.cos(lat2r) * v * v));
    }

    /**
     * The point's distance in metres from the centre when the shape contains it, else -1. A box
     * holds a point whose east-west distance (along the point's latitude) and north-south distance
     * are within half its width and height, as Redis 7.0 measures them.
     */
    public double contains(double plon, double plat) {
        if (!box) {
            double d = distance(lon, lat, plon, plat);
            return d > radius * conversion ? -1 : d;
        }
        double lonDistance = distance(plon, plat, lon, plat);
        double latDistance = distance(plon, plat, plon, lat);
        if (lonDistance > width * conversion / 2 || latDistance > height * conversion / 2) {
            return -1;
        }
        return distance(lon, lat, plon, plat);
    }

    // ------------------------------------------------------------ covering cells

    /** geohashEstimateStepsByRadius: the coarsest step whose cells still hold the radius, wider near the poles. */
    static int estimateSteps(double rangeMeters, double lat) {
        if (rangeMeters == 0) {
            return 26;
        }
        int step = 1;
        while (rangeMeters < MERCATOR_MAX) {
            rangeMeters *= 2;
            step++;
        }
        step -= 2;
        if (lat > 66 || lat < -66) {
            step--;
            if (lat > 80 || lat < -80) {
                step--;
            }
        }
        return Math.max(1, Math.min(26, step));
    }

    /** geohashBoundingBox: {min lon, min lat, max lon, max lat}, using the wider edge of each hemisphere. */
    double[] bounds() {
        double h = conversion * (box ? height / 2 : radius);
        double w = conversion * (box ? width / 2 : radius);
        double latDelta = h / EARTH_RADIUS / D_R;
        double lonDeltaTop = w / EARTH_RADIUS / StrictMath.cos(rad(lat + latDelta)) / D_R;
        double lonDeltaBottom = w / EARTH_RADIUS / StrictMath.cos(rad(lat - latDelta)) / D_R;
        boolean south = lat < 0;
        double lonDelta = south ? lonDeltaBottom : lonDeltaTop;
        return new double[] {lon - lonDelta, lat - latDelta, lon + lonDelta, lat + latDelta};
    }

    /**
     * geohashCalculateAreasByShapeWGS84: the centre's cell and its eight neighbours, in Redis's
     * order (centre, N, S, E, W, NE, NW, SE, SW); cells that cannot hold a match are {@link GeoHash.Cell#NONE}.
     */
    public GeoHash.Cell[] cells() {
        double[] b = bounds();
        double minLon = b[0];
        double minLat = b[1];
        double maxLon = b[2];
        double maxLat = b[3];
        double radiusMeters = box ? Math.sqrt((width / 2) * (width / 2) + (height / 2) * (height / 2)) : radius;
        radiusMeters *= conversion;
        int steps = estimateSteps(radiusMeters, lat);
        GeoHash.Cell hash = GeoHash.encode(lon, lat, steps);
        GeoHash.Cell[] n = neighbours(hash);
        // a search near a cell's edge may spill past the neighbours: one step coarser then
        boolean decrease = GeoHash.decode(n[1]).latMax() < maxLat
            || GeoHash.decode(n[2]).latMin() > minLat
            || GeoHash.decode(n[3]).lonMax() < maxLon
            || GeoHash.decode(n[4]).lonMin() > minLon;
        if (steps > 1 && decrease) {
            steps--;
            hash = GeoHash.encode(lon, lat, steps);
            n = neighbours(hash);
        }
        GeoHash.Area area = GeoHash.decode(hash);
        if (steps >= 2) {
            if (area.latMin() < minLat) {
                drop(n, S, SW, SE);
            }
            if (area.latMax() > maxLat) {
                drop(n, N, NE, NW);
            }
            if (area.lonMin() < minLon) {
                drop(n, W, SW, NW);
            }
            if (area.lonMax() > maxLon) {
                drop(n, E, SE, NE);
            }
        }
        return n;
    }

    private static final int N = 1;
    private static final int S = 2;
    private static final int E = 3;
    private static final int W = 4;
    private static final int NE = 5;
    private static final int NW = 6;
    private static final int SE = 7;
    private static final int SW = 8;

    private static void drop(GeoHash.Cell[] n, int a, int b, int c) {
        n[a] = GeoHash.Cell.NONE;
        n[b] = GeoHash.Cell.NONE;
        n[c] = GeoHash.Cell.NONE;
    }

    private static GeoHash.Cell[] neighbours(GeoHash.Cell c) {
        GeoHash.Cell[] n = new GeoHash.Cell[9];
        n[0] = c;
        n[N] = GeoHash.moveY(c, 1);
        n[S] = GeoHash.moveY(c, -1);
        n[E] = GeoHash.moveX(c, 1);
        n[W] = GeoHash.moveX(c, -1);
        n[NE] = GeoHash.moveY(GeoHash.moveX(c, 1), 1);
        n[NW] = GeoHash.moveY(GeoHash.moveX(c, -1), 1);
        n[SE] = GeoHash.moveY(GeoHash.moveX(c, 1), -1);
        n[SW] = GeoHash.moveY(GeoHash.moveX(c, -1), -1);
        return n;
    }
}
