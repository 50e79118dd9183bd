package dev.slipway.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.aws.AwsClients;
import dev.slipway.json.Json;
import dev.slipway.local.Drill;
import dev.slipway.local.LocalRuntime;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 7's hostile-input drill, end to end: hostile uploads pushed into `slipway local` at the
 * same time as good ones. Each hostile upload ends FAILED with a reason that says what is wrong and
 * starts no build; the good ones go LIVE; the runtime stays up (a good upload after them goes LIVE
 * too); nothing is left in a dead-letter queue. (Generated variations of each are in functions'
 * HostileInputFuzzTest; mutated events in EventMutationTest.)
 */
class HostileInputIT {
  @TempDir Path tmp;

  static String manifest(String service, String extra) {
    return "{\"service\": \""
        + service
        + "\", \"targets\": [\"linux/amd64\", \"linux/arm64\"], \"deploy\": {\"bakeSeconds\": 0}"
        + extra
        + "}";
  }

  static Map<String, byte[]> goodFiles(String service, String extra) {
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put("slipway.json", manifest(service, extra).getBytes(StandardCharsets.UTF_8));
    files.put(
        "go.mod",
        ("module example.com/" + service + "\n\ngo 1.22\n").getBytes(StandardCharsets.UTF_8));
    files.put("main.go", "package main\n\nfunc main() {}\n".getBytes(StandardCharsets.UTF_8));
    return files;
  }

