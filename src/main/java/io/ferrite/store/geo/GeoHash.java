package io.ferrite.store.geo;

/**
 * Redis's geohash (geohash.c): a longitude/latitude pair quantised to {@code step} bits each and
 * interleaved, latitude bits in the even positions and longitude bits in the odd ones. GEOADD stores
 * the 26-step (52-bit) hash as the member's sorted-set score; searches cut the world into cells of
 * a coarser step whose members then form one score range.
 */
public final class GeoHash {
    public static final double LONG_MIN = -180;
    public static final double LONG_MAX = 180;
    /** The Web Mercator limits (EPSG:900913): Redis cannot index the poles. */
    public static final double LAT_MIN = -85.05112878;
    public static final double LAT_MAX = 85.05112878;
    public static final int STEP_MAX = 26;

    /** A cell: {@code step} bits per coordinate, interleaved. bits 0 and step 0 mean "no cell" (Redis's GZERO). */
    public record Cell(long bits, int step) {
        public static final Cell NONE = new Cell(0, 0);

        public boolean none() {
            return bits == 0 && step == 0;
        }

        /** geohashAlign52Bits: the cell's smallest 52-bit score. */
        public long align52() {
            return bits << (52 - step * 2);
        }
    }

    /** A cell's extent (GeoHashArea). */
    public record Area(double lonMin, double lonMax, double latMin, double latMax) {
    }

    private GeoHash() {
    }

    /** True when the pair is one GEOADD accepts. */
    public static boolean valid(double lon, double lat) {
        return !(lon < LONG_MIN || lon > LONG_MAX || lat < LAT_MIN || lat > LAT_MAX);
    }

    /** geohashEncode within the given ranges; null where Redis's encode fails. */
    public static Cell encode(double lonMin, double lonMax, double latMin, double latMax, double lon, double lat,
                              int step) {
        if (!valid(lon, lat) || lat < latMin || lat > latMax || lon < lonMin || lon > lonMax) {
            return null;
        }
        double latOffset = (lat - latMin) / (latMax - latMin) * (double) (1L << step);
        double lonOffset = (lon - lonMin) / (lonMax - lonMin) * (double) (1L << step);
        return new Cell(interleave((long) latOffset & 0xFFFFFFFFL, (long) lonOffset & 0xFFFFFFFFL), step);
    }

    /** Encoding in the Mercator-limited ranges the scores use. */
    public static Cell encode(double lon, double lat, int step) {
        return encode(LONG_MIN, LONG_MAX, LAT_MIN, LAT_MAX, lon, lat, step);
    }

    /** GEOADD's score for a valid pair. */
    public static long score(double lon, double lat) {
        return encode(lon, lat, STEP_MAX).align52();
    }

    public static Area decode(Cell c) {
        return decode(LONG_MIN, LONG_MAX, LAT_MIN, LAT_MAX, c);
    }

    /** geohashDecode; the 32-bit halves wrap as C's uint32_t arithmetic does. */
    static Area decode(double lonMin, double lonMax, double latMin, double latMax, Cell c) {
        long sep = deinterleave(c.bits);
        long ilat = sep & 0xFFFFFFFFL;
        long ilon = sep >>> 32;
        double div = (double) (1L << c.step);
        double latScale = latMax - latMin;
        double lonScale = lonMax - lonMin;
        return new Area(
            lonMin + (ilon / div) * lonScale,
            lonMin + (((ilon + 1) & 0xFFFFFFFFL) / div) * lonScale,
            latMin + (ilat / div) * latScale,
            latMin + (((ilat + 1) & 0xFFFFFFFFL) / div) * latScale);
    }

    /**
     * decodeGeohash: a score back to the centre of its 26-step cell, {@code {lon, lat}}. The score is
     * first converted to an unsigned 64-bit integer as C does on x86-64, so scores written by ZADD
     * decode to the same odd places they do in Redis.
     */
    public static double[] decodeScore(double score) {
        Area a = decode(new Cell(toUint64(score), STEP_MAX));
        // Redis 7.0 clamps the centre: the edge cells' centres would fall just outside the range
        double lon = Math.max(LONG_MIN, Math.min(LONG_MAX, (a.lonMin + a.lonMax) / 2));
        double lat = Math.max(LAT_MIN, Math.min(LAT_MAX, (a.latMin + a.latMax) / 2));
        return new double[] {lon, lat};
    }

