package io.ferrite.persistence.rdb;

import io.ferrite.store.ValueType;
import io.ferrite.store.list.ListValue;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** An output that spills: the same bytes as one that keeps everything, never more than the spill size buffered. */
class RdbOutputSpillTest {
    @Test
    void spilledPiecesAndTheRestAreTheWholeOutput() {
        byte[] random = new byte[3_000_000];
        new Random(7).nextBytes(random);
        ListValue list = new ListValue();
        for (int i = 0; i < 100_000; i++) {
            list.pushTail(("element-" + i).getBytes(), -2);
        }
        RdbOutput whole = new RdbOutput(64);
        RdbOutput spilling = new RdbOutput(64);
        ByteArrayOutputStream spilled = new ByteArrayOutputStream();
        List<Integer> pieces = new ArrayList<>();
        spilling.spillTo((b, off, len) -> {
            spilled.write(b, off, len);
            pieces.add(len);
        }, 1 << 20);
        for (RdbOutput out : new RdbOutput[] {whole, spilling}) {
            ValueWriter.write(out, ValueType.STRING, random, Limits.DEFAULTS, "k1".getBytes());
            ValueWriter.write(out, ValueType.LIST, list, Limits.DEFAULTS, "k2".getBytes());
            out.writeString("tail".getBytes());
        }
        spilled.writeBytes(spilling.toByteArray());
        assertThat(spilled.toByteArray()).isEqualTo(whole.toByteArray());
        assertThat(pieces).hasSizeGreaterThan(3).allMatch(n -> n <= 1 << 20);
        assertThat(spilling.length()).isLessThanOrEqualTo(1 << 20);
    }
}
