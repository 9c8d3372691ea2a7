package io.ferrite.persistence.rdb;

import io.ferrite.store.ValueType;
import io.ferrite.store.hash.HashValue;
import io.ferrite.store.list.ListValue;
import io.ferrite.testing.CatchPanics;
import io.ferrite.testing.CatchPanics.Panicked;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Listpack hashes and quicklist lists under sanitize-dump-payload yes and no: a bad listpack
 * header is refused either way (lpValidateIntegrity checks it even without deep validation); a
 * bad element is refused with "yes", and with "no" the value is kept until a command reads it,
 * which ends the server as Redis's listpack code does.
 */
@ExtendWith(CatchPanics.class)
class UnsanitizedListpackTest {
    private static final Limits CHECKED = new Limits(-2, 128, 64, 512, 128, 64, false, true);
    private static final Limits TRUSTING = new Limits(-2, 128, 64, 512, 128, 64, false, false);



    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Where the (uncompressed, short) listpack of a one-node payload starts: after its 1-byte length at {@code lenAt}. */
    private static byte[] corruptLastBacklen(byte[] payload, int lenAt) {
        byte[] p = payload.clone();
        int len = p[lenAt] & 0x3F;
        int end = lenAt + 1 + len - 1; // the listpack's end byte
        p[end - 1] = 0x55; // the last element's backlen
        return p;
    }

    private static byte[] corruptHeader(byte[] payload, int lenAt) {
        byte[] p = payload.clone();
        p[lenAt + 1]++; // the listpack's total-bytes field
        return p;
    }

    private static byte[] hashPayload() {
        HashValue h = new HashValue();
        h.set(b("a"), b("1"));
        h.set(b("b"), b("2"));
        return DumpPayload.create(ValueType.HASH, h, CHECKED);
    }

    private static byte[] listPayload() {
        ListValue l = new ListValue();
        l.pushTail(b("x"), -2);
        l.pushTail(b("y"), -2);
        return DumpPayload.create(ValueType.LIST, l, CHECKED);
    }

    @Test
    void aHashWithABadElementIsKeptUntilReadWithoutSanitizing() throws Exception {
        byte[] p = hashPayload();
        assertThat(p[0]).isEqualTo((byte) RdbType.HASH_LISTPACK);
        assertThat(((HashValue) DumpPayload.load(p, TRUSTING).value()).corruption()).isNull();
        byte[] bad = corruptLastBacklen(p, 1);
        assertThatThrownBy(() -> DumpPayload.load(bad, CHECKED)).isInstanceOf(RdbFormatException.class);
        HashValue h = (HashValue) DumpPayload.load(bad, TRUSTING).value();
        assertThat(h.corruption()).as("found corrupt, to end the server when read").isNotNull();
        for (Limits l : new Limits[] {CHECKED, TRUSTING}) {
            assertThatThrownBy(() -> DumpPayload.load(corruptHeader(p, 1), l))
                .isInstanceOf(RdbFormatException.class).hasMessageContaining("Hash listpack integrity check failed");
        }
    }

    @Test
    void aListWithABadElementIsKeptUntilReadWithoutSanitizing() throws Exception {
        byte[] p = listPayload();
        // type, node count, container (packed), then the node's listpack
        assertThat(p[0]).isEqualTo((byte) RdbType.LIST_QUICKLIST_2);
        assertThat(((ListValue) DumpPayload.load(p, TRUSTING).value()).corruption()).isNull();
        byte[] bad = corruptLastBacklen(p, 3);
        assertThatThrownBy(() -> DumpPayload.load(bad, CHECKED)).isInstanceOf(RdbFormatException.class);
        ListValue l = (ListValue) DumpPayload.load(bad, TRUSTING).value();
        assertThat(l.corruption()).as("found corrupt, to end the server when read").isNotNull();
        for (Limits lim : new Limits[] {CHECKED, TRUSTING}) {
            assertThatThrownBy(() -> DumpPayload.load(corruptHeader(p, 3), lim))
                .isInstanceOf(RdbFormatException.class).hasMessageContaining("Listpack integrity check failed");
        }
    }
}
