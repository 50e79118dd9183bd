package dev.slipway.toolchain.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;

class LayerTest {
  private static Layer sample(boolean reversed) {
    List<Layer.Entry> entries =
        new ArrayList<>(
            List.of(
                Layer.Entry.directory("etc", 0755),
                Layer.Entry.file(
                    "etc/passwd",
                    0644,
                    "root:x:0:0::/:/sbin/nologin\n".getBytes(StandardCharsets.UTF_8)),
                Layer.Entry.directory("tmp", 01777),
                Layer.Entry.directory("home/app", 0700).ownedBy(65532, 65532),
                Layer.Entry.file("app", 0755, new byte[] {1, 2, 3})));
    if (reversed) {
      java.util.Collections.reverse(entries);
    }
    Layer layer = new Layer();
    entries.forEach(layer::add);
    return layer;
  }

  @Test
  void build_isReproducibleWhateverTheOrderEntriesWereAdded() throws IOException {
    Layer.Built first = sample(false).build();
    Layer.Built second = sample(true).build();

    assertThat(second.blob().digest()).isEqualTo(first.blob().digest());
    assertThat(second.diffId()).isEqualTo(first.diffId());
    assertThat(first.diffId()).isNotEqualTo(first.blob().digest()).startsWith("sha256:");
  }

  @Test
  void build_writesSortedEntriesWithFixedTimesOwnersAndModes() throws IOException {
    Layer.Built built = sample(true).build();

    List<String> seen = new ArrayList<>();
    try (TarArchiveInputStream tar =
        new TarArchiveInputStream(
            new GZIPInputStream(new ByteArrayInputStream(built.blob().content())))) {
      TarArchiveEntry entry;
      while ((entry = tar.getNextEntry()) != null) {
        assertThat(entry.getModTime().getTime()).isZero();
        assertThat(entry.getUserName()).isEmpty();
        seen.add(
            entry.getName()
                + " "
                + Integer.toOctalString(entry.getMode() & 07777)
                + " "
                + entry.getLongUserId());
      }
    }
    assertThat(seen)
        .containsExactly(
            "app 755 0", "etc/ 755 0", "etc/passwd 644 0", "home/app/ 700 65532", "tmp/ 1777 0");
  }
}
