package dev.slipway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The shaded jar, run as a separate process, the way the ./slipway launcher and CodeBuild run it.
 */
class SlipwayJarIT {
  private static final Path ROOT = Cli.root();

  record Run(int code, String out, String err) {}

  static Run slipway(String... args) throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(List.of(javaBin(), "-jar", System.getProperty("slipway.jar")));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).directory(ROOT.toFile()).start();
    process.getOutputStream().close();
    byte[] out = process.getInputStream().readAllBytes();
    byte[] err = process.getErrorStream().readAllBytes();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Run(
        process.exitValue(),
        new String(out, StandardCharsets.UTF_8),
        new String(err, StandardCharsets.UTF_8));
  }

  static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  @Test
  void jar_inspectsAnEvent() throws Exception {
    Run run = slipway("event", "inspect", "events/codebuild/build-state-compile-succeeded.json");

    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.out().strip())
        .isEqualTo(
            "{\"kind\":\"codebuild.build-state\",\"project\":\"slipway-compile\","
                + "\"buildId\":\"arn:aws:codebuild:eu-west-1:210987654321:build/slipway-compile:0d1c2b3a-4f5e-4d6c-8b7a-9f8e7d6c5b4a\","
                + "\"status\":\"SUCCEEDED\",\"releaseId\":\"hello-go-25f25853d6a0\","
                + "\"artifactSha256\":"
                + "\"9c2f6a7e1d4b8c3a5f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a\"}");
  }

  @Test
  void jar_printsOnlyWhatItMeansTo_noLoggingFrameworkWarnings() throws Exception {
    // Builds the SDK's clients (which log through SLF4J) and fails to reach the endpoint.
    Run run =
        slipway(
            "releases",
            "hello-go",
            "--bucket",
            "b",
            "--endpoint-url",
            "http://127.0.0.1:9",
            "--region",
            "us-east-1");

    assertThat(run.code()).as(run.err()).isEqualTo(1);
    assertThat(run.err()).doesNotContain("SLF4J");
    assertThat(run.err().lines().toList())
        .singleElement()
        .asString()
        .startsWith("slipway releases: ");
  }

  @Test
  void jar_malformedEvent_exits2WithOneLineAndNoStackTrace() throws Exception {
    Run run = slipway("event", "inspect", "events/malformed/truncated.json");

    assertThat(run.code()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.err().lines().toList())
        .singleElement()
        .asString()
        .startsWith("slipway event inspect: events/malformed/truncated.json: $: not JSON: ");
  }

  @Test
  void jar_demoOfADirectoryWithoutAManifest_exits2WithOneLineAndStartsNothing() throws Exception {
    Run run = slipway("demo", "docs");

    assertThat(run.code()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.err().lines().toList())
        .singleElement()
        .asString()
        .startsWith("slipway demo: DIR: docs has no slipway.json");
  }

  @Test
  void jar_plansTheExample() throws Exception {
    Run run = slipway("plan", "examples/hello-go");

    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.out()).contains("\"service\" : \"hello-go\"").contains("\"GOOS\" : \"windows\"");
  }

  @Test
  void jar_buildsAndImagesTheExample(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("dist");
    Run build =
        slipway(
            "build",
            "examples/hello-go",
            "--out",
            out.toString(),
            "--release-id",
            "jar-it",
            "--skip-tests");
    assertThat(build.code()).as(build.err()).isZero();

    Run image = slipway("image", out.toString(), "--oci-layout", tmp.resolve("layout").toString());

    assertThat(image.code()).as(image.err()).isZero();
    assertThat(image.out().strip()).matches("sha256:[0-9a-f]{64}");
    assertThat(tmp.resolve("layout/index.json")).exists();
  }

  @Test
  void jar_printsVersionAndHelp() throws Exception {
    assertThat(slipway("--version").out()).startsWith("slipway ");
    Run help = slipway("--help");
    assertThat(help.code()).isZero();
    assertThat(help.out()).contains("event").contains("plan");
  }
}
