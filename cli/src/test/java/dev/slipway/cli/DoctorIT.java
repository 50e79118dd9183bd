package dev.slipway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.aws.Emulator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** `slipway doctor` as a separate process, with the environment a user would have. */
class DoctorIT {
  @RegisterExtension static final Emulator emulator = new Emulator("us-east-1");

  record Run(int code, String out) {
    String line(String name) {
      return out.lines()
          .filter(l -> l.length() > 6 && l.substring(6).startsWith(String.format("%-13s ", name)))
          .findFirst()
          .orElseThrow(() -> new AssertionError("no line for " + name + " in\n" + out));
    }
  }

  static Run doctor(Map<String, String> env, String... args) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(SlipwayJarIT.javaBin(), "-jar", System.getProperty("slipway.jar"), "doctor"));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().keySet().removeIf(k -> k.startsWith("AWS_") || k.startsWith("SLIPWAY_"));
    builder.environment().putAll(env);
    Process p = builder.start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Run(p.exitValue(), out);
  }

  @Test
  void onThisMachine_everyLocalPrerequisiteIsThere_andAwsIsOptional(@TempDir Path home)
      throws Exception {
    Run run =
        doctor(Map.of("SLIPWAY_CACHE", home.resolve("cache").toString(), "HOME", home.toString()));

    assertThat(run.code()).as(run.out()).isZero();
    assertThat(run.line("java")).startsWith("ok");
    assertThat(run.line("go")).startsWith("ok").contains("go1.");
    assertThat(run.line("node")).startsWith("ok");
    assertThat(run.line("registry"))
        .startsWith("--")
        .contains("slipway local installs it on first use (go install");
    assertThat(run.line("aws")).startsWith("--").contains("needed only against AWS");
    assertThat(run.out()).endsWith("doctor: everything a command needs is in place\n");
  }

  @Test
  void withoutGo_saysSo_andFails(@TempDir Path home) throws Exception {
    // A PATH with python3 and node but no go (python3 itself, not a version manager's shim).
    Path bin = Files.createDirectories(home.resolve("bin"));
    String python = DoctorCommand.firstLine("python3", "-c", "import sys; print(sys.executable)");
    Files.createSymbolicLink(bin.resolve("python3"), Path.of(python));
    for (String tool : List.of("node", "npm")) {
      Files.createSymbolicLink(
          bin.resolve(tool), Path.of(dev.slipway.emulator.ManagedProcess.find(tool)));
    }
    Run run =
        doctor(
            Map.of(
                "PATH", bin.toString(),
                "HOME", home.toString(),
                "SLIPWAY_CACHE", home.resolve("cache").toString()));

    assertThat(run.code()).as(run.out()).isEqualTo(1);
    assertThat(run.line("go")).startsWith("FAIL").contains("not found");
    assertThat(run.out()).contains("doctor: 1 problem(s)");
  }

  @Test
  void withABucket_checksTheBucket_theSteeringUrl_andThatInspectorScans(@TempDir Path home)
      throws Exception {
    emulator.reset();
    emulator.aws().s3().createBucket(r -> r.bucket("slipway-sources"));
    Map<String, String> env =
        Map.of(
            "HOME", home.toString(),
            "AWS_ACCESS_KEY_ID", "AKIAEXAMPLE",
            "AWS_SECRET_ACCESS_KEY", "secret",
            "AWS_REGION", "us-east-1",
            "AWS_ENDPOINT_URL", emulator.endpoint());

    Run basic = doctor(env, "--bucket", "slipway-sources");
    assertThat(basic.code()).as(basic.out()).isEqualTo(1);
    assertThat(basic.line("credentials")).startsWith("ok");
    assertThat(basic.line("bucket")).startsWith("ok").contains("s3://slipway-sources reachable");
    assertThat(basic.line("steering")).startsWith("FAIL").contains("SteeringUrl");
    assertThat(basic.line("scanning")).startsWith("FAIL").contains("not ENHANCED");

    emulator
        .aws()
        .ecr()
        .putRegistryScanningConfiguration(
            r ->
                r.scanType("ENHANCED")
                    .rules(
                        rule ->
                            rule.scanFrequency("CONTINUOUS_SCAN")
                                .repositoryFilters(f -> f.filter("*").filterType("WILDCARD"))));
    Run ready =
        doctor(env, "--bucket", "slipway-sources", "--steering-url", "https://x.lambda-url.aws/");
    assertThat(ready.code()).as(ready.out()).isZero();
    assertThat(ready.line("scanning")).startsWith("ok");

    Run missing = doctor(env, "--bucket", "no-such-bucket");
    assertThat(missing.line("bucket")).startsWith("FAIL");
  }
}