  static byte[] zip(Map<String, byte[]> files) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(out)) {
      for (var e : files.entrySet()) {
        ZipEntry entry = new ZipEntry(e.getKey());
        entry.setTime(1_764_547_200_000L);
        zip.putNextEntry(entry);
        zip.write(e.getValue());
        zip.closeEntry();
      }
    }
    return out.toByteArray();
  }

  /** A zip of {@code files} plus a symbolic link entry, as `zip --symlinks` makes one. */
  static byte[] zipWithLink(Map<String, byte[]> files, String linkName, String linkTarget)
      throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (var zip = new org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream(out)) {
      for (var e : files.entrySet()) {
        zip.putArchiveEntry(
            new org.apache.commons.compress.archivers.zip.ZipArchiveEntry(e.getKey()));
        zip.write(e.getValue());
        zip.closeArchiveEntry();
      }
      var link = new org.apache.commons.compress.archivers.zip.ZipArchiveEntry(linkName);
      link.setUnixMode(0120777);
      zip.putArchiveEntry(link);
      zip.write(linkTarget.getBytes(StandardCharsets.UTF_8));
      zip.closeArchiveEntry();
    }
    return out.toByteArray();
  }

  static byte[] tarGz(Map<String, byte[]> files, String linkName, String linkTarget)
      throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(out))) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (var e : files.entrySet()) {
        TarArchiveEntry entry = new TarArchiveEntry(e.getKey());
        entry.setSize(e.getValue().length);
        tar.putArchiveEntry(entry);
        tar.write(e.getValue());
        tar.closeArchiveEntry();
      }
      if (linkName != null) {
        TarArchiveEntry link = new TarArchiveEntry(linkName, TarArchiveEntry.LF_SYMLINK);
        link.setLinkName(linkTarget);
        tar.putArchiveEntry(link);
        tar.closeArchiveEntry();
      }
    }
    return out.toByteArray();
  }

  /** One hostile upload: its archive, its key's extension, and what its reason must say. */
  record Hostile(String service, byte[] archive, String extension, String reason) {}

  /** Every service this drill uploads (the drills' template declares them). */
  static final List<String> SERVICES =
      List.of(
          "good-a",
          "good-b",
          "good-c",
          "bomb",
          "traversal",
          "deep",
          "latin1",
          "truncated",
          "symlink",
          "hardlink",
          "huge-manifest",
          "nested-manifest",
          "injection");

  static List<Hostile> hostile() throws IOException {
    byte[] bomb;
    {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (ZipOutputStream zip = new ZipOutputStream(out)) {
        zip.putNextEntry(new ZipEntry("bomb.bin"));
        byte[] zeros = new byte[1 << 20];
        for (int i = 0; i < 300; i++) {
          zip.write(zeros);
        }
        zip.closeEntry();
      }
      bomb = out.toByteArray();
    }
    Map<String, byte[]> traversal = goodFiles("traversal", "");
    traversal.put(
        "../../../etc/cron.d/evil", "* * * * * root id\n".getBytes(StandardCharsets.UTF_8));
    Map<String, byte[]> deep = goodFiles("deep", "");
    deep.put("a/".repeat(40) + "deep.go", "package deep\n".getBytes(StandardCharsets.UTF_8));
    byte[] latin1;
    {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(out)) {
        zip.setEncoding("ISO-8859-1");
        zip.setUseLanguageEncodingFlag(false);
        for (var e : goodFiles("latin1", "").entrySet()) {
          zip.putArchiveEntry(new ZipArchiveEntry(e.getKey()));
          zip.write(e.getValue());
          zip.closeArchiveEntry();
        }
        zip.putArchiveEntry(new ZipArchiveEntry("caf\u00e9.go"));
        zip.write("package main\n".getBytes(StandardCharsets.UTF_8));
        zip.closeArchiveEntry();
      }
      latin1 = out.toByteArray();
    }
    Map<String, byte[]> big = goodFiles("truncated", "");
    big.put(
        "big.go",
        ("package main\n" + "// padding\n".repeat(20_000)).getBytes(StandardCharsets.UTF_8));
    byte[] truncated = zip(big);
    truncated = Arrays.copyOf(truncated, truncated.length / 2);
    Map<String, byte[]> symlink = goodFiles("symlink", "");
    symlink.remove("slipway.json");
    Map<String, byte[]> huge =
        goodFiles("huge-manifest", ", \"pad\": \"" + "x".repeat(70_000) + "\"");
    Map<String, byte[]> nested =
        goodFiles("nested-manifest", ", \"x\": " + "[".repeat(2000) + "]".repeat(2000));
    Map<String, byte[]> injection =
        goodFiles(
            "injection",
            ", \"xflags\": {\"main.commit\": \"x -X main.version=evil\"},"
                + " \"tags\": [\"$(touch /tmp/pwned)\"]");
    return List.of(
        new Hostile("bomb", bomb, "zip", "archive expands beyond"),
        new Hostile("traversal", zip(traversal), "zip", "climbs out of the tree"),
        new Hostile("deep", zip(deep), "zip", "nested too deeply"),
        new Hostile("latin1", latin1, "zip", "not printable UTF-8"),
        new Hostile("truncated", truncated, "zip", "truncated or corrupt"),
        new Hostile(
            "symlink",
            zipWithLink(symlink, "slipway.json", "/etc/passwd"),
            "zip",
            "archive entry slipway.json is a symbolic link"),
        // CodeBuild would hand a tar.gz to the build as one file: refused at upload instead.
        new Hostile(
            "hardlink",
            tarGz(goodFiles("hardlink", ""), "extra.go", "/etc/shadow"),
            "tar.gz",
            "the build extracts only .zip sources"),
        new Hostile("huge-manifest", zip(huge), "zip", "slipway.json"),
        new Hostile("nested-manifest", zip(nested), "zip", "slipway.json"),
        new Hostile("injection", zip(injection), "zip", "xflags"));
  }

  @Test
  void hostileUploads_failWithTheirReason_whileGoodOnesGoLive_andTheRuntimeStaysUp()
      throws Exception {
    List<Hostile> hostile = hostile();
    List<String> good = List.of("good-a", "good-b", "good-c");
    List<String> services = new java.util.ArrayList<>(good);
    hostile.forEach(h -> services.add(h.service()));
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    try (LocalRuntime runtime =
            LocalSupport.start(
                LocalSupport.DRILLS_TEMPLATE,
                tmp.resolve("state"),
                services,
                quiet,
                new Drill(true, 0, 0, 30, 1));
        AwsClients aws = LocalSupport.aws(runtime)) {
      Map<String, String> ids = new LinkedHashMap<>();
      // interleaved: good, hostile, good, hostile...
      int g = 0;
      for (Hostile h : hostile) {
        if (g < good.size()) {
          String s = good.get(g++);
          ids.put(s, upload(aws, runtime, s, zip(goodFiles(s, "")), "zip"));
        }
        ids.put(h.service(), upload(aws, runtime, h.service(), h.archive(), h.extension()));
      }
      org.assertj.core.api.SoftAssertions soft = new org.assertj.core.api.SoftAssertions();
      for (Hostile h : hostile) {
        String id = ids.get(h.service());
        assertThat(LocalSupport.awaitState(runtime, id, "FAILED", 60)).as(id).isEqualTo("FAILED");
        JsonNode status = status(runtime, id);
        // the reason the release failed, as `slipway status --json` shows it (and its FAILED step)
        String reason = status.path("reason").asText("");
        soft.assertThat(
                status.get("history").get(status.get("history").size() - 1).path("detail").asText())
            .isEqualTo(reason);
        soft.assertThat(reason).as("%s: %s", h.service(), status).contains(h.reason());
        soft.assertThat(reason.chars()).as("printable: %s", reason).noneMatch(c -> c < 0x20);
        soft.assertThat(status.get("history").findValuesAsText("to"))
            .as("no build started for %s", h.service())
            .doesNotContain("BUILDING");
      }
      soft.assertAll();
      for (String s : good) {
        assertThat(LocalSupport.awaitState(runtime, ids.get(s), "LIVE", 120))
            .as(s)
            .isEqualTo("LIVE");
      }
      // still up: one more good upload after all of that
      String after =
          upload(aws, runtime, "good-a", zip(goodFiles("good-a", ", \"test\": false")), "zip");
      assertThat(LocalSupport.awaitState(runtime, after, "LIVE", 120)).isEqualTo("LIVE");
      assertThat(runtime.deadLetters()).as("dead-letter queues").isEmpty();
    }
  }

  static String upload(
      AwsClients aws, LocalRuntime runtime, String service, byte[] archive, String extension) {
    return LocalSupport.upload(
        aws, runtime, "sources/" + service + "/upload." + extension, archive);
  }

  static JsonNode status(LocalRuntime runtime, String id) {
    return Json.parse(LocalSupport.slipway(runtime, "status", id, "--json").text(), "$");
  }
}
