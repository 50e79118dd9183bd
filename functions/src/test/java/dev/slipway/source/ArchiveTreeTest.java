package dev.slipway.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.engine.SourceArchives;
import dev.slipway.release.SourceTree;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;

class ArchiveTreeTest {
  static final LocalDate TODAY = LocalDate.of(2026, 11, 27);

  static Map<String, String> goodTree(String prefix) {
    Map<String, String> files = new LinkedHashMap<>();
    files.put(
        prefix + "slipway.json", "{\"service\": \"hello-go\", \"deploy\": {\"bakeSeconds\": 120}}");
    files.put(prefix + "go.mod", "module example.com/hello-go\n\ngo 1.22\n");
    files.put(prefix + "main.go", "package main\n\nfunc main() {}\n");
    files.put(prefix + "internal/x/x.go", "package x\n");
    return files;
  }

  static byte[] zip(Map<String, String> files) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(out)) {
      for (var e : files.entrySet()) {
        zip.putNextEntry(new ZipEntry(e.getKey()));
        zip.write(e.getValue().getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
      }
    }
    return out.toByteArray();
  }

  interface TarWriter {
    void write(TarArchiveOutputStream tar) throws IOException;
  }

  static byte[] tarGz(TarWriter writer) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(out))) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      writer.write(tar);
    }
    return out.toByteArray();
  }

  static void file(TarArchiveOutputStream tar, String name, String content) throws IOException {
    byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
    TarArchiveEntry entry = new TarArchiveEntry(name);
    entry.setSize(bytes.length);
    tar.putArchiveEntry(entry);
    tar.write(bytes);
    tar.closeArchiveEntry();
  }

  /** The upload check's reading and planning, for either format the reader knows. */
  static SourceArchives.Checked check(byte[] archive, String key) {
    return SourceCheck.checkArchive(
        new ByteArrayInputStream(archive),
        ArchiveTree.formatOf(key).orElseThrow(),
        "hello-go-000000000000",
        TODAY);
  }

  @Test
  void aTarGzUpload_isRefused_becauseTheBuildExtractsOnlyZips() throws IOException {
    byte[] archive =
        tarGz(
            tar -> {
              for (var e : goodTree("").entrySet()) {
                file(tar, e.getKey(), e.getValue());
              }
            });

    assertThat(
            SourceCheck.check(
                    new ByteArrayInputStream(archive),
                    "sources/hello-go/a.tar.gz",
                    "hello-go-000000000000",
                    TODAY)
                .invalidReason())
        .isEqualTo(
            "sources/hello-go/a.tar.gz is a tar.gz: the build extracts only .zip sources"
                + " (slipway push uploads a zip)");
    assertThat(
            SourceCheck.check(
                    new ByteArrayInputStream(zip(goodTree(""))),
                    "sources/hello-go/a.zip",
                    "hello-go-000000000000",
                    TODAY)
                .invalidReason())
        .isNull();
  }

  @Test
  void zip_withATopDirectory_isRefusedAtUpload_asTheBuildWouldNotFindTheModule()
      throws IOException {
    // CodeBuild extracts the archive as it is: the module would sit under hello-go-main/.
    SourceArchives.Checked checked =
        check(zip(goodTree("hello-go-main/")), "sources/hello-go/a.zip");

    assertThat(checked.invalidReason())
        .startsWith("the archive's files are all under hello-go-main/")
        .contains("pack the directory's contents");
  }

  @Test
  void tarGz_atTheRoot_isChecked() throws IOException {
    byte[] archive =
        tarGz(
            tar -> {
              for (var e : goodTree("./").entrySet()) {
                file(tar, e.getKey(), e.getValue());
              }
            });

    assertThat(check(archive, "sources/hello-go/a.tar.gz").config()).isNotNull();
  }

  @Test
  void badManifestInsideTheArchive_givesEveryProblemAsTheReason() throws IOException {
    Map<String, String> files = goodTree("");
    files.put("slipway.json", "{\"service\": \"Bad\", \"targets\": [\"plan9/amd64\"]}");

    assertThat(check(zip(files), "sources/hello-go/a.zip").invalidReason())
        .startsWith(
            "slipway.json: service: 'Bad' is not a service name; slipway.json: targets[0]: 'plan9/amd64'");
  }

  @Test
  void pathTraversal_isRefused() throws IOException {
    Map<String, String> files = goodTree("");
    files.put("../../etc/cron.d/evil", "* * * * * root sh");

    assertThat(check(zip(files), "sources/hello-go/a.zip").invalidReason())
        .isEqualTo("archive entry '../../etc/cron.d/evil' climbs out of the tree with ..");
  }

  @Test
  void absolutePaths_inZipsAreRefused_andInTarsAreReadAsRelative() throws IOException {
    Map<String, String> files = goodTree("");
    files.put("/etc/passwd", "root");
    assertThat(check(zip(files), "sources/hello-go/a.zip").invalidReason())
        .isEqualTo("archive entry '/etc/passwd' has an absolute path");

    // The tar reader strips a leading '/', as GNU tar does: the entry lands inside the tree.
    byte[] archive =
        tarGz(
            tar -> {
              for (var e : goodTree("/").entrySet()) {
                file(tar, e.getKey(), e.getValue());
              }
            });
    assertThat(check(archive, "sources/hello-go/a.tgz").config()).isNotNull();
  }

  @Test
  void aManifestThatIsASymlink_isNeverFollowed() throws IOException {
    byte[] archive =
        tarGz(
            tar -> {
              file(tar, "go.mod", "module m\n");
              file(tar, "main.go", "package main\n");
              TarArchiveEntry link =
                  new TarArchiveEntry("slipway.json", TarArchiveEntry.LF_SYMLINK);
              link.setLinkName("/etc/passwd");
              tar.putArchiveEntry(link);
              tar.closeArchiveEntry();
            });

    assertThat(check(archive, "sources/hello-go/a.tar.gz").invalidReason())
        .isEqualTo(
            "archive entry slipway.json is a symbolic link; uploaded archives may hold no links");
  }

  @Test
  void aZipSymlink_recordedOnlyInTheCentralDirectory_isRefused() throws IOException {
    // unzip (and CodeBuild) creates a link from the central directory's Unix mode.
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    try (var zip = new org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream(out)) {
      for (var e : goodTree("").entrySet()) {
        zip.putArchiveEntry(
            new org.apache.commons.compress.archivers.zip.ZipArchiveEntry(e.getKey()));
        zip.write(e.getValue().getBytes(StandardCharsets.UTF_8));
        zip.closeArchiveEntry();
      }
      var link = new org.apache.commons.compress.archivers.zip.ZipArchiveEntry("extra.go");
      link.setUnixMode(0120777);
      zip.putArchiveEntry(link);
      zip.write("/etc/shadow".getBytes(StandardCharsets.UTF_8));
      zip.closeArchiveEntry();
    }

    assertThat(check(out.toByteArray(), "sources/hello-go/a.zip").invalidReason())
        .isEqualTo(
            "archive entry extra.go is a symbolic link; uploaded archives may hold no links");
  }

  @Test
  void aHardLinkOutOfTheTree_isRefusedAtUpload_namingTheEntry() throws IOException {
    // `tar x` in a build would create extra.go as a link to /etc/shadow.
    byte[] archive =
        tarGz(
            tar -> {
              for (var e : goodTree("").entrySet()) {
                file(tar, e.getKey(), e.getValue());
              }
              TarArchiveEntry link = new TarArchiveEntry("extra.go", TarArchiveEntry.LF_LINK);
              link.setLinkName("/etc/shadow");
              tar.putArchiveEntry(link);
              tar.closeArchiveEntry();
            });

    assertThat(check(archive, "sources/hello-go/a.tar.gz").invalidReason())
        .isEqualTo("archive entry extra.go is a hard link; uploaded archives may hold no links");
  }

  @Test
  void zipBomb_stopsAtTheExpansionLimit() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(out)) {
      zip.putNextEntry(new ZipEntry("bomb.bin"));
      byte[] zeros = new byte[1 << 20];
      for (int i = 0; i < 300; i++) {
        zip.write(zeros);
      }
      zip.closeEntry();
    }
    assertThat(out.size()).as("small on the wire").isLessThan(2 * 1024 * 1024);

    assertThat(check(out.toByteArray(), "sources/hello-go/a.zip").invalidReason())
        .isEqualTo("archive expands beyond 268435456 bytes");
  }

  @Test
  void truncatedArchive_saysSo() throws IOException {
    byte[] archive = tarGz(tar -> file(tar, "main.go", "package main\n".repeat(5000)));
    byte[] cut = Arrays.copyOf(archive, archive.length / 2);

    assertThat(check(cut, "sources/hello-go/a.tar.gz").invalidReason())
        .startsWith("archive is truncated or corrupt: ");
  }

  @Test
  void deepNesting_isRefused() throws IOException {
    Map<String, String> files = goodTree("");
    files.put("a/".repeat(40) + "deep.go", "package deep\n");

    assertThat(check(zip(files), "sources/hello-go/a.zip").invalidReason())
        .endsWith("is nested too deeply");
  }

  @Test
  void nonUtf8Names_areRefused() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (var zip = new org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream(out)) {
      zip.setEncoding("ISO-8859-1");
      zip.setUseLanguageEncodingFlag(false);
      var entry = new org.apache.commons.compress.archivers.zip.ZipArchiveEntry("caf\u00e9.go");
      zip.putArchiveEntry(entry);
      zip.write("package main\n".getBytes(StandardCharsets.UTF_8));
      zip.closeArchiveEntry();
    }

    assertThat(check(out.toByteArray(), "sources/hello-go/a.zip").invalidReason())
        .endsWith("has a name that is not printable UTF-8");
  }

  @Test
  void notAnArchive_saysSo() {
    assertThat(
            check("hello".getBytes(StandardCharsets.UTF_8), "sources/hello-go/a.tar.gz")
                .invalidReason())
        .startsWith("archive is truncated or corrupt: ");
    assertThat(
            SourceCheck.check(
                    new ByteArrayInputStream(new byte[0]),
                    "sources/hello-go/a.rar",
                    "hello-go-000000000000",
                    TODAY)
                .invalidReason())
        .isEqualTo("sources/hello-go/a.rar is neither .zip nor .tar.gz");
  }

  @Test
  void tree_listsFilesPerDirectoryAndRefusesLargeOnes() throws Exception {
    Map<String, String> files = goodTree("");
    files.put("big.go", "x".repeat(2 * 1024 * 1024));
    ArchiveTree tree =
        ArchiveTree.read(new ByteArrayInputStream(zip(files)), "zip", ArchiveTree.Limits.DEFAULT);

    assertThat(tree.files("")).contains(java.util.List.of("go.mod", "main.go", "slipway.json"));
    assertThat(tree.files("internal/x")).contains(java.util.List.of("x.go"));
    assertThat(tree.files("nope")).isEmpty();
    assertThatThrownBy(() -> tree.read("big.go", 1024))
        .isInstanceOf(SourceTree.Refused.class)
        .hasMessageContaining("2097152 bytes");
  }

  /** Keeps the compiler from warning about an unused parameter type. */
  static OutputStream sink() {
    return OutputStream.nullOutputStream();
  }
}