    /** C's {@code (uint64_t) d} as gcc compiles it for x86-64 (cvttsd2si, 0x8000000000000000 when out of range). */
    static long toUint64(double d) {
        if (d < 0x1p63) {
            return cvtt(d);
        }
        return cvtt(d - 0x1p63) ^ Long.MIN_VALUE;
    }

    private static long cvtt(double d) {
        if (Double.isNaN(d) || d >= 0x1p63 || d < -0x1p63) {
            return Long.MIN_VALUE;
        }
        return (long) d;
    }

    /** The standard 11-character geohash string (GEOHASH), re-encoded with latitude range -90..90. */
    public static byte[] base32(double lon, double lat) {
        Cell c = encode(-180, 180, -90, 90, lon, lat, STEP_MAX);
        long bits = c == null ? 0 : c.bits;
        byte[] out = new byte[11];
        for (int i = 0; i < 11; i++) {
            // 52 bits give ten characters; Redis pads the historical eleventh with '0'
            int idx = i == 10 ? 0 : (int) ((bits >>> (52 - (i + 1) * 5)) & 0x1f);
            out[i] = (byte) ALPHABET.charAt(idx);
        }
        return out;
    }

    private static final String ALPHABET = "0123456789bcdefghjkmnpqrstuvwxyz";

    // ------------------------------------------------------------ bit interleaving

    /** Spreads the low 32 bits of x to the even positions and of y to the odd ones. */
    static long interleave(long x, long y) {
        return spread(x) | (spread(y) << 1);
    }

    private static long spread(long v) {
        v = (v | (v << 16)) & 0x0000FFFF0000FFFFL;
        v = (v | (v << 8)) & 0x00FF00FF00FF00FFL;
        v = (v | (v << 4)) & 0x0F0F0F0F0F0F0F0FL;
        v = (v | (v << 2)) & 0x3333333333333333L;
        return (v | (v << 1)) & 0x5555555555555555L;
    }

    /** The inverse: even bits to the low half, odd bits to the high half. */
    static long deinterleave(long v) {
        return squeeze(v) | (squeeze(v >>> 1) << 32);
    }

    private static long squeeze(long x) {
        x &= 0x5555555555555555L;
        x = (x | (x >>> 1)) & 0x3333333333333333L;
        x = (x | (x >>> 2)) & 0x0F0F0F0F0F0F0F0FL;
        x = (x | (x >>> 4)) & 0x00FF00FF00FF00FFL;
        x = (x | (x >>> 8)) & 0x0000FFFF0000FFFFL;
        return (x | (x >>> 16)) & 0x00000000FFFFFFFFL;
    }

    // ------------------------------------------------------------ neighbours

    private static final long ODD = 0xaaaaaaaaaaaaaaaaL;
    private static final long EVEN = 0x5555555555555555L;

    /** geohash_move_x: one cell east (d > 0) or west, wrapping around the antimeridian. */
    static Cell moveX(Cell c, int d) {
        return move(c, d, ODD, EVEN);
    }

    /** geohash_move_y: one cell north (d > 0) or south. */
    static Cell moveY(Cell c, int d) {
        return move(c, d, EVEN, ODD);
    }

    private static Cell move(Cell c, int d, long movingMask, long otherMask) {
        if (d == 0) {
            return c;
        }
        long moving = c.bits & movingMask;
        long other = c.bits & otherMask;
        int shift = 64 - c.step * 2;
        long zz = otherMask >>> shift;
        if (d > 0) {
            moving = moving + (zz + 1);
        } else {
            moving = moving | zz;
            moving = moving - (zz + 1);
        }
        moving &= movingMask >>> shift;
        return new Cell(moving | other, c.step);
    }
}
