package io.ferrite.command.family;

import io.ferrite.command.Args;
import io.ferrite.command.Lookup;
import io.ferrite.command.Numbers;
import io.ferrite.engine.command.Call;
import io.ferrite.engine.command.CommandRegistry;
import io.ferrite.engine.command.Errors;
import io.ferrite.store.Bytes;
import io.ferrite.store.Entry;
import io.ferrite.store.ValueType;
import io.ferrite.store.geo.GeoHash;
import io.ferrite.store.geo.GeoSearch;
import io.ferrite.store.geo.GeoShape;
import io.ferrite.store.zset.FloatParse;
import io.ferrite.store.zset.ZSetValue;

import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The geo commands (Redis 7.0 geo.c): points are sorted-set members whose scores are 52-bit
 * geohashes, so a geo key is an ordinary sorted set and every ZSET command works on it.
 */
public final class GeoFamily {
    private GeoFamily() {
    }

    /** georadiusGeneric's flags: which of the six search commands runs. */
    private enum Flag { BY_COORDS, BY_MEMBER, NO_STORE, SEARCH, SEARCH_STORE }

    /** The order a search reply is sorted in (ASC or DESC by distance). */
    private enum Sort { NONE, ASC, DESC }

    public static void register(CommandRegistry r) {
        r.add("geoadd", GeoFamily::geoadd);
        r.add("geodist", GeoFamily::geodist);
        r.add("geohash", GeoFamily::geohash);
        r.add("geopos", GeoFamily::geopos);
        search(r, "georadius", 1, EnumSet.of(Flag.BY_COORDS));
        search(r, "georadius_ro", 1, EnumSet.of(Flag.BY_COORDS, Flag.NO_STORE));
        search(r, "georadiusbymember", 1, EnumSet.of(Flag.BY_MEMBER));
        search(r, "georadiusbymember_ro", 1, EnumSet.of(Flag.BY_MEMBER, Flag.NO_STORE));
        search(r, "geosearch", 1, EnumSet.of(Flag.SEARCH));
        search(r, "geosearchstore", 2, EnumSet.of(Flag.SEARCH, Flag.SEARCH_STORE));
    }

    private static void search(CommandRegistry r, String name, int srcIdx, Set<Flag> flags) {
        r.add(name, c -> search(c, srcIdx, flags));
    }

    // ---------------------------------------------------------------- argument helpers

    /** extractLongLatOrReply: two floats at {@code i}, within the indexable range. */
    private static double[] lonLat(Call c, int i) {
        double[] xy = new double[2];
        for (int k = 0; k < 2; k++) {
            Double d = Args.doubleOrReply(c, i + k);
            if (d == null) {
                return null;
            }
            xy[k] = d;
        }
        if (!GeoHash.valid(xy[0], xy[1])) {
            c.reply().error("ERR invalid longitude,latitude pair " + Numbers.fixed(xy[0], 6) + ","
                + Numbers.fixed(xy[1], 6));
            return null;
        }
        return xy;
    }

    /** extractUnitOrReply: metres per unit, or -1 after replying. */
    private static double unit(Call c, int i) {
        if (c.argIs(i, "m")) {
            return 1;
        } else if (c.argIs(i, "km")) {
            return 1000;
        } else if (c.argIs(i, "ft")) {
            return 0.3048;
        } else if (c.argIs(i, "mi")) {
            return 1609.34;
        }
        c.reply().error("ERR unsupported unit provided. please use M, KM, FT, MI");
        return -1;
    }

    /** A non-negative size with its own "need numeric ..." error, or null after replying. */
    private static Double size(Call c, int i, String what) {
        Double d = FloatParse.string2d(c.arg(i));
        if (d == null) {
            c.reply().error("ERR need numeric " + what);
        }
        return d;
    }

    /** The member's position decoded from its score, or null when it is not in the set. */
    private static double[] position(ZSetValue z, byte[] member) {
        double s = z.score(member);
        return Double.isNaN(s) ? null : GeoHash.decodeScore(s);
    }

    /** addReplyDoubleDistance: "%.4f", a bulk string in every protocol. */
    private static void distance(Call c, double d) {
        c.reply().bulk(Bytes.of(Numbers.fixed(d, 4)));
    }

    /** addReplyHumanLongDouble: a bulk string in RESP2, a double in RESP3. */
    private static void coordinate(Call c, double d) {
        c.reply().dbl(d, Numbers.formatHuman(d));
    }

    // ---------------------------------------------------------------- GEOADD

