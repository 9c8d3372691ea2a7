package io.ferrite.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A differential run that would compare nothing fails instead of passing empty. */
class CaseSelectionTest {
  @TempDir Path dir;

  @Test
  void filterThatMatchesNothingFails() throws Exception {
    Files.writeString(dir.resolve("strings.txt"), "=== set and get\nSET a 1\nGET a\n");
    assertThat(CompatRunner.loadCases(dir, "strings.txt / set")).hasSize(1);
    assertThat(CompatRunner.loadCases(dir, null)).hasSize(1);
    assertThatThrownBy(() -> CompatRunner.loadCases(dir, "strnigs"))
        .hasMessageContaining("compat.filter 'strnigs' matches no case");
  }

  @Test
  void emptyDirectoryOrFileFails() throws Exception {
    assertThatThrownBy(() -> CompatRunner.loadCases(dir, null)).hasMessageContaining("no case in");
    assertThatThrownBy(() -> CaseFile.parse("empty.txt", List.of("# nothing yet", "")))
        .hasMessageContaining("empty.txt: no '=== case' in the file");
  }
}
