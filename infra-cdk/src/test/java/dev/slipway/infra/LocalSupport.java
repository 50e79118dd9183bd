package dev.slipway.infra;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.cli.Slipway;
import dev.slipway.json.Json;
import dev.slipway.local.LocalRuntime;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** What the local end-to-end tests share: the template, the example, and running `slipway`. */
final class LocalSupport {
  static final Path ROOT = Path.of(System.getProperty("slipway.root", ".."));
  static final Path EXAMPLE = ROOT.resolve("examples/hello-go");
  static final Path TEMPLATE =
      Path.of(System.getProperty("slipway.templateDir", "target/templates"))
          .resolve("SlipwayPipeline.template.json");

  private LocalSupport() {}

  /** What one `slipway` run printed and returned. */
  record Run(int code, List<String> out, String err) {
    String text() {
      return String.join("\n", out);
    }
  }

  /** `slipway push DIR --follow`, polling every half second for up to {@code seconds}. */
  static Run pushFollow(LocalRuntime runtime, Path dir, int seconds) {
    return slipway(
        runtime,
        "push",
        dir.toString(),
        "--follow",
        "--timeout",
        Integer.toString(seconds),
        "--interval",
        "0.5");
  }

  /** Runs `slipway ARGS` against {@code runtime}'s endpoint, bucket and region. */
  static Run slipway(LocalRuntime runtime, String... args) {
    String[] all = new String[args.length + 8];
    System.arraycopy(args, 0, all, 0, args.length);
    System.arraycopy(
        new String[] {
          "--bucket",
          runtime.bucket(),
          "--endpoint-url",
          runtime.endpoint(),
          "--region",
          LocalRuntime.REGION,
          "--steering-url",
          runtime.steeringUrl()
        },
        0,
        all,
        args.length,
        8);
    return run(all);
  }

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Slipway.run(args, new PrintWriter(out), new PrintWriter(err));
    return new Run(code, out.toString().lines().toList(), err.toString());
  }

  /** A copy of hello-go at {@code dir}, with {@code from} replaced by {@code to} in main.go. */
  static Path example(Path dir, String from, String to) throws IOException {
    try (Stream<Path> files = Files.walk(EXAMPLE)) {
      for (Path file : files.toList()) {
        Path target = dir.resolve(EXAMPLE.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(target);
        } else if (!file.toString().contains("/dist/")) {
          Files.copy(file, target);
        }
      }
    }
    if (from != null) {
      Path main = dir.resolve("main.go");
      String text = Files.readString(main);
      assertThat(text).contains(from);
      Files.writeString(main, text.replace(from, to));
    }
    return dir;
  }

  /** A runtime on {@code state} for {@code services} (the template synthesized by this module). */
  static LocalRuntime start(
      java.nio.file.Path state,
      List<String> services,
      java.io.PrintStream log,
      dev.slipway.local.Drill drill)
      throws Exception {
    return start(TEMPLATE, state, services, log, drill);
  }

  /** The template declaring every service the load and hostile-input drills upload. */
  static final Path DRILLS_TEMPLATE =
      TEMPLATE.resolveSibling("SlipwayPipelineDrills.template.json");

  static LocalRuntime start(
      Path template,
      java.nio.file.Path state,
      List<String> services,
      java.io.PrintStream log,
      dev.slipway.local.Drill drill)
      throws Exception {
    return LocalRuntime.start(
        LocalRuntime.Options.of(template, state, log).services(services).drill(drill).build());
  }

  /** SDK clients against {@code runtime}'s endpoints (CodeBuild's stand-in included). */
  static dev.slipway.aws.AwsClients aws(LocalRuntime runtime) {
    return new dev.slipway.aws.AwsClients(
        java.util.Map.of(
            "AWS_REGION", LocalRuntime.REGION,
            "AWS_ENDPOINT_URL", runtime.endpoint(),
            "AWS_ENDPOINT_URL_CODEBUILD", runtime.codeBuildEndpoint()),
        dev.slipway.aws.AwsClients.EMULATOR_CREDENTIALS);
  }

  /**
   * An advisory database in {@code dir} where every Go standard library has a MEDIUM finding (a
   * test fixture): under the default floor, every release waits for a person. Returns {@code dir}.
   */
  static Path mediumStdlibAdvisories(Path dir) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(
        dir.resolve("TEST-MEDIUM-STDLIB.json"),
        """
        {"id": "TEST-MEDIUM-STDLIB", "summary": "test fixture: every Go standard library is MEDIUM",
         "affected": [{"package": {"name": "stdlib", "ecosystem": "Go"},
                       "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}]}]}],
         "database_specific": {"severity": "MODERATE"}}
        """);
    return dir;
  }

  /** A zip of {@code dir}'s regular files (recursively), as `slipway push` would upload it. */
  static byte[] zip(Path dir) throws IOException {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    try (java.util.zip.ZipOutputStream z = new java.util.zip.ZipOutputStream(out);
        Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
        z.putNextEntry(new java.util.zip.ZipEntry(dir.relativize(file).toString()));
        z.write(Files.readAllBytes(file));
        z.closeEntry();
      }
    }
    return out.toByteArray();
  }

  /** Zips {@code dir} and puts it at {@code key} in the runtime's bucket; its release id. */
  static String upload(LocalRuntime runtime, String key, Path dir) throws IOException {
    try (var aws = aws(runtime)) {
      return upload(aws, runtime, key, zip(dir));
    }
  }

  /** Puts {@code archive} at {@code key} in the runtime's bucket; returns its release id. */
  static String upload(
      dev.slipway.aws.AwsClients aws, LocalRuntime runtime, String key, byte[] archive) {
    var put =
        aws.s3()
            .putObject(
                r -> r.bucket(runtime.bucket()).key(key),
                software.amazon.awssdk.core.sync.RequestBody.fromBytes(archive));
    return new dev.slipway.release.SourceRef(
            runtime.bucket(), key, put.versionId(), put.eTag().replace("\"", ""))
        .releaseId();
  }

  /** The release's state, waiting up to {@code seconds} for it to become {@code wanted}. */
  static String awaitState(LocalRuntime runtime, String releaseId, String wanted, int seconds)
      throws InterruptedException {
    String state = "";
    for (int i = 0; i < seconds * 2 && !state.equals(wanted); i++) {
      Run status = slipway(runtime, "status", releaseId, "--json");
      state =
          status.code() == 0 ? Json.parse(status.text(), "$").path("state").asText() : "unknown";
      if (!state.equals(wanted)) {
        Thread.sleep(500);
      }
    }
    return state;
  }
}