    /** GEOADD rewrites itself into a ZADD of geohash scores, as Redis does, and lets ZADD do the work. */
    static void geoadd(Call c) {
        boolean nx = false;
        boolean xx = false;
        int lonIdx = 2;
        while (lonIdx < c.argc()) {
            if (c.argIs(lonIdx, "nx")) {
                nx = true;
            } else if (c.argIs(lonIdx, "xx")) {
                xx = true;
            } else if (!c.argIs(lonIdx, "ch")) {
                break;
            }
            lonIdx++;
        }
        if ((c.argc() - lonIdx) % 3 != 0 || (xx && nx)) {
            c.reply().error(Errors.SYNTAX);
            return;
        }
        int elements = (c.argc() - lonIdx) / 3;
        byte[][] argv = new byte[lonIdx + elements * 2][];
        argv[0] = Bytes.of("zadd");
        System.arraycopy(c.args, 1, argv, 1, lonIdx - 1);
        for (int i = 0; i < elements; i++) {
            double[] xy = lonLat(c, lonIdx + i * 3);
            if (xy == null) {
                return;
            }
            argv[lonIdx + i * 2] = Bytes.fromLong(GeoHash.score(xy[0], xy[1]));
            argv[lonIdx + i * 2 + 1] = c.arg(lonIdx + i * 3 + 2);
        }
        Call zadd = new Call(c.command, argv, c.client, c.server);
        zadd.reply(c.reply());
        zadd.ks(c.ks());
        ZSetFamily.zadd(zadd, false);
        // Redis's geoaddCommand runs ZADD in its place, so the ZADD is what propagates
        Propagated.as(c, argv);
    }

    // ---------------------------------------------------------------- GEODIST GEOHASH GEOPOS

    static void geodist(Call c) {
        double toMeter = 1;
        if (c.argc() == 5) {
            toMeter = unit(c, 4);
            if (toMeter < 0) {
                return;
            }
        } else if (c.argc() > 5) {
            c.reply().error(Errors.SYNTAX);
            return;
        }
        ZSetValue z = ZSetFamily.readZset(c, c.arg(1), Lookup.NIL);
        if (z == null) {
            return;
        }
        double[] a = position(z, c.arg(2));
        double[] b = a == null ? null : position(z, c.arg(3));
        if (b == null) {
            c.reply().nil();
            return;
        }
        distance(c, GeoShape.distance(a[0], a[1], b[0], b[1]) / toMeter);
    }

    /**
     * The positions of the members named from argument 2 on (null for a member or key that is
     * missing), or null after replying WRONGTYPE.
     */
    private static double[][] positions(Call c) {
        Entry e = c.ks().read(c.arg(1));
        if (Lookup.wrongType(c, e, ValueType.ZSET)) {
            return null;
        }
        ZSetValue z = Lookup.value(e);
        double[][] out = new double[c.argc() - 2][];
        for (int j = 2; j < c.argc(); j++) {
            out[j - 2] = z == null ? null : position(z, c.arg(j));
        }
        return out;
    }

    static void geohash(Call c) {
        double[][] xys = positions(c);
        if (xys == null) {
            return;
        }
        c.reply().array(xys.length);
        for (double[] xy : xys) {
            if (xy == null) {
                c.reply().nil();
            } else {
                c.reply().bulk(GeoHash.base32(xy[0], xy[1]));
            }
        }
    }

    static void geopos(Call c) {
        double[][] xys = positions(c);
        if (xys == null) {
            return;
        }
        c.reply().array(xys.length);
        for (double[] xy : xys) {
            if (xy == null) {
                c.reply().nilArray();
            } else {
                c.reply().array(2);
                coordinate(c, xy[0]);
                coordinate(c, xy[1]);
            }
        }
    }

    // ---------------------------------------------------------------- GEORADIUS GEOSEARCH and friends

    /** What a search asks for, parsed from its options. */
    private static final class Request {
        boolean withDist;
        boolean withHash;
        boolean withCoord;
        boolean any;
        Sort sort = Sort.NONE;
        long count;
        byte[] storeKey;
        boolean storeDist;
        boolean fromMember;
        boolean fromLonLat;
        boolean byRadius;
        boolean byBox;
        double lon;
        double lat;
        double radius;
        double width;
        double height;
        double conversion;
    }

