package io.ferrite.persistence.aof;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The manifest as Redis 7.0 writes and reads it (aof.c), errors included. */
class AofManifestTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aRewriteMakesTheOldBaseAndTheRewrittenIncrsHistoryAndKeepsTheNewIncr() {
        AofManifest am = AofManifest.empty().rewritten("appendonly.aof", true, 0).withNewIncr("appendonly.aof");
        assertThat(new String(am.format(), StandardCharsets.UTF_8)).isEqualTo(
            "file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n");
        AofManifest next = am.withNewIncr("appendonly.aof").rewritten("appendonly.aof", false, 1);
        assertThat(new String(next.format(), StandardCharsets.UTF_8)).isEqualTo(
            "file appendonly.aof.2.base.aof seq 2 type b\n"
                + "file appendonly.aof.1.incr.aof seq 1 type h\n"
                + "file appendonly.aof.1.base.rdb seq 1 type h\n"
                + "file appendonly.aof.2.incr.aof seq 2 type i\n");
        assertThat(next.withoutHistory().history()).isEmpty();
        assertThat(next.loadOrder()).extracting(AofManifest.Info::name)
            .containsExactly("appendonly.aof.2.base.aof", "appendonly.aof.2.incr.aof");
    }

    @Test
    void parseReadsWhatFormatWritesAndRedisQuoting() throws Exception {
        AofManifest am = AofManifest.parse(b("# comment\nfile \"a b\\x01.aof\" seq 3 type b\nfile x.1.incr.aof seq 1 type i\n"
            + "file x.2.incr.aof type i seq 2 extra field\n"));
        assertThat(am.base().name()).isEqualTo("a b\u0001.aof");
        assertThat(am.base().seq()).isEqualTo(3);
        assertThat(am.incrs()).hasSize(2);
        assertThat(new String(am.format(), StandardCharsets.UTF_8)).startsWith("file \"a b\\x01.aof\" seq 3 type b\n");
        assertThat(AofManifest.parse(am.format()).format()).isEqualTo(am.format());
        // the next incr is numbered after the last one read
        assertThat(am.withNewIncr("x").lastIncr().name()).isEqualTo("x.3.incr.aof");
    }

    @Test
    void malformedManifestsFailWithRedisWords() {
        assertThatThrownBy(() -> AofManifest.parse(b(""))).hasMessage("Found an empty AOF manifest");
        assertThatThrownBy(() -> AofManifest.parse(b("file a seq 1 type b"))).hasMessage("The AOF manifest file contains too long line");
        assertThatThrownBy(() -> AofManifest.parse(b("\n"))).hasMessage("Invalid AOF manifest file format");
        assertThatThrownBy(() -> AofManifest.parse(b("file a seq 1\n"))).hasMessage("Invalid AOF manifest file format");
        assertThatThrownBy(() -> AofManifest.parse(b("file a seq 0 type b\n"))).hasMessage("Invalid AOF manifest file format");
        assertThatThrownBy(() -> AofManifest.parse(b("file d/a seq 1 type b\n"))).hasMessage("File can't be a path, just a filename");
        assertThatThrownBy(() -> AofManifest.parse(b("file a seq 1 type b\nfile b seq 2 type b\n")))
            .hasMessage("Found duplicate base file information");
        assertThatThrownBy(() -> AofManifest.parse(b("file a seq 2 type i\nfile b seq 2 type i\n")))
            .hasMessage("Found a non-monotonic sequence number");
        assertThatThrownBy(() -> AofManifest.parse(b("file a seq 1 type x\n"))).hasMessage("Unknown AOF file type");
        assertThatThrownBy(() -> AofManifest.parse(b("file \"a seq 1 type b\n"))).hasMessage("Invalid AOF manifest file format");
        try {
            AofManifest.parse(b("file a seq 1 type x\n"));
        } catch (AofManifestException e) {
            assertThat(e.report()).containsExactly("\n*** FATAL AOF MANIFEST FILE ERROR ***\n",
                "Reading the manifest file, at line 1\n", ">>> 'file a seq 1 type x'\n", "Unknown AOF file type\n");
        }
    }
}
