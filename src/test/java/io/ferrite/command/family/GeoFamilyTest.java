package io.ferrite.command.family;

import io.ferrite.store.geo.GeoHash;
import io.ferrite.testing.FerriteTest;
import io.ferrite.testing.RawClient;
import io.lettuce.core.GeoArgs;
import io.lettuce.core.GeoCoordinates;
import io.lettuce.core.GeoSearch;
import io.lettuce.core.GeoWithin;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.GeoUnit;
import redis.clients.jedis.params.GeoRadiusParam;
import redis.clients.jedis.resps.GeoRadiusResponse;

import java.util.List;

import static io.ferrite.testing.Replies.SYNTAX;
import static io.ferrite.testing.Replies.ZERO;
import static io.ferrite.testing.Replies.bulk;
import static io.ferrite.testing.Replies.bulks;
import static io.ferrite.testing.Replies.integer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class GeoFamilyTest extends FerriteTest {
    private void sicily() {
        assertThat(redis.geoadd("Sicily", 13.361389, 38.115556, "Palermo", 15.087269, 37.502669, "Catania"))
            .isEqualTo(2);
    }

    @Test
    void scoresAreRedisGeohashes() {
        // the score Redis 7.0 stores for Palermo
        assertThat(GeoHash.score(13.361389, 38.115556)).isEqualTo(3479099956230698L);
        double[] xy = GeoHash.decodeScore(3479099956230698.0);
        assertThat(xy[0]).isCloseTo(13.361389, within(1e-5));
        assertThat(xy[1]).isCloseTo(38.115556, within(1e-5));
        sicily();
        assertThat(redis.zscore("Sicily", "Palermo")).isEqualTo(3479099956230698.0);
        assertThat(redis.type("Sicily")).isEqualTo("zset");
    }

    @Test
    void positionsDistancesAndHashesThroughLettuce() {
        sicily();
        List<GeoCoordinates> pos = redis.geopos("Sicily", "Palermo", "nope");
        assertThat(pos.get(0).getX().doubleValue()).isCloseTo(13.361389, within(1e-5));
        assertThat(pos.get(1)).isNull();
        assertThat(redis.geodist("Sicily", "Palermo", "Catania", GeoArgs.Unit.km)).isEqualTo(166.2742);
        assertThat(redis.geodist("Sicily", "Palermo", "nope", GeoArgs.Unit.m)).isNull();
        assertThat(redis.geohash("Sicily", "Palermo").get(0).getValue()).isEqualTo("sqc8b49rny0");
    }

    @Test
    void searchesThroughLettuce() {
        sicily();
        assertThat(redis.geosearch("Sicily", GeoSearch.fromCoordinates(15, 37), GeoSearch.byRadius(200, GeoArgs.Unit.km)))
            .containsExactlyInAnyOrder("Palermo", "Catania");
        List<GeoWithin<String>> near = redis.geosearch("Sicily", GeoSearch.fromMember("Catania"),
            GeoSearch.byBox(400, 400, GeoArgs.Unit.km), new GeoArgs().withDistance().asc());
        assertThat(near).extracting(GeoWithin::getMember).containsExactly("Catania", "Palermo");
        assertThat(near.get(1).getDistance()).isEqualTo(166.2742);
        assertThat(redis.geosearchstore("dst", "Sicily", GeoSearch.fromCoordinates(15, 37),
            GeoSearch.byRadius(100, GeoArgs.Unit.km), new GeoArgs(), true)).isEqualTo(1);
        assertThat(redis.zscore("dst", "Catania")).isCloseTo(56.4413, within(1e-3));
    }

    @Test
    void georadiusThroughJedis() {
        sicily();
        Jedis j = jedis();
        List<GeoRadiusResponse> r = j.georadius("Sicily", 15, 37, 200, GeoUnit.KM,
            GeoRadiusParam.geoRadiusParam().withDist().sortAscending());
        assertThat(r).extracting(GeoRadiusResponse::getMemberByString).containsExactly("Catania", "Palermo");
        assertThat(r.get(0).getDistance()).isEqualTo(56.4413);
        assertThat(j.georadiusByMember("Sicily", "Palermo", 10, GeoUnit.KM)).hasSize(1);
    }

    @Test
    void exactRepliesAndErrors() {
        RawClient r = raw();
        r.call("GEOADD", "Sicily", "13.361389", "38.115556", "Palermo");
        assertThat(r.call("GEOPOS", "Sicily", "Palermo"))
            .isEqualTo("*1\r\n*2\r\n$20\r\n13.36138933897018433\r\n$20\r\n38.11555639549629859\r\n");
        assertThat(r.call("GEOADD", "k", "200", "100", "x"))
            .isEqualTo("-ERR invalid longitude,latitude pair 200.000000,100.000000\r\n");
        assertThat(r.call("GEODIST", "Sicily", "Palermo", "Palermo", "yd"))
            .isEqualTo("-ERR unsupported unit provided. please use M, KM, FT, MI\r\n");
        assertThat(r.call("GEOSEARCH", "Sicily", "FROMMEMBER", "nope", "BYRADIUS", "1", "km"))
            .isEqualTo("-ERR could not decode requested zset member\r\n");
        assertThat(r.call("GEORADIUS", "Sicily", "15", "37", "200", "km", "WITHDIST", "STORE", "d"))
            .isEqualTo("-ERR STORE option in GEORADIUS is not compatible with WITHDIST, WITHHASH and WITHCOORD options\r\n");
        assertThat(r.call("geosearch", "Sicily", "BYRADIUS", "1", "km", "ASC", "WITHDIST"))
            .isEqualTo("-ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for geosearch\r\n");
        assertThat(r.call("GEOADD", "k", "NX", "XX", "1", "1", "a")).isEqualTo(SYNTAX);
        r.call("SET", "s", "x");
        assertThat(r.call("GEOPOS", "s", "a")).startsWith("-WRONGTYPE");
    }

    @Test
    void storeAcrossShardsReplacesTheDestination() {
        sicily();
        redis.set("{other}dst", "string");
        RawClient r = raw();
        assertThat(r.call("GEORADIUS", "Sicily", "15", "37", "200", "km", "STOREDIST", "{other}dst")).isEqualTo(integer(2));
        assertThat(redis.type("{other}dst")).isEqualTo("zset");
        assertThat(r.call("ZSCORE", "{other}dst", "Catania")).isEqualTo(bulk("56.441257870158204"));
        assertThat(r.call("GEOSEARCHSTORE", "{other}dst", "Sicily", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "m"))
            .isEqualTo(ZERO);
        assertThat(redis.exists("{other}dst")).isZero();
    }

    @Test
    void largeSetsSearchTheSkiplist() {
        RawClient r = raw();
        for (int i = 0; i < 300; i++) {
            r.call("GEOADD", "big", Double.toString(2 + i * 0.001), "48", "p" + i);
        }
        assertThat(redis.objectEncoding("big")).isEqualTo("skiplist");
        java.util.Set<String> hits = redis.geosearch("big", GeoSearch.fromMember("p150"), GeoSearch.byRadius(230, GeoArgs.Unit.m));
        // 0.001 degrees of longitude at 48N is about 74 m: p147..p153
        assertThat(hits).containsExactlyInAnyOrder("p147", "p148", "p149", "p150", "p151", "p152", "p153");
        assertThat(r.call("GEOSEARCH", "big", "FROMMEMBER", "p150", "BYRADIUS", "10", "km", "COUNT", "1"))
            .isEqualTo(bulks("p150"));
    }
}