    /** Redis's georadiusGeneric, for all six search commands. */
    static void search(Call c, int srcIdx, Set<Flag> flags) {
        Entry e = c.ks().read(c.arg(srcIdx));
        if (Lookup.wrongType(c, e, ValueType.ZSET)) {
            return;
        }
        ZSetValue z = Lookup.value(e);
        Request q = new Request();
        int base;
        if (flags.contains(Flag.BY_COORDS)) {
            base = 6;
            double[] xy = lonLat(c, 2);
            if (xy == null || !radius(c, 4, q)) {
                return;
            }
            q.lon = xy[0];
            q.lat = xy[1];
        } else if (flags.contains(Flag.BY_MEMBER)) {
            base = 5;
            // with no key Redis parses nothing more of the centre: the reply is empty anyway
            if (z != null) {
                double[] xy = position(z, c.arg(2));
                if (xy == null) {
                    c.reply().error("ERR could not decode requested zset member");
                    return;
                }
                if (!radius(c, 3, q)) {
                    return;
                }
                q.lon = xy[0];
                q.lat = xy[1];
            }
        } else {
            base = 2;
            if (flags.contains(Flag.SEARCH_STORE)) {
                base = 3;
                q.storeKey = c.arg(1);
            }
        }
        if (!options(c, base, flags, z, q)) {
            return;
        }
        if (q.storeKey != null && (q.withDist || q.withHash || q.withCoord)) {
            c.reply().error("ERR " + (flags.contains(Flag.SEARCH_STORE) ? "GEOSEARCHSTORE" : "STORE option in GEORADIUS")
                + " is not compatible with WITHDIST, WITHHASH and WITHCOORD options");
            return;
        }
        if (flags.contains(Flag.SEARCH) && !(q.fromMember || q.fromLonLat)) {
            c.reply().error("ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for " + c.argString(0));
            return;
        }
        if (flags.contains(Flag.SEARCH) && !(q.byRadius || q.byBox)) {
            c.reply().error("ERR exactly one of BYRADIUS and BYBOX can be specified for " + c.argString(0));
            return;
        }
        if (q.any && q.count == 0) {
            c.reply().error("ERR the ANY argument requires COUNT argument");
            return;
        }
        if (z == null) {
            if (q.storeKey != null) {
                FamilyUtil.deleteTarget(c, q.storeKey);
                c.reply().integer(0);
            } else {
                c.reply().array(0);
            }
            return;
        }
        // COUNT means "the nearest N" unless ANY says any N will do
        if (q.count != 0 && q.sort == Sort.NONE && !q.any) {
            q.sort = Sort.ASC;
        }
        GeoShape shape = q.byBox ? GeoShape.box(q.lon, q.lat, q.width, q.height, q.conversion)
            : GeoShape.circle(q.lon, q.lat, q.radius, q.conversion);
        List<GeoSearch.Point> found = GeoSearch.search(z, shape, q.any ? q.count : 0);
        if (found.isEmpty() && q.storeKey == null) {
            c.reply().array(0);
            return;
        }
        int returned = (int) (q.count == 0 || found.size() < q.count ? found.size() : q.count);
        if (q.sort != Sort.NONE) {
            found = sorted(found, returned, q.sort == Sort.DESC);
        }
        if (q.storeKey == null) {
            reply(c, q, found, returned);
        } else {
            store(c, q, found, returned, flags.contains(Flag.SEARCH) ? "geosearchstore" : "georadiusstore");
        }
    }

    /**
     * Orders the matches by distance as Redis does, so equally distant points come out in Redis's
     * order too: all of them with glibc's qsort (a stable merge sort), only the first
     * {@code returned} with pqsort ({@link PartialQuickSort}).
     */
    private static List<GeoSearch.Point> sorted(List<GeoSearch.Point> found, int returned, boolean desc) {
        Comparator<GeoSearch.Point> asc = (a, b) -> a.dist() > b.dist() ? 1 : a.dist() == b.dist() ? 0 : -1;
        Comparator<GeoSearch.Point> cmp = desc ? (a, b) -> -asc.compare(a, b) : asc;
        if (returned == found.size()) {
            found.sort(cmp);
            return found;
        }
        GeoSearch.Point[] a = found.toArray(new GeoSearch.Point[0]);
        PartialQuickSort.sort(a, cmp, 0, returned - 1);
        return Arrays.asList(a);
    }

    /** extractDistanceOrReply at {@code i}: the radius and its unit. */
    private static boolean radius(Call c, int i, Request q) {
        Double d = size(c, i, "radius");
        if (d == null) {
            return false;
        }
        if (d < 0) {
            c.reply().error("ERR radius cannot be negative");
            return false;
        }
        double u = unit(c, i + 1);
        if (u < 0) {
            return false;
        }
        q.radius = d;
        q.conversion = u;
        return true;
    }

    /** extractBoxOrReply at {@code i}: width, height and unit. */
    private static boolean box(Call c, int i, Request q) {
        Double w = size(c, i, "width");
        if (w == null) {
            return false;
        }
        Double h = size(c, i + 1, "height");
        if (h == null) {
            return false;
        }
        if (h < 0 || w < 0) {
            c.reply().error("ERR height or width cannot be negative");
            return false;
        }
        double u = unit(c, i + 2);
        if (u < 0) {
            return false;
        }
        q.width = w;
        q.height = h;
        q.conversion = u;
        return true;
    }

