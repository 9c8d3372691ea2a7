package io.ferrite.persistence.rdb;

import io.ferrite.store.ValueType;
import io.ferrite.store.stream.StreamId;
import io.ferrite.store.stream.StreamValue;
import io.ferrite.testing.CatchPanics;
import io.ferrite.testing.CatchPanics.Panicked;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Streams under sanitize-dump-payload yes and no, as Redis 7.0's rdbLoadObject checks them: a bad
 * listpack header is refused either way; with "yes" any bad entry is refused; with "no" a bad first
 * entry ends the server at load (lpFirst's assertion; for a version 1 stream, any bad element
 * before its first live entry, which the load walks to), and a bad later entry is kept until a
 * command reads the stream, which then ends the server.
 */
@ExtendWith(CatchPanics.class)
class UnsanitizedStreamTest {
    private static final Limits CHECKED = new Limits(-2, 128, 64, 512, 128, 64, false, true);
    private static final Limits TRUSTING = new Limits(-2, 128, 64, 512, 128, 64, false, false);
    private static final int V1 = RdbType.STREAM_LISTPACKS;
    private static final int V2 = RdbType.STREAM_LISTPACKS_2;



    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** One node of three entries 1-1, 1-2, 1-3, each f=v: its key, listpack and what follows (v2 layout). */
    private record Parts(byte[] key, byte[] lp, byte[] rest) {
    }

    private static Parts parts() {
        StreamValue s = new StreamValue();
        for (int i = 1; i <= 3; i++) {
            s.append(new StreamId(1, i), new byte[][] {b("f"), b("v")}, Long.MAX_VALUE, Long.MAX_VALUE);
        }
        RdbOutput out = new RdbOutput(256, false);
        StreamCodec.write(out, s, null);
        byte[] all = out.toByteArray();
        // type, node count 1, the 16-byte node key, then the listpack's length and bytes
        byte[] key = Arrays.copyOfRange(all, 3, 19);
        int p = 19;
        int len;
        if ((all[p] & 0xC0) == 0) {
            len = all[p] & 0x3F;
            p += 1;
        } else {
            len = ((all[p] & 0x3F) << 8) | (all[p + 1] & 0xFF);
            p += 2;
        }
        return new Parts(key, Arrays.copyOfRange(all, p, p + len), Arrays.copyOfRange(all, p + len, all.length));
    }

    /** Offsets of each element's backlen byte (every element here is short). */
    private static List<Integer> backlens(byte[] lp) {
        List<Integer> at = new ArrayList<>();
        int p = 6;
        while ((lp[p] & 0xFF) != 0xFF) {
            int size = (lp[p] & 0x80) == 0 ? 1 : 1 + (lp[p] & 0x3F);
            at.add(p + size);
            p += size + 1;
        }
        return at;
    }

    private static byte[] payload(int type, Parts parts, byte[] lp) {
        RdbOutput out = new RdbOutput(256, false);
        out.writeByte(type);
        out.writeLen(1);
        out.writeString(parts.key());
        out.writeString(lp);
        if (type == V2) {
            out.writeRaw(parts.rest());
        } else {
            // length 3, last ID 1-3, no consumer groups
            out.writeLen(3);
            out.writeLen(1);
            out.writeLen(3);
            out.writeLen(0);
        }
        out.writeRaw(new byte[10]); // the footer DUMP adds (version and CRC), not read by load
        return out.toByteArray();
    }

    private static byte[] withBadBacklen(byte[] lp, int element) {
        byte[] c = lp.clone();
        c[backlens(lp).get(element)] = 0x55;
        return c;
    }

    @Test
    void aSoundStreamLoadsEitherWay() throws Exception {
        Parts p = parts();
        for (int type : new int[] {V1, V2}) {
            for (Limits l : new Limits[] {CHECKED, TRUSTING}) {
                StreamValue s = (StreamValue) DumpPayload.load(payload(type, p, p.lp()), l).value();
                assertThat(s.corruption()).isNull();
                assertThat(s.length()).isEqualTo(3);
            }
        }
    }

    @Test
    void aBadListpackHeaderIsRefusedEitherWay() {
        Parts p = parts();
        byte[] lp = p.lp().clone();
        lp[0]++;
        for (Limits l : new Limits[] {CHECKED, TRUSTING}) {
            assertThatThrownBy(() -> DumpPayload.load(payload(V2, p, lp), l))
                .isInstanceOf(RdbFormatException.class).hasMessageContaining("Stream listpack integrity check failed");
        }
    }

    @Test
    void aBadLaterEntryIsRefusedWhenSanitizingAndEndsTheServerOnItsFirstReadOtherwise() throws Exception {
        Parts p = parts();
        int last = backlens(p.lp()).size() - 1;
        byte[] lp = withBadBacklen(p.lp(), last);
        for (int type : new int[] {V1, V2}) {
            assertThatThrownBy(() -> DumpPayload.load(payload(type, p, lp), CHECKED))
                .isInstanceOf(RdbFormatException.class);
            LoadedValue v = DumpPayload.load(payload(type, p, lp), TRUSTING);
            assertThat(v.type()).isEqualTo(ValueType.STREAM);
            StreamValue s = (StreamValue) v.value();
            assertThat(s.corruption()).as("found corrupt, to end the server when read").isNotNull();
        }
    }

    @Test
    void aBadFirstEntryEndsTheServerAtLoadWithoutSanitizing() {
        Parts p = parts();
        byte[] lp = withBadBacklen(p.lp(), 0);
        for (int type : new int[] {V1, V2}) {
            assertThatThrownBy(() -> DumpPayload.load(payload(type, p, lp), CHECKED))
                .isInstanceOf(RdbFormatException.class);
            assertThatThrownBy(() -> DumpPayload.load(payload(type, p, lp), TRUSTING)).isInstanceOf(Panicked.class);
        }
    }

    @Test
    void aVersion1StreamsLoadWalksToItsFirstEntry() throws Exception {
        Parts p = parts();
        // the first entry's value: the element the load steps onto after the entry's ID
        byte[] lp = withBadBacklen(p.lp(), 8);
        assertThatThrownBy(() -> DumpPayload.load(payload(V1, p, lp), TRUSTING)).isInstanceOf(Panicked.class);
        // a version 2 stream stores its first ID: nothing is walked at load
        StreamValue s = (StreamValue) DumpPayload.load(payload(V2, p, lp), TRUSTING).value();
        assertThat(s.corruption()).as("found corrupt, to end the server when read").isNotNull();
    }
}
