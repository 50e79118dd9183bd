package dev.slipway.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SourcePackerTest {
  @TempDir Path dir;

  void write(String path, String text) throws IOException {
    Path file = dir.resolve(path);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }

  /** Each entry's name and mode, from the central directory (where zip keeps the mode). */
  static List<String> entries(byte[] archive) throws IOException {
    List<String> names = new ArrayList<>();
    try (ZipFile zip =
        ZipFile.builder()
            .setSeekableByteChannel(
                new org.apache.commons.compress.utils.SeekableInMemoryByteChannel(archive))
            .get()) {
      for (ZipArchiveEntry e : java.util.Collections.list(zip.getEntriesInPhysicalOrder())) {
        names.add(e.getName() + " " + Integer.toOctalString(e.getUnixMode() & 0777));
        assertThat(e.isUnixSymlink()).as(e.getName() + " is a link").isFalse();
        assertThat(
                java.time.LocalDateTime.ofInstant(
                    e.getLastModifiedDate().toInstant(), java.time.ZoneId.systemDefault()))
            .isEqualTo(java.time.LocalDateTime.of(1980, 1, 1, 0, 0));
      }
    }
    return names;
  }

  @Test
  void pack_honoursSlipwayignoreAndAlwaysSkipsGitAndDist() throws Exception {
    write("go.mod", "module m\n");
    write("main.go", "package main\n");
    write(".git/HEAD", "ref\n");
    write("dist/old/binary", "x");
    write("notes/todo.md", "x");
    write("cmd/tool/main.go", "package main\n");
    write("cmd/tool/main_test.go", "package main\n");
    write("vendor/a/b.go", "package b\n");
    write("docs/deep/x.tmp", "x");
    write(
        ".slipwayignore",
        "# comments and blanks are skipped\n\nnotes/\n*_test.go\n/vendor\ndocs/**/*.tmp\n");
    Files.setPosixFilePermissions(
        dir.resolve("main.go"), PosixFilePermissions.fromString("rwxr-xr-x"));

    SourcePacker.Packed packed = SourcePacker.pack(dir);

    assertThat(entries(packed.archive()))
        .containsExactly(".slipwayignore 644", "cmd/tool/main.go 644", "go.mod 644", "main.go 755");
    assertThat(packed.files()).isEqualTo(4);
  }

  @Test
  void pack_isReproducible() throws Exception {
    write("go.mod", "module m\n");
    write("a/b.go", "package a\n");

    byte[] first = SourcePacker.pack(dir).archive();
    Files.setLastModifiedTime(
        dir.resolve("go.mod"), java.nio.file.attribute.FileTime.fromMillis(123456789));

    assertThat(SourcePacker.pack(dir).archive()).isEqualTo(first);
  }

  @Test
  void pack_refusesASymlinkOutOfTheTree_andPacksOneInsideAsItsFile() throws Exception {
    write("go.mod", "module m\n");
    write("real.go", "package main\n");
    Files.createSymbolicLink(dir.resolve("inside.go"), Path.of("real.go"));
    // The upload check refuses links (CodeBuild would create them): the file's content instead.
    assertThat(entries(SourcePacker.pack(dir).archive())).contains("inside.go 644");

    Files.createSymbolicLink(dir.resolve("secrets"), Path.of("/etc/passwd"));
    assertThatThrownBy(() -> SourcePacker.pack(dir))
        .isInstanceOf(SourcePacker.Refused.class)
        .hasMessage("secrets: a symlink that leaves the tree (to /etc/passwd)");
  }

  @Test
  void aTreeOverTheByteBound_isRefusedBeforeItIsRead() throws Exception {
    write("slipway.json", "{\"service\": \"big\"}");
    try (java.io.RandomAccessFile big =
        new java.io.RandomAccessFile(dir.resolve("big.bin").toFile(), "rw")) {
      big.setLength(SourcePacker.MAX_BYTES + 1); // sparse: nothing is written to disk
    }
    assertThatThrownBy(() -> SourcePacker.pack(dir))
        .isInstanceOf(SourcePacker.Refused.class)
        .hasMessage(
            "the tree holds more than " + SourcePacker.MAX_BYTES + " bytes (use .slipwayignore)");
  }

  @Test
  void anArchiveOverTheEnginesBound_isRefused_notUploaded() throws Exception {
    write("slipway.json", "{\"service\": \"big\"}");
    byte[] noise = new byte[64 * 1024];
    new java.util.Random(7).nextBytes(noise); // incompressible
    Files.write(dir.resolve("noise.bin"), noise);

    assertThat(SourcePacker.pack(dir, 1024 * 1024).archive().length).isGreaterThan(64 * 1024);
    assertThatThrownBy(() -> SourcePacker.pack(dir, 32 * 1024))
        .isInstanceOf(SourcePacker.Refused.class)
        .hasMessageStartingWith("the packed archive is ")
        .hasMessageEndingWith(
            " bytes; releases are built from archives up to 32768 bytes (use .slipwayignore)");
  }
}
