package dev.slipway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.json.Json;
import dev.slipway.toolchain.build.ExecutableFormat;
import dev.slipway.toolchain.image.RegistryClient;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * `slipway build` and `slipway image` end to end with the real Go toolchain and a real registry:
 * hello-go for four platforms, checked by header, version stamp and reproducibility; the image
 * pushed, read back over the registry API, unpacked and run.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BuildAndImageIT {
  private static final Path HELLO = Cli.root().resolve("examples/hello-go");
  private static final String RELEASE = "hello-go-it0000000001";

  private Path tmp;
  private Path out;
  private Cli built;

  @BeforeAll
  void buildOnce(@TempDir Path dir) throws IOException {
    tmp = dir;
    out = tmp.resolve("dist");
    built =
        Cli.run(
            "build",
            copy(HELLO, tmp.resolve("src")).toString(),
            "--out",
            out.toString(),
            "--release-id",
            RELEASE);
  }

  @AfterAll
  void noStagingLeftBehind() throws IOException {
    try (Stream<Path> files = Files.list(tmp)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .noneMatch(n -> n.contains(".partial-"));
    }
  }

  static Path copy(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        Path rel = from.relativize(file);
        if (rel.startsWith("dist")) {
          continue;
        }
        Path target = to.resolve(rel.toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(target);
        } else {
          Files.copy(file, target);
        }
      }
    }
    return to;
  }

  private JsonNode report() throws IOException {
    return Json.parse(Files.readString(out.resolve("build-report.json")), "$");
  }

  @Test
  void build_producesEveryTargetWithTheRightFormatAndArchitecture() throws IOException {
    assertThat(built.code()).as(built.err()).isZero();
    assertThat(built.err())
        .contains("linux/amd64 built in")
        .contains("windows/amd64 built in")
        .contains("4 binaries for " + RELEASE);
    record Expect(String path, String format, String os, String arch) {}
    for (Expect e :
        List.of(
            new Expect("hello-go_linux_amd64/hello-go", "ELF", "linux", "amd64"),
            new Expect("hello-go_linux_arm64/hello-go", "ELF", "linux", "arm64"),
            new Expect("hello-go_darwin_arm64/hello-go", "Mach-O", "darwin", "arm64"),
            new Expect("hello-go_windows_amd64/hello-go.exe", "PE", "windows", "amd64"))) {
      Path binary = out.resolve(e.path());
      assertThat(ExecutableFormat.read(binary))
          .as(e.path())
          .contains(new ExecutableFormat.Executable(e.format(), e.os(), e.arch()));
      assertThat(new String(Files.readAllBytes(binary), StandardCharsets.ISO_8859_1))
          .as("the -X main.version stamp in %s", e.path())
          .contains(RELEASE);
    }
    JsonNode report = report();
    assertThat(report.get("goVersion").asText()).startsWith("go1.");
    assertThat(report.get("targets")).hasSize(4);
    for (JsonNode target : report.get("targets")) {
      Path binary = out.resolve(target.get("path").asText());
      assertThat(target.get("bytes").asLong()).isEqualTo(Files.size(binary));
      assertThat(target.get("sha256").asText())
          .isEqualTo(dev.slipway.toolchain.build.GoBuild.sha256(binary));
    }
    assertThat(Files.readString(out.resolve("SHA256SUMS")).lines()).hasSize(4);
    JsonNode sbom = Json.parse(Files.readString(out.resolve("sbom.cdx.json")), "$");
    assertThat(sbom.get("bomFormat").asText()).isEqualTo("CycloneDX");
    assertThat(sbom.get("components").findValuesAsText("purl"))
        .anyMatch(p -> p.startsWith("pkg:golang/stdlib@"));
  }

  @Test
  void build_fromAnotherDirectory_givesIdenticalChecksumsAndSbom() throws IOException {
    Path again = tmp.resolve("elsewhere/deeper");
    Cli second =
        Cli.run(
            "build",
            copy(HELLO, tmp.resolve("other-src/x")).toString(),
            "--out",
            again.toString(),
            "--release-id",
            RELEASE,
            "--jobs",
            "1");

    assertThat(second.code()).as(second.err()).isZero();
    assertThat(Files.readString(again.resolve("SHA256SUMS")))
        .isEqualTo(Files.readString(out.resolve("SHA256SUMS")));
    assertThat(Files.readString(again.resolve("sbom.cdx.json")))
        .isEqualTo(Files.readString(out.resolve("sbom.cdx.json")));
  }

  @Test
  void image_pushedToARealRegistry_readsBackRunsAndServes() throws Exception {
    try (RegistryProcess registry =
        RegistryProcess.start(Files.createDirectories(tmp.resolve("registry")))) {
      String ref = registry.address() + "/slipway/hello-go";
      Cli pushed = Cli.run("image", out.toString(), "--to", ref);
      assertThat(pushed.code()).as(pushed.err()).isZero();
      String digest = pushed.out().strip();
      assertThat(digest).matches("sha256:[0-9a-f]{64}");

      RegistryClient client = new RegistryClient(registry.address(), true, null);
      RegistryClient.Manifest index = client.getManifest("slipway/hello-go", RELEASE);
      assertThat(index.digest()).as("the tag names the printed index").isEqualTo(digest);
      JsonNode manifests = index.json().get("manifests");
      assertThat(manifests).hasSize(2);
      assertThat(manifests.findValuesAsText("architecture")).containsExactly("amd64", "arm64");
      assertThat(manifests.findValuesAsText("os")).containsOnly("linux");

      // The SBOM is attached to the image: distribution 3.0.0 has no referrers API, so its
      // artifact is listed under the referrers tag schema's tag, and its one layer is the SBOM.
      java.util.regex.Matcher sbom =
          java.util.regex.Pattern.compile(
                  "slipway image: SBOM (sha256:[0-9a-f]{64}) attached \\(tag (sha256-[0-9a-f]{64})\\)")
              .matcher(pushed.err());
      assertThat(sbom.find()).as(pushed.err()).isTrue();
      assertThat(sbom.group(2)).isEqualTo(digest.replace(':', '-'));
      JsonNode referrers = client.getManifest("slipway/hello-go", sbom.group(2)).json();
      assertThat(referrers.path("manifests").findValuesAsText("digest"))
          .containsExactly(sbom.group(1));
      assertThat(referrers.path("manifests").get(0).path("artifactType").asText())
          .isEqualTo("application/vnd.cyclonedx+json");
      JsonNode artifact = client.getManifest("slipway/hello-go", sbom.group(1)).json();
      assertThat(artifact.path("subject").path("digest").asText()).isEqualTo(digest);
      assertThat(
              new String(
                  client.getBlob(
                      "slipway/hello-go", artifact.path("layers").get(0).path("digest").asText()),
                  java.nio.charset.StandardCharsets.UTF_8))
          .isEqualTo(Files.readString(out.resolve("sbom.cdx.json")));
      // Pushing again adds nothing: the same SBOM is the same artifact.
      Cli repeated = Cli.run("image", out.toString(), "--to", ref);
      assertThat(repeated.code()).as(repeated.err()).isZero();
      assertThat(
              client.getManifest("slipway/hello-go", sbom.group(2)).json().path("manifests").size())
          .isEqualTo(1);

      JsonNode amd64 =
          client.getManifest("slipway/hello-go", manifests.get(0).get("digest").asText()).json();
      JsonNode config =
          Json.parse(
              new String(
                  client.getBlob("slipway/hello-go", amd64.get("config").get("digest").asText()),
                  StandardCharsets.UTF_8),
              "$");
      assertThat(config.get("architecture").asText()).isEqualTo("amd64");
      assertThat(config.get("created").asText()).isEqualTo("1970-01-01T00:00:00Z");
      assertThat(config.get("config").get("User").asText()).isEqualTo("65532:65532");
      assertThat(config.get("config").get("Entrypoint").toString()).isEqualTo("[\"/hello-go\"]");
      assertThat(config.get("config").get("ExposedPorts").has("8080/tcp")).isTrue();
      assertThat(
              config.get("config").get("Labels").get("org.opencontainers.image.version").asText())
          .isEqualTo(RELEASE);

      Path rootfs = Files.createDirectories(tmp.resolve("rootfs"));
      for (JsonNode layer : amd64.get("layers")) {
        unpack(client.getBlob("slipway/hello-go", layer.get("digest").asText()), rootfs);
      }
      assertThat(Files.readString(rootfs.resolve("etc/passwd"))).contains("nonroot:x:65532:65532:");
      assertThat(rootfs.resolve("etc/ssl/certs/ca-certificates.crt")).isNotEmptyFile();
      Path binary = rootfs.resolve("hello-go");
      assertThat(ExecutableFormat.read(binary))
          .hasValueSatisfying(e -> assertThat(e.arch()).isEqualTo("amd64"));
      if (System.getProperty("os.arch").equals("amd64")) {
        assertServes(binary);
      }

      Cli again =
          Cli.run("image", out.toString(), "--oci-layout", tmp.resolve("layout").toString());
      assertThat(again.code()).as(again.err()).isZero();
      assertThat(again.out().strip()).as("same binaries, same digest").isEqualTo(digest);
      assertThat(tmp.resolve("layout/blobs/sha256/" + digest.substring(7))).exists();
      assertThat(Files.readString(tmp.resolve("layout/index.json")))
          .contains(digest)
          .contains(RELEASE);
    }
  }

  @Test
  void image_onAPinnedBase_keepsTheBaseLayersUnderOurs() throws Exception {
    try (RegistryProcess registry =
        RegistryProcess.start(Files.createDirectories(tmp.resolve("registry-base")))) {
      Cli base = Cli.run("image", out.toString(), "--to", registry.address() + "/base/static:v1");
      assertThat(base.code()).as(base.err()).isZero();
      String baseRef = registry.address() + "/base/static@" + base.out().strip();

      Path src = copy(HELLO, tmp.resolve("src-on-base"));
      Files.writeString(
          src.resolve("slipway.json"),
          "{\"service\": \"hello-go\", \"image\": {\"base\": \"" + baseRef + "\"}}");
      Path dist = tmp.resolve("dist-on-base");
      Cli build =
          Cli.run("build", src.toString(), "--out", dist.toString(), "--release-id", "r-on-base");
      assertThat(build.code()).as(build.err()).isZero();
      Cli image =
          Cli.run("image", dist.toString(), "--to", registry.address() + "/slipway/on-base");
      assertThat(image.code()).as(image.err()).isZero();

      RegistryClient client = new RegistryClient(registry.address(), true, null);
      JsonNode index = client.getManifest("slipway/on-base", "r-on-base").json();
      JsonNode manifest =
          client
              .getManifest("slipway/on-base", index.get("manifests").get(0).get("digest").asText())
              .json();
      assertThat(manifest.get("layers")).as("base's two layers, then the binary").hasSize(3);
      JsonNode baseIndex = client.getManifest("base/static", base.out().strip()).json();
      JsonNode baseManifest =
          client
              .getManifest("base/static", baseIndex.get("manifests").get(0).get("digest").asText())
              .json();
      assertThat(manifest.get("layers").get(0).get("digest"))
          .isEqualTo(baseManifest.get("layers").get(0).get("digest"));
    }
  }

  @Test
  void image_whenTheRegistryIsDown_failsWithOneClearLine() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Cli cli = Cli.run("image", out.toString(), "--to", "127.0.0.1:" + port + "/slipway/hello-go");

    assertThat(cli.code()).isEqualTo(1);
    assertThat(cli.out()).isEmpty();
    assertThat(cli.errLines())
        .singleElement()
        .asString()
        .startsWith("slipway image: cannot reach registry 127.0.0.1:" + port)
        .endsWith("connection refused");
  }

  @Test
  void image_whenTheRegistryRefuses_failsWithTheRegistrysReason() throws Exception {
    try (RegistryProcess registry =
        RegistryProcess.start(Files.createDirectories(tmp.resolve("registry-ro")), true)) {
      Cli cli = Cli.run("image", out.toString(), "--to", registry.address() + "/slipway/hello-go");

      assertThat(cli.code()).isEqualTo(1);
      assertThat(cli.out()).isEmpty();
      assertThat(cli.errLines())
          .singleElement()
          .asString()
          .startsWith(
              "slipway image: registry " + registry.address() + " refused to upload blob sha256:")
          .contains("(HTTP 405");
    }
  }

  @Test
  void build_askingForUpx_compressesOrWarnsWhenItIsMissing() throws IOException {
    Path src = copy(HELLO, tmp.resolve("upx-src"));
    Files.writeString(
        src.resolve("slipway.json"),
        "{\"service\": \"hello-go\", \"targets\": [\"linux/amd64\", \"darwin/arm64\"], \"compress\": \"upx\"}");
    Path dist = tmp.resolve("upx-dist");

    Cli cli = Cli.run("build", src.toString(), "--out", dist.toString(), "--release-id", "r-upx");

    assertThat(cli.code()).as(cli.err()).isZero();
    JsonNode targets =
        Json.parse(Files.readString(dist.resolve("build-report.json")), "$").get("targets");
    boolean haveUpx =
        java.util.Arrays.stream(System.getenv("PATH").split(":"))
            .anyMatch(d -> Files.isExecutable(Path.of(d, "upx")));
    if (haveUpx) {
      assertThat(targets.get(0).get("compressed").asBoolean()).isTrue();
    } else {
      assertThat(cli.err())
          .contains("warning: upx is not installed; binaries are left uncompressed");
      assertThat(targets.get(0).get("compressed").asBoolean()).isFalse();
    }
    assertThat(targets.get(1).get("compressed").asBoolean()).as("never darwin").isFalse();
  }

  @Test
  void image_withABadReferenceOrExistingLayout_isBadInput() throws IOException {
    assertThat(Cli.run("image", out.toString(), "--to", "hello-go").errLines())
        .containsExactly(
            "slipway image: --to: 'hello-go' is not registry/repository[:tag] (e.g. 127.0.0.1:5000/team/app)");
    Files.createDirectories(tmp.resolve("taken"));
    Cli taken = Cli.run("image", out.toString(), "--oci-layout", tmp.resolve("taken").toString());
    assertThat(taken.code()).isEqualTo(2);
    assertThat(
            Cli.run(
                    "image",
                    tmp.resolve("nothing-here").toString(),
                    "--oci-layout",
                    tmp.resolve("l2").toString())
                .code())
        .isEqualTo(2);
  }

  @Test
  void build_ofATreeThatDoesNotCompile_namesTheTargetShowsTheCompilerAndLeavesNoOutput()
      throws IOException {
    Path src = copy(HELLO, tmp.resolve("broken"));
    Files.writeString(
        src.resolve("broken.go"), "package main\n\nfunc broken() int { return \"nope\" }\n");
    Files.writeString(
        src.resolve("slipway.json"), "{\"service\": \"hello-go\", \"targets\": [\"linux/amd64\"]}");
    Path dist = tmp.resolve("broken-dist");

    Cli cli = Cli.run("build", src.toString(), "--out", dist.toString());

    assertThat(cli.code()).isEqualTo(1);
    assertThat(cli.err())
        .contains("slipway build: failed: linux/amd64: go build failed (exit 1)")
        .contains("broken.go:3")
        .doesNotContain("Exception");
    assertThat(dist).doesNotExist();
  }

  @Test
  void build_withBadInput_exits2BeforeBuildingAnything() throws IOException {
    Path src = copy(HELLO, tmp.resolve("bad-target"));
    Files.writeString(
        src.resolve("slipway.json"),
        "{\"service\": \"hello-go\", \"targets\": [\"linux/sparc\"], \"main\": \"./nope\"}");

    Cli cli = Cli.run("build", src.toString(), "--out", tmp.resolve("bad-dist").toString());

    assertThat(cli.code()).isEqualTo(2);
    assertThat(cli.errLines())
        .anyMatch(
            l ->
                l.startsWith(
                    "slipway build: slipway.json: targets[0]: 'linux/sparc' is not a supported platform"))
        .anyMatch(
            l ->
                l.equals(
                    "slipway build: slipway.json: main: './nope' is not a directory in the source tree"));
    assertThat(tmp.resolve("bad-dist")).doesNotExist();
    assertThat(Cli.run("build", src.toString(), "--out", out.toString()).errLines())
        .containsExactly(
            "slipway build: --out: "
                + out
                + " exists and is not empty (use --clean to replace it)");
  }

  private static void unpack(byte[] gzippedTar, Path root) throws IOException {
    try (TarArchiveInputStream tar =
        new TarArchiveInputStream(new GZIPInputStream(new ByteArrayInputStream(gzippedTar)))) {
      TarArchiveEntry entry;
      while ((entry = tar.getNextEntry()) != null) {
        Path target = root.resolve(entry.getName()).normalize();
        assertThat(target.startsWith(root))
            .as("%s stays inside the root", entry.getName())
            .isTrue();
        if (entry.isDirectory()) {
          Files.createDirectories(target);
        } else {
          Files.createDirectories(target.getParent());
          Files.write(target, tar.readAllBytes());
          if ((entry.getMode() & 0100) != 0) {
            Files.setPosixFilePermissions(
                target,
                Set.of(
                    PosixFilePermission.OWNER_READ,
                    PosixFilePermission.OWNER_EXECUTE,
                    PosixFilePermission.OWNER_WRITE));
          }
        }
      }
    }
  }

  private static void assertServes(Path binary) throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    ProcessBuilder builder = new ProcessBuilder(binary.toString()).redirectErrorStream(true);
    builder.environment().put("PORT", Integer.toString(port));
    builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    Process server = builder.start();
    try {
      HttpClient http = HttpClient.newHttpClient();
      List<Integer> codes = new ArrayList<>();
      for (int i = 0; i < 50 && !codes.contains(200); i++) {
        try {
          codes.add(
              http.send(
                      HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz"))
                          .timeout(Duration.ofSeconds(2))
                          .build(),
                      HttpResponse.BodyHandlers.discarding())
                  .statusCode());
        } catch (IOException notYet) {
          Thread.sleep(100);
        }
      }
      assertThat(codes).contains(200);
    } finally {
      server.destroy();
      server.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