    /** The optional arguments, in any order, each checked as Redis checks it while scanning. */
    private static boolean options(Call c, int base, Set<Flag> flags, ZSetValue z, Request q) {
        boolean search = flags.contains(Flag.SEARCH);
        boolean storeAllowed = !flags.contains(Flag.NO_STORE) && !search;
        int remaining = c.argc() - base;
        for (int i = 0; i < remaining; i++) {
            int a = base + i;
            if (c.argIs(a, "withdist")) {
                q.withDist = true;
            } else if (c.argIs(a, "withhash")) {
                q.withHash = true;
            } else if (c.argIs(a, "withcoord")) {
                q.withCoord = true;
            } else if (c.argIs(a, "any")) {
                q.any = true;
            } else if (c.argIs(a, "asc")) {
                q.sort = Sort.ASC;
            } else if (c.argIs(a, "desc")) {
                q.sort = Sort.DESC;
            } else if (c.argIs(a, "count") && i + 1 < remaining) {
                Long n = Args.longOrReply(c, a + 1);
                if (n == null) {
                    return false;
                }
                if (n <= 0) {
                    c.reply().error("ERR COUNT must be > 0");
                    return false;
                }
                q.count = n;
                i++;
            } else if ((c.argIs(a, "store") || c.argIs(a, "storedist")) && i + 1 < remaining && storeAllowed) {
                q.storeKey = c.arg(a + 1);
                q.storeDist = c.argIs(a, "storedist");
                i++;
            } else if (c.argIs(a, "storedist") && search && flags.contains(Flag.SEARCH_STORE)) {
                q.storeDist = true;
            } else if (c.argIs(a, "frommember") && i + 1 < remaining && search && !q.fromLonLat) {
                if (z != null) {
                    double[] xy = position(z, c.arg(a + 1));
                    if (xy == null) {
                        c.reply().error("ERR could not decode requested zset member");
                        return false;
                    }
                    q.lon = xy[0];
                    q.lat = xy[1];
                }
                q.fromMember = true;
                i++;
            } else if (c.argIs(a, "fromlonlat") && i + 2 < remaining && search && !q.fromMember) {
                double[] xy = lonLat(c, a + 1);
                if (xy == null) {
                    return false;
                }
                q.lon = xy[0];
                q.lat = xy[1];
                q.fromLonLat = true;
                i += 2;
            } else if (c.argIs(a, "byradius") && i + 2 < remaining && search && !q.byBox) {
                if (!radius(c, a + 1, q)) {
                    return false;
                }
                q.byRadius = true;
                i += 2;
            } else if (c.argIs(a, "bybox") && i + 3 < remaining && search && !q.byRadius) {
                if (!box(c, a + 1, q)) {
                    return false;
                }
                q.byBox = true;
                i += 3;
            } else {
                c.reply().error(Errors.SYNTAX);
                return false;
            }
        }
        return true;
    }

    private static void reply(Call c, Request q, List<GeoSearch.Point> found, int returned) {
        int options = (q.withDist ? 1 : 0) + (q.withCoord ? 1 : 0) + (q.withHash ? 1 : 0);
        c.reply().array(returned);
        for (int i = 0; i < returned; i++) {
            GeoSearch.Point p = found.get(i);
            if (options > 0) {
                c.reply().array(options + 1);
            }
            c.reply().bulk(p.member());
            if (q.withDist) {
                distance(c, p.dist() / q.conversion);
            }
            if (q.withHash) {
                c.reply().integer((long) p.score());
            }
            if (q.withCoord) {
                c.reply().array(2);
                coordinate(c, p.lon());
                coordinate(c, p.lat());
            }
        }
    }

    /** STORE / STOREDIST / GEOSEARCHSTORE: the matches become a sorted set, replacing the key. */
    private static void store(Call c, Request q, List<GeoSearch.Point> found, int returned, String event) {
        if (returned == 0) {
            FamilyUtil.deleteTarget(c, q.storeKey);
            c.reply().integer(0);
            return;
        }
        ZSetValue dst = ZSetValue.skiplist(returned);
        for (int i = 0; i < returned; i++) {
            GeoSearch.Point p = found.get(i);
            dst.put(p.member(), q.storeDist ? p.dist() / q.conversion : p.score(), Long.MAX_VALUE, Long.MAX_VALUE);
        }
        dst.maybeToListpack(ZSetFamily.maxEntries(c), ZSetFamily.maxValue(c));
        ZSetFamily.store(c, q.storeKey, dst, event);
        c.reply().integer(returned);
    }

}
