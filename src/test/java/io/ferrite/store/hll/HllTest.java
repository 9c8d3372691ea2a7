package io.ferrite.store.hll;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;

/** The HyperLogLog representation against bytes and counts taken from a real Redis 7.0.15. */
class HllTest {
    private static final long MAX = 3000;

    /** GET of a key after PFADD of e0..e199 on Redis 7.0.15 (sparse, cache invalid). */
    private static final byte[] REDIS_SPARSE_200 = HexFormat.of().parseHex(
        "48594c4c010000000000000000000080368421801980409f8408a40e88409084406c9c0190018812883884409480411c88"
        + "17884055800080407a80411d8812804075800d842a8040638440768c404684414880098040d5800980409480407e9040738040"
        + "628440a280408384405d84148040cb8407840d8040f080405e80068427844081803c844047840780404e80408f84039404844043"
        + "840c842684406e80407380404084409d84198019802a8441028c088441298010801c884060801080404b8c4052881b8040b08040"
        + "6e8040bc802b8c40f58040618c1a840380407e80408080404580088440fd80405a80406684409f8040468c108c018401841e8811"
        + "802384407d8440de84406280308812844065840784198040de84404684408b8814802988008402800a8840578041a79011842e84"
        + "4070801f840180189440f98440848c168421813c881d801380368410804089844044804147800380228040b88440bb8840468416"
        + "8040c684404980048440e680404380388c405c80405584409980268005800380405480409e88404c882e8840448040b080198408"
        + "841f880380405b841b803f804044804055800d88128440d380405988408b800290407e800784407b801d841d8040af8418840f84"
        + "4045803384404f80288440a78440768040578419844048800e9022840a80406a840d8039801380409a8828804046844044");

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static Hll addAll(Hll h, String prefix, int n) {
        for (int i = 0; i < n; i++) {
            h.add(b(prefix + i), MAX);
        }
        return h;
    }

