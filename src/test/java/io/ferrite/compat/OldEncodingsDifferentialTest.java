package io.ferrite.compat;

import io.ferrite.server.Server;
import io.ferrite.testing.FerriteTest;
import io.ferrite.testing.OldRdb;
import io.ferrite.testing.OldRdbDataset;
import io.ferrite.testing.RawClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Users moving from an older Redis: RDB files of versions 7 to 9 holding the encodings Redis 5
 * and 6 (and 2.x) wrote, zipmaps, ziplists, quicklist 1, intsets and the plain forms, load into a
 * real Redis 7.0 and into Ferrite to the same keys, DEBUG DIGEST, OBJECT ENCODING after conversion
 * and TTLs; the same values as RESTORE payloads get the same replies and the same results.
 */
class OldEncodingsDifferentialTest extends FerriteTest {
    private static RedisProcess reference;

    @BeforeAll
    static void startRedis() throws Exception {
        reference = ReferenceRedis.start("older RDB encodings are compared with what a real Redis 7.0 loads");
    }

    @AfterAll
    static void stopRedis() {
        if (reference != null) {
            reference.close();
        }
    }

    /** Writes {@code file} as the server's dump.rdb and loads it with DEBUG RELOAD NOSAVE. */
    private static String load(RawClient c, byte[] file) throws Exception {
        String[] dir = c.call("CONFIG", "GET", "dir").split("\r\n");
        String[] name = c.call("CONFIG", "GET", "dbfilename").split("\r\n");
        Files.write(Path.of(dir[dir.length - 1]).resolve(name[name.length - 1]), file);
        return c.call("DEBUG", "RELOAD", "NOSAVE");
    }

    /** What a server holds after loading: per database its size, per key its digest, encoding and whether it expires. */
    private static List<String> state(RawClient c, List<String> keys) {
        List<String> out = new ArrayList<>();
        out.add("digest " + c.call("DEBUG", "DIGEST"));
        for (int db : new int[] {0, 3}) {
            c.call("SELECT", Integer.toString(db));
            out.add("db" + db + " size " + c.call("DBSIZE"));
            for (String k : keys) {
                if (c.call("EXISTS", k).equals(":0\r\n")) {
                    continue;
                }
                String ttl = c.call("PTTL", k);
                out.add(db + " " + k + " digest " + c.call("DEBUG", "DIGEST-VALUE", k)
                    + " encoding " + c.call("OBJECT", "ENCODING", k)
                    + " ttl " + (ttl.equals(":-1\r\n") ? "none" : ttl.startsWith(":-") ? ttl : "some"));
            }
        }
        c.call("SELECT", "0");
        return out;
    }

    private static List<String> allKeys() {
        List<String> keys = new ArrayList<>();
        OldRdbDataset.items().forEach(i -> keys.add(i.key()));
        OldRdbDataset.emptyItems().forEach(i -> keys.add(i.key()));
        keys.addAll(List.of("expired:seconds", "expired:millis", "db3:zipmap", "db3:intset"));
        return keys;
    }

    @Test
    void filesOfRedis5And6LoadAsRedis70LoadsThem() throws Exception {
        Server own = ownServer(Map.of());
        RawClient f = raw(own.respPort());
        try (RawClient r = new RawClient("127.0.0.1", reference.port)) {
            for (int version : new int[] {7, 8, 9}) {
                byte[] file = OldRdbDataset.file(version);
                assertThat(load(r, file)).as("Redis loads version " + version).isEqualTo("+OK\r\n");
                assertThat(load(f, file)).as("Ferrite loads version " + version).isEqualTo("+OK\r\n");
                List<String> expected = state(r, allKeys());
                assertThat(expected).as("the data set is there").hasSizeGreaterThan(OldRdbDataset.items().size());
                assertThat(state(f, allKeys())).as("version " + version).isEqualTo(expected);
            }
        }
    }

    @Test
    void oldEncodingsRestoreAsOnRedis70() {
        RawClient f = raw();
        try (RawClient r = new RawClient("127.0.0.1", reference.port)) {
            r.call("FLUSHALL");
            List<OldRdbDataset.Item> all = new ArrayList<>(OldRdbDataset.items());
            all.addAll(OldRdbDataset.emptyItems());
            int restored = 0;
            for (OldRdbDataset.Item it : all) {
                for (int version : new int[] {7, 9}) {
                    byte[] payload = OldRdb.payload(it.type(), it.value(), version);
                    String k = it.key() + ":v" + version;
                    String expected = restore(r, k, payload);
                    assertThat(restore(f, k, payload)).as(k).isEqualTo(expected);
                    if (expected.equals("+OK\r\n")) {
                        restored++;
                        assertThat(f.call("DEBUG", "DIGEST-VALUE", k)).as(k).isEqualTo(r.call("DEBUG", "DIGEST-VALUE", k));
                        assertThat(f.call("OBJECT", "ENCODING", k)).as(k).isEqualTo(r.call("OBJECT", "ENCODING", k));
                    }
                }
            }
            assertThat(restored).isEqualTo(2 * OldRdbDataset.items().size());
        }
    }

    /** RESTORE key 0 payload, the payload's bytes as they are. */
    private static String restore(RawClient c, String key, byte[] payload) {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        byte[] head = RawClient.encode("RESTORE", key, "0");
        // the command's three arguments, then a fourth: the array count goes from 3 to 4
        b.writeBytes("*4".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        b.write(head, 2, head.length - 2);
        b.writeBytes(("$" + payload.length + "\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        b.writeBytes(payload);
        b.writeBytes("\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        c.send(b.toByteArray());
        return c.readReply();
    }
}
