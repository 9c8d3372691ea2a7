package io.ferrite.persistence.snapshot;

import io.ferrite.persistence.rdb.Limits;
import io.ferrite.persistence.rdb.RdbOutput;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The file layout around the values: parts joined per database, expiries, the CRC and what the loader refuses. */
class RdbFileFormatTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** One string key, with an optional expiry, as a shard serialises it. */
    private static byte[] record(String key, String value, long expireAt) {
        RdbOutput out = new RdbOutput(32);
        if (expireAt != -1) {
            out.writeByte(RdbFile.OPCODE_EXPIRETIME_MS);
            out.writeMillis(expireAt);
        }
        out.writeByte(0);
        out.writeString(b(key));
        out.writeString(b(value));
        return out.toByteArray();
    }

    private static ShardPart part(int databases, int db, byte[] records, long keys, long expires) {
        byte[][] r = new byte[databases][];
        long[] k = new long[databases];
        long[] e = new long[databases];
        r[db] = records;
        k[db] = keys;
        e[db] = expires;
        return new ShardPart(r, k, e);
    }

    private record Loaded(int db, String key, long expireAt) {
    }

    private static List<Loaded> load(byte[] file, long now) throws RdbLoadException {
        List<Loaded> out = new ArrayList<>();
        RdbLoader.load(file, Limits.DEFAULTS, now, 16, true,
            (db, key, v, at, idle, freq) -> out.add(new Loaded(db, new String(key, StandardCharsets.US_ASCII), at)));
        return out;
    }

    @Test
    void partsOfOneDatabaseShareOneSelectDbAndResizeDbSums() throws Exception {
        long now = 1_000_000;
        ShardPart a = part(16, 3, record("a", "1", -1), 1, 0);
        ShardPart b = part(16, 3, concat(record("b", "2", now + 5000), record("gone", "x", now - 1)), 2, 2);
        byte[] file = RdbFile.assemble(new RdbFile.Aux("7.0.15", 1, 2), List.of(a, b), true);
        assertThat(new String(file, 0, 9, StandardCharsets.US_ASCII)).isEqualTo("REDIS0010");
        int selects = 0;
        for (int i = 0; i < file.length - 3; i++) {
            if ((file[i] & 0xFF) == RdbFile.OPCODE_SELECTDB && file[i + 1] == 3 && (file[i + 2] & 0xFF) == RdbFile.OPCODE_RESIZEDB) {
                selects++;
                assertThat(file[i + 3]).isEqualTo((byte) 3);
                assertThat(file[i + 4]).isEqualTo((byte) 2);
            }
        }
        assertThat(selects).isEqualTo(1);
        // the key whose time has passed is skipped, as a master loading a file skips it
        assertThat(load(file, now)).containsExactly(new Loaded(3, "a", -1), new Loaded(3, "b", now + 5000));
    }

    @Test
    void withoutChecksumTheTrailerIsZeroAndNotChecked() throws Exception {
        byte[] file = RdbFile.assemble(new RdbFile.Aux("7.0.15", 1, 2), List.of(part(16, 0, record("k", "v", -1), 1, 0)), false);
        assertThat(Arrays.copyOfRange(file, file.length - 8, file.length)).containsOnly(0);
        assertThat(load(file, 0)).hasSize(1);
    }

    @Test
    void whatTheLoaderRefuses() {
        byte[] good = RdbFile.assemble(new RdbFile.Aux("7.0.15", 1, 2), List.of(part(16, 0, record("k", "v", -1), 1, 0)), true);
        byte[] newer = good.clone();
        newer[8] = '1';
        newer[7] = '1';
        assertThatThrownBy(() -> load(newer, 0)).hasMessage("Can't handle RDB format version 11");
        byte[] sig = good.clone();
        sig[1] = 'X';
        assertThatThrownBy(() -> load(sig, 0)).hasMessage("Wrong signature trying to load DB from file");
        assertThatThrownBy(() -> load(Arrays.copyOf(good, good.length - 3), 0))
            .hasMessage("Short read or OOM loading DB. Unrecoverable error, aborting now.");
        byte[] crc = good.clone();
        crc[crc.length - 1] ^= 1;
        assertThatThrownBy(() -> load(crc, 0)).hasMessageContaining("RDB CRC error");
        ShardPart tooHigh = part(20, 17, record("k", "v", -1), 1, 0);
        byte[] many = RdbFile.assemble(new RdbFile.Aux("7.0.15", 1, 2), List.of(tooHigh), true);
        assertThatThrownBy(() -> load(many, 0)).hasMessageContaining("configured to handle more than 16 databases");
    }

    private static byte[] concat(byte[] x, byte[] y) {
        byte[] r = Arrays.copyOf(x, x.length + y.length);
        System.arraycopy(y, 0, r, x.length, y.length);
        return r;
    }
}