    private static String sha256(byte[] v) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(v));
    }

    @Test
    void murmurHashMatchesRedisRegisterChoice() {
        // PFADD of a, b, c on Redis gives exactly these sparse bytes
        Hll h = Hll.empty();
        for (String e : new String[] {"a", "b", "c"}) {
            assertThat(h.add(b(e), MAX)).isEqualTo(1);
        }
        h.invalidateCache();
        assertThat(HexFormat.of().formatHex(h.bytes()))
            .isEqualTo("48594c4c01000000000000000000008060f38050b1844bfb80425a");
    }

    @Test
    void emptyHllIsOneXZeroRun() {
        byte[] v = Hll.empty().bytes();
        assertThat(HexFormat.of().formatHex(v)).isEqualTo("48594c4c010000000000000000000000" + "7fff");
        assertThat(Hll.count(v)).isZero();
        assertThat(Hll.isValid(v)).isTrue();
    }

    @Test
    void sparseEditsProduceRedisBytes() {
        Hll h = addAll(Hll.empty(), "e", 200);
        assertThat(h.dense()).isFalse();
        assertThat(h.bytes()).isEqualTo(REDIS_SPARSE_200);
    }

    @Test
    void readsRedisProducedSparseValue() {
        assertThat(Hll.isValid(REDIS_SPARSE_200)).isTrue();
        assertThat(Hll.count(REDIS_SPARSE_200)).isEqualTo(200);
        Hll h = Hll.of(REDIS_SPARSE_200);
        assertThat(h.cacheValid()).isFalse();
        assertThat(h.add(b("e5"), MAX)).isZero();
        h.cacheCardinality(200);
        assertThat(HexFormat.of().formatHex(h.bytes(), 0, 16)).isEqualTo("48594c4c01000000c800000000000000");
        assertThat(h.cacheValid()).isTrue();
        assertThat(h.cachedCardinality()).isEqualTo(200);
    }

    @Test
    void promotionToDenseMatchesRedis() throws Exception {
        Hll h = Hll.of(REDIS_SPARSE_200);
        h.cacheCardinality(200);
        addAll(h, "f", 3000);
        h.invalidateCache();
        byte[] v = h.bytes();
        assertThat(h.dense()).isTrue();
        assertThat(v).hasSize(Hll.DENSE_SIZE);
        // the dense value Redis stores after the same PFADDs (cached 200 kept in the low bytes)
        assertThat(sha256(v)).isEqualTo("0fa3a9bda49a32f6224ef80ef44c82665e094aae0730e09809d1296728768f45");
        assertThat(Hll.count(v)).isEqualTo(3208);
    }

    @Test
    void sparseLimitForcesDenseEarly() {
        Hll h = Hll.empty();
        for (int i = 0; i < 30; i++) {
            h.add(b("e" + i), 40);
        }
        assertThat(h.dense()).isTrue();
        assertThat(Hll.count(h.bytes())).isEqualTo(30);
    }

    @Test
    void largeCardinalitiesAndUnionMatchRedis() {
        Hll a = addAll(addAll(Hll.of(REDIS_SPARSE_200), "f", 3000), "nothing", 0);
        Hll x = addAll(Hll.empty(), "x", 100_000);
        assertThat(Hll.count(x.bytes())).isEqualTo(100903);
        byte[] max = new byte[Hll.REGISTERS];
        assertThat(Hll.mergeInto(a.bytes(), max)).isTrue();
        assertThat(Hll.mergeInto(x.bytes(), max)).isTrue();
        assertThat(Hll.countRegisters(max)).isEqualTo(104098);
    }

    @Test
    void corruptValuesAreDetected() {
        byte[] shortRun = HexFormat.of().parseHex("48594c4c010000000000000000000080" + "7ffe");
        assertThat(Hll.isValid(shortRun)).isTrue();
        assertThat(Hll.count(shortRun)).isEqualTo(-1);
        assertThat(Hll.mergeInto(shortRun, new byte[Hll.REGISTERS])).isFalse();
        assertThat(Hll.of(shortRun).toDense()).isFalse();
        assertThat(Hll.isValid(b("HYLL"))).isFalse();
        assertThat(Hll.isValid(b("HYLX\u0001\0\0\0\0\0\0\0\0\0\0\0\u007f\u00ff"))).isFalse();
        byte[] badEncoding = Hll.empty().bytes();
        badEncoding[4] = 2;
        assertThat(Hll.isValid(badEncoding)).isFalse();
        byte[] shortDense = Hll.empty().bytes();
        shortDense[4] = 0;
        assertThat(Hll.isValid(shortDense)).isFalse();
    }

    @Test
    void manyZeroRunsAreCorruptNotOverflow() {
        byte[] v = new byte[Hll.HEADER + 2 * 300_000];
        System.arraycopy(Hll.empty().bytes(), 0, v, 0, Hll.HEADER);
        for (int p = Hll.HEADER; p < v.length; p += 2) {
            v[p] = 0x7f;
            v[p + 1] = (byte) 0xff;
        }
        v[v.length - 2] = (byte) 0x80; // a VAL at the very end, far past the last register
        v[v.length - 1] = (byte) 0x80;
        assertThat(Hll.count(v)).isEqualTo(-1);
        assertThat(Hll.mergeInto(v, new byte[Hll.REGISTERS])).isFalse();
        assertThat(Hll.of(v).toDense()).isFalse();
    }

    @Test
    void denseRegistersRoundTrip() {
        byte[] v = new byte[Hll.DENSE_SIZE];
        for (int i = 0; i < Hll.REGISTERS; i++) {
            Hll.setRegister(v, i, (i * 7) & 63);
        }
        for (int i = 0; i < Hll.REGISTERS; i++) {
            assertThat(Hll.register(v, i)).isEqualTo((i * 7) & 63);
        }
    }

    @Test
    void estimatorEdges() {
        assertThat(HllEstimator.sigma(1.0)).isInfinite();
        assertThat(HllEstimator.tau(1.0)).isZero();
        assertThat(HllEstimator.tau(0.0)).isZero();
        assertThat(HllEstimator.tau(0.5)).isPositive();
    }
}
