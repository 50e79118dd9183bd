package dev.slipway.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.aws.AwsClients;
import dev.slipway.json.Json;
import dev.slipway.local.LocalRuntime;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 6, check 8: `slipway local` (the real command, as its own process) is killed with SIGKILL
 * in the middle of a release — once while the compile build runs, once during the deployment's bake
 * — and started again on the same state directory; the release still ends LIVE, with no transition
 * twice, one task definition, the service answering with its id, and nothing of the killed runs
 * left running.
 */
class LocalRestartIT {
  private static final Path JAR = LocalSupport.ROOT.resolve("cli/target/slipway.jar");
  private static final Pattern TASK_PORT =
      Pattern.compile("tasks hello-go: (?:healthy|resumed) on 127\\.0\\.0\\.1:(\\d+)");

  @TempDir Path tmp;
  private final List<Process> started = new ArrayList<>();

  @AfterEach
  void stop() throws InterruptedException {
    for (Process p : started) {
      p.destroy(); // TERM: the runtime stops its emulator, registry and tasks
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
  }

  /**
   * Starts `slipway local` on {@code state}; returns once it has written its endpoints (a killed
   * run's file stays behind until the new run replaces it, so the content must change).
   */
  private Process start(Path state, int run) throws Exception {
    Path endpoints = state.resolve("local.json");
    String stale = Files.exists(endpoints) ? Files.readString(endpoints) : "";
    assertThat(JAR).as("built by the cli module (mvn package)").exists();
    Process process =
        new ProcessBuilder(
                ProcessHandle.current().info().command().orElse("java"),
                "-jar",
                JAR.toString(),
                "local",
                "--state",
                state.toString(),
                "--template",
                LocalSupport.TEMPLATE.toAbsolutePath().toString())
            .redirectOutput(tmp.resolve("local-" + run + ".out").toFile())
            .redirectError(tmp.resolve("local-" + run + ".err").toFile())
            .start();
    started.add(process);
    for (int i = 0; i < 600; i++) {
      assertThat(process.isAlive())
          .as("slipway local run %d: %s", run, read(tmp.resolve("local-" + run + ".err")))
          .isTrue();
      String now = Files.exists(endpoints) ? Files.readString(endpoints) : "";
      if (!now.isBlank() && !now.equals(stale)) {
        return process;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("slipway local did not write " + endpoints);
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : "";
    } catch (IOException e) {
      return e.toString();
    }
  }

  private static JsonNode endpoints(Path state) throws IOException {
    return Json.parse(Files.readString(state.resolve("local.json")), "$");
  }

  private static LocalSupport.Run slipway(Path state, String... args) throws IOException {
    JsonNode local = endpoints(state);
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(
        List.of(
            "--bucket",
            local.path("bucket").asText(),
            "--endpoint-url",
            local.path("endpoint").asText(),
            "--region",
            LocalRuntime.REGION));
    return LocalSupport.run(all.toArray(String[]::new));
  }

  private static String state(Path state, String releaseId) throws IOException {
    LocalSupport.Run status = slipway(state, "status", releaseId, "--json");
    return status.code() == 0 ? Json.parse(status.text(), "$").path("state").asText() : "";
  }

  /** Waits until the release is in one of {@code wanted}; returns the state it is in. */
  private static String await(Path state, String releaseId, int seconds, String... wanted)
      throws Exception {
    String now = "";
    for (int i = 0; i < seconds * 5; i++) {
      now = state(state, releaseId);
      if (List.of(wanted).contains(now)) {
        return now;
      }
      Thread.sleep(200);
    }
    return now;
  }

  private static void kill(Process process) throws InterruptedException {
    process.destroyForcibly(); // SIGKILL: no shutdown hook, nothing tidied
    assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
  }

  private static List<Long> helperPids(Path state) throws IOException {
    return Files.readAllLines(state.resolve("pids")).stream()
        .filter(l -> !l.isBlank())
        .map(l -> Long.parseLong(l.trim()))
        .toList();
  }

  @Test
  void killedDuringTheBuildAndDuringTheBake_theReleaseStillGoesLive() throws Exception {
    Path state = tmp.resolve("state");
    Process first = start(state, 1);
    LocalSupport.Run push = slipway(state, "push", LocalSupport.EXAMPLE.toString());
    assertThat(push.code()).as(push.err()).isZero();
    String releaseId = push.out().get(0);

    assertThat(await(state, releaseId, 60, "BUILDING")).isEqualTo("BUILDING");
    List<Long> firstHelpers = helperPids(state);
    kill(first);

    Process second = start(state, 2);
    assertThat(firstHelpers)
        .as("the killed run's emulator and registry are stopped by the next start")
        .allSatisfy(
            pid ->
                assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive))
                    .isNotEqualTo(java.util.Optional.of(true)));
    assertThat(read(tmp.resolve("local-2.err")))
        .contains("journaled requests replayed (0 refused)");
    assertThat(await(state, releaseId, 180, "DEPLOYING", "LIVE", "FAILED", "ROLLED_BACK"))
        .as(read(tmp.resolve("local-2.err")))
        .isEqualTo("DEPLOYING");
    // Kill again once the deployment has completed and the bake is running.
    for (int i = 0; i < 300 && !TASK_PORT.matcher(read(tmp.resolve("local-2.err"))).find(); i++) {
      Thread.sleep(100);
    }
    kill(second);

    start(state, 3);
    assertThat(await(state, releaseId, 180, "LIVE", "FAILED", "ROLLED_BACK"))
        .as(read(tmp.resolve("local-3.err")))
        .isEqualTo("LIVE");

    JsonNode status = Json.parse(slipway(state, "status", releaseId, "--json").text(), "$");
    assertThat(status.get("history").findValuesAsText("to"))
        .doesNotHaveDuplicates()
        .containsSubsequence("BUILDING", "IMAGE_READY", "DEPLOYING", "LIVE");
    try (AwsClients aws =
        new AwsClients(
            Map.of(
                "AWS_REGION",
                LocalRuntime.REGION,
                "AWS_ENDPOINT_URL",
                endpoints(state).path("endpoint").asText()),
            AwsClients.EMULATOR_CREDENTIALS)) {
      assertThat(
              aws.ecs().listTaskDefinitions(r -> r.familyPrefix("hello-go")).taskDefinitionArns())
          .as("the placeholder and exactly one registered by the release, across three runs")
          .hasSize(2);
    }
    // The third run resumed the task: it answers with the release id as its version.
    String port = null;
    for (int i = 0; i < 300 && port == null; i++) {
      Matcher m = TASK_PORT.matcher(read(tmp.resolve("local-3.err")));
      while (m.find()) {
        port = m.group(1); // the last task the third run started
      }
      if (port == null) {
        Thread.sleep(100);
      }
    }
    assertThat(port).as(read(tmp.resolve("local-3.err"))).isNotNull();
    HttpResponse<String> version =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/version"))
                    .timeout(Duration.ofSeconds(5))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(version.statusCode()).isEqualTo(200);
    assertThat(version.body()).contains("\"" + releaseId + "\"");
  }
}
