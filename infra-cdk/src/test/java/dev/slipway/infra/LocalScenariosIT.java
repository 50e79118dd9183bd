package dev.slipway.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.cli.Slipway;
import dev.slipway.json.Json;
import dev.slipway.local.LocalRuntime;
import dev.slipway.release.Release;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 6's end-to-end checks against one running `slipway local`, driving the slipway command:
 * hello-go goes LIVE and serves its release id; a version whose answers go bad during the bake is
 * rolled back by the alarm while the previous release keeps answering; a version depending on a
 * module with a published HIGH advisory is BLOCKED and nothing is deployed; two pushes back to back
 * leave the newer LIVE and the older SUPERSEDED.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalScenariosIT {
  static final Path ROOT = Path.of(System.getProperty("slipway.root", ".."));
  static final Path TEMPLATE =
      Path.of(System.getProperty("slipway.templateDir", "target/templates"))
          .resolve("SlipwayPipeline.template.json");

  @TempDir Path tmp;
  final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
  LocalRuntime runtime;
  String liveRelease;

  Path state;

  @BeforeAll
  void start(@TempDir Path state) throws Exception {
    this.state = state;
    runtime =
        LocalRuntime.start(
            LocalRuntime.Options.of(
                    TEMPLATE, state, new PrintStream(logBytes, true, StandardCharsets.UTF_8))
                .services(List.of("slipway-demo/hello-go", "slipway-demo/hello-go-extra"))
                .build());
  }

  @AfterAll
  void stop() {
    if (runtime != null) {
      runtime.close();
    }
  }

  LocalSupport.Run slipway(String... args) {
    return LocalSupport.slipway(runtime, args);
  }

  Path variant(String name, String from, String to) throws Exception {
    return LocalSupport.example(tmp.resolve(name), from, to);
  }

  /** The port of hello-go's newest healthy task, from the task runner's log. */
  int taskPort() {
    return taskPort("hello-go");
  }

  /** The port of the ECS service's newest healthy task, from the task runner's log. */
  int taskPort(String service) {
    Matcher m =
        Pattern.compile("tasks " + Pattern.quote(service) + ": healthy on 127\\.0\\.0\\.1:(\\d+)")
            .matcher(logBytes.toString(StandardCharsets.UTF_8));
    int port = -1;
    while (m.find()) {
      port = Integer.parseInt(m.group(1));
    }
    return port;
  }

  static String get(int port, String path) throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(2))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    return response.statusCode() + " " + response.body();
  }

  @Test
  @Order(1)
  void helloGo_goesLive_andServesItsReleaseIdAsVersion() throws Exception {
    LocalSupport.Run push =
        LocalSupport.pushFollow(runtime, ROOT.resolve("examples/hello-go"), 180);

    assertThat(push.code()).as(String.join("\n", push.out()) + push.err()).isZero();
    liveRelease = push.out().get(0);
    int port = taskPort();
    assertThat(get(port, "/healthz")).startsWith("200 ");
    assertThat(get(port, "/version")).isEqualTo("200 {\"version\":\"" + liveRelease + "\"}\n");

    // The release commands find this runtime by its state directory alone.
    LocalSupport.Run status = LocalSupport.run("status", liveRelease, "--state", state.toString());
    assertThat(status.code()).as(status.err()).isZero();
    assertThat(status.out().get(status.out().size() - 1)).startsWith(liveRelease + " LIVE");

    // Its logs, where the awslogs driver and CodeBuild put them: the task's, then the builds'.
    List<String> taskLines = List.of();
    for (int i = 0; i < 20 && taskLines.stream().noneMatch(l -> l.contains("listening")); i++) {
      Thread.sleep(500);
      taskLines = LocalSupport.run("logs", "hello-go", "--state", state.toString()).out();
    }
    assertThat(taskLines)
        .as("slipway logs hello-go")
        .anyMatch(l -> l.contains("hello-go " + liveRelease + " listening on"));
    LocalSupport.Run builds =
        LocalSupport.run("logs", liveRelease, "--build", "--state", state.toString());
    assertThat(builds.code()).as(builds.err()).isZero();
    assertThat(builds.out())
        .anyMatch(l -> l.startsWith("[compile] ") && l.contains("slipway build: linux/amd64 built"))
        .anyMatch(l -> l.startsWith("[image] "));

    // Every request that reached "AWS" was counted by who made it and what it asked (issue 19):
    // the handlers by their function (two builds started, the ledger written with conditions),
    // Lambda's poller taking the events off the queues, and the buildspec as the build's role.
    java.util.Map<String, Long> requests = runtime.requests();
    java.util.function.Function<String, Long> handlers =
        op ->
            requests.entrySet().stream()
                .filter(e -> e.getKey().endsWith(" " + op))
                .filter(e -> !e.getKey().startsWith("runtime ") && !e.getKey().startsWith("AWS"))
                .mapToLong(java.util.Map.Entry::getValue)
                .sum();
    assertThat(handlers.apply("codebuild:StartBuild")).as("%s", requests).isEqualTo(2);
    assertThat(handlers.apply("s3:PutObject")).as("%s", requests).isPositive();
    assertThat(requests.getOrDefault("poller sqs:DeleteMessage", 0L))
        .as("%s", requests)
        .isPositive();
    assertThat(requests.keySet()).anyMatch(k -> k.startsWith("AWSCodeBuild "));
  }

  @Test
  @Order(5)
  void badInput_isRefusedClearly_andTheRuntimeKeepsServingOtherReleases() throws Exception {
    // An upload straight to S3 whose manifest is wrong: the release fails with the reason.
    Path broken = Files.createDirectories(tmp.resolve("broken"));
    Files.writeString(
        broken.resolve("slipway.json"),
        "{\"service\": \"hello-go\", \"targets\": [\"linux/sparc\"]}");
    Files.writeString(broken.resolve("go.mod"), "module m\n");
    String failed = LocalSupport.upload(runtime, "sources/hello-go/broken.zip", broken);
    assertThat(LocalSupport.awaitState(runtime, failed, "FAILED", 20)).isEqualTo("FAILED");
    assertThat(failed).isNotEmpty();
    assertThat(String.join("\n", slipway("status", failed).out()))
        .contains("'linux/sparc' is not a supported platform");

    // A tree without a manifest is refused before any upload, with exit 2.
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    assertThat(slipway("push", empty.toString()).code()).isEqualTo(2);
    // A tree over the size bound (a sparse 300 MiB file): refused before any upload, exit 2.
    Path big = LocalSupport.example(tmp.resolve("big"), null, null);
    try (java.io.RandomAccessFile blob =
        new java.io.RandomAccessFile(big.resolve("blob.bin").toFile(), "rw")) {
      blob.setLength(300L << 20);
    }
    LocalSupport.Run tooBig = slipway("push", big.toString());
    assertThat(tooBig.code()).isEqualTo(2);
    assertThat(tooBig.err()).contains("bytes (use .slipwayignore)").doesNotContain("\tat ");
    // An unreachable emulator: one clear line, exit 1.
    StringWriter err = new StringWriter();
    int code =
        Slipway.run(
            new String[] {
              "push",
              ROOT.resolve("examples/hello-go").toString(),
              "--bucket",
              runtime.bucket(),
              "--endpoint-url",
              "http://127.0.0.1:9",
              "--region",
              LocalRuntime.REGION
            },
            new PrintWriter(new StringWriter()),
            new PrintWriter(err));
    assertThat(code).isEqualTo(1);
    assertThat(err.toString()).contains("slipway push: ").doesNotContain("\tat ");

    // ...and the runtime still takes a good release all the way.
    LocalSupport.Run push =
        LocalSupport.pushFollow(runtime, ROOT.resolve("examples/hello-go"), 180);
    assertThat(push.code()).as(String.join("\n", push.out())).isZero();
  }

  @Test
  @Order(2)
  void answersGoingBadDuringTheBake_raiseTheAlarmAndRollBack_whileThePreviousReleaseKeepsAnswering()
      throws Exception {
    Path bad =
        variant(
            "bad-answers",
            "writeJSON(w, http.StatusOK, map[string]string{\"message\": \"hello from hello-go\", \"version\": version})",
            "writeJSON(w, http.StatusInternalServerError, map[string]string{\"message\": \"broken\", \"version\": version})");

    LocalSupport.Run push = LocalSupport.pushFollow(runtime, bad, 180);

    assertThat(push.code()).as(String.join("\n", push.out())).isEqualTo(13);
    assertThat(push.out().get(push.out().size() - 1)).contains("alarm hello-go-5xx entered ALARM");
    String answer = "";
    for (int i = 0; i < 60 && !answer.contains(liveRelease); i++) {
      TimeUnit.MILLISECONDS.sleep(500);
      try {
        answer = get(taskPort(), "/version");
      } catch (Exception notYet) {
        answer = "";
      }
    }
    assertThat(answer)
        .as("the previous release is back")
        .isEqualTo("200 {\"version\":\"" + liveRelease + "\"}\n");
  }

  /**
   * hello-go depending on golang.org/x/net v0.15.0 (GO-2023-2102, HIGH, published), with {@code
   * scan} as its manifest's scan policy (null: none).
   */
  Path vulnerable(String name, String scan) throws Exception {
    Path vulnerable = variant(name, "\"time\"\n)", "\"time\"\n\n\t_ \"golang.org/x/net/http2\"\n)");
    Files.writeString(
        vulnerable.resolve("go.mod"),
        "module example.com/hello-go\n\ngo 1.22\n\nrequire golang.org/x/net v0.15.0\n");
    if (scan != null) {
      ObjectNode manifest =
          (ObjectNode) Json.parse(Files.readString(vulnerable.resolve("slipway.json")), "$");
      manifest.set("scan", Json.parse(scan, "$"));
      Files.writeString(vulnerable.resolve("slipway.json"), manifest.toString());
    }
    Process tidy =
        new ProcessBuilder("go", "mod", "tidy")
            .directory(vulnerable.toFile())
            .redirectErrorStream(true)
            .start();
    String tidyOut = new String(tidy.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(tidy.waitFor()).as(tidyOut).isZero();
    return vulnerable;
  }

  @Test
  @Order(3)
  void aModuleWithAPublishedHighAdvisory_isBlocked_andNothingIsDeployed() throws Exception {
    Path vulnerable = vulnerable("vulnerable", null);
    int before = taskPort();

    LocalSupport.Run push = LocalSupport.pushFollow(runtime, vulnerable, 240);

    assertThat(push.code()).as(String.join("\n", push.out())).isEqualTo(11);
    assertThat(push.out().get(push.out().size() - 1))
        .contains("BLOCKED")
        .contains("GO-2023-2102 (HIGH)");
    assertThat(taskPort()).as("no new task").isEqualTo(before);
  }

  @Test
  @Order(4)
  void twoPushesBackToBack_theNewerGoesLiveAndTheOlderIsSuperseded() throws Exception {
    Path first = variant("first", "hello from hello-go", "hello from the first push");
    Path second = variant("second", "hello from hello-go", "hello from the second push");

    LocalSupport.Run older = slipway("push", first.toString());
    LocalSupport.Run newer = LocalSupport.pushFollow(runtime, second, 240);

    assertThat(newer.code()).as(String.join("\n", newer.out())).isZero();
    String olderId = older.out().get(0);
    assertThat(LocalSupport.awaitState(runtime, olderId, "SUPERSEDED", 20))
        .as(
            "older %s:%n%s%nnewer:%n%s",
            olderId,
            String.join("\n", slipway("status", olderId).out()),
            String.join("\n", newer.out()))
        .isEqualTo("SUPERSEDED");
    JsonNode releases =
        Json.parse(String.join("\n", slipway("releases", "hello-go", "--json").out()), "$");
    assertThat(releases.get(0).path("releaseId").asText()).isEqualTo(newer.out().get(0));
    assertThat(get(taskPort(), "/")).contains("hello from the second push");
  }

  // ---- architecture §5: the manifest cannot widen what Slipway may do ----

  @Test
  @Order(6)
  void aPolicyWeakerThanTheFloor_failsAtUpload_andBuildsNothing() throws Exception {
    Path weak = vulnerable("weak", "{\"block\": []}");
    int before = taskPort();

    LocalSupport.Run push = LocalSupport.pushFollow(runtime, weak, 60);

    assertThat(push.code()).as(String.join("\n", push.out())).isEqualTo(10);
    String status = String.join("\n", slipway("status", push.out().get(0)).out());
    assertThat(status)
        .contains("FAILED")
        .contains("slipway.json: scan.block: leaves out CRITICAL")
        .contains("scan.block: leaves out HIGH")
        .doesNotContain("BUILDING");
    assertThat(taskPort()).as("no new task").isEqualTo(before);
  }

  @Test
  @Order(7)
  void anAllowanceWithAReason_letsTheFindingThrough_andTheLedgerSaysWhichAndWhy() throws Exception {
    String until = java.time.LocalDate.now(java.time.ZoneOffset.UTC).plusDays(14).toString();
    Path allowed =
        vulnerable(
            "allowed",
            "{\"allow\": [{\"id\": \"GO-2023-2102\", \"expires\": \""
                + until
                + "\", \"reason\": \"the service serves no HTTP/2\"}]}");

    LocalSupport.Run push = LocalSupport.pushFollow(runtime, allowed, 240);

    assertThat(push.code()).as(String.join("\n", push.out())).isZero();
    JsonNode record =
        Json.parse(String.join("\n", slipway("status", push.out().get(0), "--json").out()), "$");
    assertThat(record.path("state").asText()).isEqualTo("LIVE");
    assertThat(record.path("verdict").path("allowed").get(0).asText())
        .isEqualTo("GO-2023-2102 (HIGH) allowed until " + until + ": the service serves no HTTP/2");
    assertThat(record.toString()).contains("scan passed the policy; allowed: GO-2023-2102 (HIGH)");
  }

  @Test
  @Order(8)
  void anExpiredAllowance_allowsNothing_theReleaseIsBlocked() throws Exception {
    Path expired =
        vulnerable(
            "expired",
            "{\"allow\": [{\"id\": \"GO-2023-2102\", \"expires\": \"2026-01-31\","
                + " \"reason\": \"reviewed last year\"}]}");

    LocalSupport.Run push = LocalSupport.pushFollow(runtime, expired, 240);

    assertThat(push.code()).as(String.join("\n", push.out())).isEqualTo(11);
    assertThat(push.out().get(push.out().size() - 1))
        .contains("BLOCKED")
        .contains("GO-2023-2102 (HIGH)");
  }

  @Test
  @Order(9)
  void anArchiveUnderOneServiceWhoseManifestNamesAnother_fails_namingTheField() throws Exception {
    Path other = variant("other", null, null);
    Files.writeString(other.resolve("slipway.json"), "{\"service\": \"billing\"}");
    String takeover = LocalSupport.upload(runtime, "sources/hello-go/takeover.zip", other);
    assertThat(LocalSupport.awaitState(runtime, takeover, "FAILED", 30)).isEqualTo("FAILED");
    JsonNode record =
        Json.parse(String.join("\n", slipway("status", takeover, "--json").out()), "$");
    String reason = record.path("state").asText() + ": " + record.path("reason").asText();
    assertThat(reason)
        .isEqualTo(
            "FAILED: slipway.json: service: 'billing' is not the service this archive was"
                + " uploaded for: sources/hello-go/ releases hello-go only");
  }

  /** The runtime log's last {@code lines} lines (what a failure shows). */
  String logTail(int lines) {
    List<String> all = logBytes.toString(StandardCharsets.UTF_8).lines().toList();
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  /** Polls the newest healthy task's /version until it is {@code version} (up to 60 s). */
  String awaitVersion(String version) throws Exception {
    String answer = "";
    for (int i = 0; i < 120 && !answer.contains("\"" + version + "\""); i++) {
      Thread.sleep(500);
      try {
        answer = get(taskPort(), "/version");
      } catch (java.io.IOException e) {
        answer = e.toString();
      }
    }
    return answer;
  }

  String imageOnlyRelease;
  String imageOnlyDigest;

  @Test
  @Order(10)
  void anImageBuiltElsewhere_pushedWithSlipwayImage_goesLiveWithExactlyThatDigest()
      throws Exception {
    String before = String.join("\n", slipway("releases", "hello-go", "--json").out());
    Path src = variant("elsewhere", null, null);
    Path dist = tmp.resolve("elsewhere-dist");
    LocalSupport.Run build =
        LocalSupport.run(
            "build", src.toString(), "--out", dist.toString(), "--release-id", "built-elsewhere");
    assertThat(build.code()).as(build.err()).isZero();
    LocalSupport.Run image =
        LocalSupport.run(
            "image", dist.toString(), "--to", runtime.registry() + "/slipway/hello-go:v2.0.0");
    assertThat(image.code()).as(image.err()).isZero();
    imageOnlyDigest = image.out().get(0);
    imageOnlyRelease = Release.imageOnlyId("hello-go", imageOnlyDigest);

    assertThat(LocalSupport.awaitState(runtime, imageOnlyRelease, "LIVE", 120))
        .as(() -> logTail(80))
        .isEqualTo("LIVE");
    JsonNode record =
        Json.parse(String.join("\n", slipway("status", imageOnlyRelease, "--json").out()), "$");
    assertThat(record.path("origin").asText()).isEqualTo("image");
    assertThat(record.path("imageDigest").asText()).isEqualTo(imageOnlyDigest);
    assertThat(record.path("history").get(0).path("detail").asText())
        .isEqualTo(
            "image pushed as slipway/hello-go:v2.0.0, built elsewhere (an image-only release)");
    assertThat(awaitVersion("built-elsewhere"))
        .isEqualTo("200 {\"version\":\"built-elsewhere\"}\n");
    // No source was uploaded for it: the bucket's sources are what they were.
    assertThat(before).doesNotContain(imageOnlyRelease);
    try (var aws = LocalSupport.aws(runtime)) {
      var task =
          aws.ecs()
              .describeTaskDefinition(
                  r ->
                      r.taskDefinition(
                          aws.ecs()
                              .describeServices(q -> q.cluster("slipway-demo").services("hello-go"))
                              .services()
                              .get(0)
                              .taskDefinition()));
      assertThat(task.taskDefinition().containerDefinitions().get(0).image())
          .endsWith("slipway/hello-go@" + imageOnlyDigest);
    }
  }

  @Test
  @Order(11)
  void rollback_leavesTheNewerRolledBack_theOlderLive_andTheServiceAnsweringWithTheOlder()
      throws Exception {
    assertThat(imageOnlyRelease).as("the image-only release went LIVE").isNotNull();
    JsonNode releases =
        Json.parse(String.join("\n", slipway("releases", "hello-go", "--json").out()), "$");
    String older = null;
    for (JsonNode r : releases) {
      if (r.path("state").asText().equals("LIVE")
          && !r.path("releaseId").asText().equals(imageOnlyRelease)) {
        older = r.path("releaseId").asText();
        break;
      }
    }
    assertThat(older).as(releases.toString()).isNotNull();

    LocalSupport.Run rollback = slipway("rollback", "hello-go", "--reason", "drill");
    assertThat(rollback.code()).as(rollback.err()).isZero();
    assertThat(rollback.text()).startsWith(imageOnlyRelease + " ROLLED_BACK (rolled back by arn:");

    assertThat(awaitVersion(older)).isEqualTo("200 {\"version\":\"" + older + "\"}\n");
    JsonNode after =
        Json.parse(String.join("\n", slipway("releases", "hello-go", "--json").out()), "$");
    java.util.Map<String, String> states = new java.util.HashMap<>();
    after.forEach(r -> states.put(r.path("releaseId").asText(), r.path("state").asText()));
    assertThat(states).containsEntry(imageOnlyRelease, "ROLLED_BACK").containsEntry(older, "LIVE");
    JsonNode rolledBack =
        Json.parse(String.join("\n", slipway("status", imageOnlyRelease, "--json").out()), "$");
    assertThat(rolledBack.path("reason").asText())
        .startsWith("rolled back by hand by arn:")
        .endsWith(": drill");
    // The older release records its return, and ECS runs its task definition again.
    String olderId = older;
    for (int i = 0; i < 60; i++) {
      JsonNode record =
          Json.parse(String.join("\n", slipway("status", olderId, "--json").out()), "$");
      JsonNode history = record.path("history");
      if (history.get(history.size() - 1).path("detail").asText().startsWith("live again:")) {
        break;
      }
      Thread.sleep(500);
    }
    JsonNode record = Json.parse(String.join("\n", slipway("status", older, "--json").out()), "$");
    JsonNode history = record.path("history");
    assertThat(history.get(history.size() - 1).path("detail").asText())
        .startsWith("live again: deployment ");
    // A second rollback while nothing deploys is taken; one with nothing before it says so.
    LocalSupport.Run again = slipway("rollback", "hello-go", "--to", imageOnlyRelease);
    assertThat(again.code()).isEqualTo(1);
    assertThat(again.err()).contains("is not an earlier live release of hello-go");
  }

  @Test
  @Order(12)
  void aReadinessPathTheServiceDoesNotServe_isRolledBack_andThePreviousKeepsAnswering()
      throws Exception {
    String before = get(taskPort(), "/version");
    Path src = variant("unready", null, null);
    Files.writeString(
        src.resolve("slipway.json"),
        """
        {"service": "hello-go", "targets": ["linux/amd64", "linux/arm64"],
         "health": {"liveness": "/healthz", "readiness": "/not-served",
                    "intervalSeconds": 5, "timeoutSeconds": 2, "retries": 1,
                    "startPeriodSeconds": 0},
         "deploy": {"cluster": "slipway-demo", "bakeSeconds": 5}}
        """);

    LocalSupport.Run push = LocalSupport.pushFollow(runtime, src, 240);

    assertThat(push.code()).as(push.text() + push.err()).isEqualTo(13); // ROLLED_BACK
    assertThat(push.text()).contains("deployment").contains("failed");
    assertThat(logBytes.toString(StandardCharsets.UTF_8))
        .contains("/healthz and /not-served did not both answer 200 within 5 s");
    assertThat(get(taskPort(), "/version")).isEqualTo(before);
  }

  @Test
  @Order(13)
  void aManifestNamingADockerfile_isRefusedAtUpload_neverBuiltAsSomethingElse() throws Exception {
    Path src = variant("dockerfile", null, null);
    ObjectNode manifest =
        (ObjectNode) Json.parse(Files.readString(src.resolve("slipway.json")), "$");
    manifest.putObject("dockerfile").put("path", "Dockerfile");
    Files.writeString(src.resolve("slipway.json"), manifest.toString());

    String id = LocalSupport.upload(runtime, "sources/hello-go/dockerfile.zip", src);

    assertThat(LocalSupport.awaitState(runtime, id, "FAILED", 30)).isEqualTo("FAILED");
    JsonNode record = Json.parse(String.join("\n", slipway("status", id, "--json").out()), "$");
    assertThat(record.path("reason").asText())
        .startsWith("slipway.json: dockerfile: slipway local does not build Dockerfiles");
    assertThat(record.path("history").size()).as("no build started").isEqualTo(2);
  }

  @Test
  @Order(14)
  void theWebPage_showsAReleaseGoingLive_asItHappens_inARealBrowser() throws Exception {
    org.openqa.selenium.chrome.ChromeDriver browser = Browser.start();
    try {
      browser.get(runtime.webUrl());
      // The page re-renders every second: it is read through scripts (no stale element handles).
      var wait =
          new org.openqa.selenium.support.ui.WebDriverWait(browser, Duration.ofSeconds(240))
              .pollingEvery(Duration.ofMillis(200))
              .ignoring(org.openqa.selenium.StaleElementReferenceException.class);
      wait.until(b -> text(browser, "#status").startsWith("updated"));
      List<?> before =
          (List<?>)
              browser.executeScript(
                  "return [...document.querySelectorAll('details.release')]"
                      + ".map(d => d.dataset.releaseId)");

      Path changed = variant("web", "listening on", "listening at");
      var push =
          java.util.concurrent.CompletableFuture.supplyAsync(
              () -> LocalSupport.pushFollow(runtime, changed, 240));
      // The page, never reloaded, shows the new release, then the states it passes, then LIVE.
      String id =
          wait.until(
              b ->
                  ((List<?>)
                          browser.executeScript(
                              "return [...document.querySelectorAll('details.release')]"
                                  + ".map(d => d.dataset.releaseId)"))
                      .stream()
                          .map(String::valueOf)
                          .filter(x -> !before.contains(x))
                          .findFirst()
                          .orElse(null));
      List<String> seen = new java.util.ArrayList<>();
      wait.until(
          b -> {
            String state = text(browser, "[data-state-of='" + id + "']");
            if (!state.isEmpty() && (seen.isEmpty() || !seen.get(seen.size() - 1).equals(state))) {
              seen.add(state);
            }
            return state.equals("LIVE");
          });
      assertThat(push.get(240, java.util.concurrent.TimeUnit.SECONDS).code()).isZero();
      assertThat(seen)
          .as("states the page showed for " + id)
          .hasSizeGreaterThan(1)
          .endsWith("LIVE");

      // Its timeline, build sizes and scan, opened by a click on its summary.
      String release = "details[data-release-id='" + id + "']";
      wait.until(
          b -> {
            b.findElement(org.openqa.selenium.By.cssSelector(release + " > summary")).click();
            return true;
          });
      wait.until(b -> text(browser, release).contains("linux/amd64"));
      assertThat(text(browser, release))
          .contains("BUILDING")
          .contains("DEPLOYING")
          .contains("scan")
          .contains("MiB");
      Path shot = Browser.screenshot(browser, "local-releases");
      assertThat(Files.size(shot)).isGreaterThan(10_000);

      // A release's page links its logs.
      wait.until(
          b -> {
            b.findElement(org.openqa.selenium.By.cssSelector(release + " a")).click();
            return true;
          });
      wait.until(b -> text(browser, "#builds").contains("[compile]"));
      assertThat(text(browser, "#builds")).contains("slipway build: linux/amd64 built");
      wait.until(b -> text(browser, "#tasks").contains("listening at"));
      Browser.screenshot(browser, "local-release-logs");
    } finally {
      browser.quit();
    }
  }

  /** The text of the first element {@code selector} finds (as the page shows it), or "". */
  static String text(org.openqa.selenium.chrome.ChromeDriver browser, String selector) {
    Object text =
        browser.executeScript(
            "const e = document.querySelector(arguments[0]); return e ? e.innerText : '';",
            selector);
    return text == null ? "" : text.toString();
  }

  @Test
  @Order(15)
  void theWebPage_answersOnlyItsOwnAddress_andOnlyReads() throws Exception {
    URI page = URI.create(runtime.webUrl());
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> api =
        http.send(
            HttpRequest.newBuilder(page.resolve("/api/releases")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(api.statusCode()).isEqualTo(200);
    assertThat(api.headers().firstValue("Content-Security-Policy"))
        .contains("default-src 'self'; frame-ancestors 'none'");
    assertThat(dev.slipway.json.Json.parse(api.body(), "$").path("services").isArray()).isTrue();
    HttpResponse<String> post =
        http.send(
            HttpRequest.newBuilder(page.resolve("/api/releases"))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(post.statusCode()).isEqualTo(405);
    // A page elsewhere reaching it under another name (DNS rebinding) is refused.
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", page.getPort())) {
      socket
          .getOutputStream()
          .write(
              "GET /api/releases HTTP/1.1\r\nHost: evil.example:80\r\nConnection: close\r\n\r\n"
                  .getBytes(StandardCharsets.UTF_8));
      String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(answer).startsWith("HTTP/1.1 403");
    }
  }

  /** hello-staged's manifest: staging, then production, short bakes, a readiness path. */
  Path staged(String name, String readiness) throws Exception {
    Path src = variant(name, null, null);
    Files.writeString(
        src.resolve("slipway.json"),
        """
        {"service": "hello-staged", "targets": ["linux/amd64"],
         "health": {"liveness": "/healthz", "readiness": "%s",
                    "intervalSeconds": 5, "timeoutSeconds": 2, "retries": 1,
                    "startPeriodSeconds": 0},
         "deploy": {"bakeSeconds": 3, "environments": {"staging": {"bakeSeconds": 2}}}}
        """
            .formatted(readiness));
    return src;
  }

  String stagedRelease;

  @Test
  @Order(16)
  void aServiceWithEnvironments_goesLiveInStagingOnly_andPromotionTakesTheSameImageToProduction()
      throws Exception {
    LocalSupport.Run push = LocalSupport.pushFollow(runtime, staged("staged", "/readyz"), 240);
    assertThat(push.code()).as(push.text() + push.err()).isZero();
    stagedRelease = push.out().get(0);
    assertThat(push.text()).contains(stagedRelease + " AWAITING_PROMOTION in staging");
    assertThat(push.err())
        .contains("to go on: slipway promote " + stagedRelease + " --to production");
    assertThat(get(taskPort("hello-staged-staging"), "/version"))
        .isEqualTo("200 {\"version\":\"" + stagedRelease + "\"}\n");
    assertThat(taskPort("hello-staged")).as("nothing runs in production yet").isEqualTo(-1);

    LocalSupport.Run promote =
        slipway("promote", stagedRelease, "--to", "production", "--reason", "staging is fine");
    assertThat(promote.code()).as(promote.err()).isZero();
    assertThat(promote.text())
        .contains(stagedRelease + " DEPLOYING in production (promoted by arn:aws:iam::");
    assertThat(LocalSupport.awaitState(runtime, stagedRelease, "LIVE", 120)).isEqualTo("LIVE");
    assertThat(get(taskPort("hello-staged"), "/version"))
        .isEqualTo("200 {\"version\":\"" + stagedRelease + "\"}\n");

    // The ledger keeps both tracks; both task definitions pin the one scanned digest.
    JsonNode record = Json.parse(slipway("status", stagedRelease, "--json").text(), "$");
    JsonNode tracks = record.path("environments");
    assertThat(tracks.size()).isEqualTo(2);
    assertThat(tracks.path(0).path("environment").asText()).isEqualTo("staging");
    assertThat(tracks.path(0).path("state").asText()).isEqualTo("LIVE");
    assertThat(tracks.path(1).path("environment").asText()).isEqualTo("production");
    assertThat(tracks.path(1).path("state").asText()).isEqualTo("LIVE");
    String digest = record.path("imageDigest").asText();
    assertThat(digest).startsWith("sha256:");
    try (var aws = LocalSupport.aws(runtime)) {
      for (JsonNode track : tracks) {
        String td = track.path("deployment").path("taskDefinition").asText();
        String image =
            aws.ecs()
                .describeTaskDefinition(r -> r.taskDefinition(td))
                .taskDefinition()
                .containerDefinitions()
                .get(0)
                .image();
        assertThat(image)
            .as(track.path("environment").asText())
            .endsWith("slipway/hello-staged@" + digest);
      }
    }
    // Built once: one compile and one image build, whatever the environments.
    assertThat(record.path("history").toString()).doesNotContain("rebuild");
    LocalSupport.Run again = slipway("promote", stagedRelease, "--to", "production");
    assertThat(again.code()).isEqualTo(1);
    assertThat(again.err())
        .contains(stagedRelease + " has already been promoted to production (LIVE)");
    LocalSupport.Run overview = slipway("status");
    assertThat(overview.text())
        .contains("staging: " + stagedRelease + ", production: " + stagedRelease);
    // The web page's data: the release's path and both tracks.
    HttpResponse<String> api =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(runtime.webUrl()).resolve("/api/releases"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    JsonNode shown = null;
    for (JsonNode service : Json.parse(api.body(), "$").path("services")) {
      for (JsonNode r : service.path("releases")) {
        if (r.path("releaseId").asText().equals(stagedRelease)) {
          shown = r;
        }
      }
    }
    assertThat(shown).as(api.body()).isNotNull();
    assertThat(shown.path("path").toString()).isEqualTo("[\"staging\",\"production\"]");
    assertThat(shown.path("environments").size()).isEqualTo(2);
  }

  @Test
  @Order(17)
  void aReleaseThatFailedInStaging_isNeverPromoted_theRefusalSaysWhy() throws Exception {
    LocalSupport.Run push =
        LocalSupport.pushFollow(runtime, staged("staged-unready", "/not-served"), 240);
    assertThat(push.code()).as(push.text() + push.err()).isEqualTo(13); // ROLLED_BACK
    String failed = push.out().get(0);
    LocalSupport.Run promote = slipway("promote", failed, "--to", "production");
    assertThat(promote.code()).isEqualTo(1);
    assertThat(promote.err())
        .contains(
            "refused (409): "
                + failed
                + " is not live in staging, the environment before production (it is ROLLED_BACK"
                + " in staging: staging: deployment");
    // Both environments still run the release before it.
    assertThat(get(taskPort("hello-staged-staging"), "/version")).contains(stagedRelease);
    assertThat(get(taskPort("hello-staged"), "/version")).contains(stagedRelease);
  }

  /** hello-go's manifest with a canary in production: 25%, one (local) minute, then the bake. */
  void canary(Path src, String readiness) throws Exception {
    Files.writeString(
        src.resolve("slipway.json"),
        """
        {"service": "hello-go", "targets": ["linux/amd64"],
         "health": {"liveness": "/healthz", "readiness": "%s",
                    "intervalSeconds": 5, "timeoutSeconds": 2, "retries": 1,
                    "startPeriodSeconds": 0},
         "deploy": {"cluster": "slipway-demo", "environments": {"production": {
           "strategy": "canary", "canary": {"percent": 25, "bakeMinutes": 1},
           "bakeSeconds": 60}}}}
        """
            .formatted(readiness));
  }

  String strategyOfHelloGo() {
    try (var aws = LocalSupport.aws(runtime)) {
      return aws.ecs()
          .describeServices(r -> r.cluster("slipway-demo").services("hello-go"))
          .services()
          .get(0)
          .deploymentConfiguration()
          .strategyAsString();
    }
  }

  @Test
  @Order(18)
  void aCanaryOfAVersionFailingItsReadinessCheck_isRolledBack_whileThePreviousKeepsAnswering()
      throws Exception {
    String before = get(taskPort(), "/version");
    Path src = variant("canary-unready", null, null);
    canary(src, "/not-served");

    LocalSupport.Run push = LocalSupport.pushFollow(runtime, src, 240);

    assertThat(push.code()).as(push.text() + push.err()).isEqualTo(13); // ROLLED_BACK
    assertThat(strategyOfHelloGo()).isEqualTo("CANARY");
    assertThat(logBytes.toString(StandardCharsets.UTF_8))
        .contains("/healthz and /not-served did not both answer 200 within 5 s");
    // Never healthy, so never in the target group: no traffic reached it at all.
    assertThat(get(taskPort(), "/version")).isEqualTo(before);
  }

  @Test
  @Order(19)
  void aCanaryAnsweringErrors_isRolledBackAtItsFirstStep_afterOnlyItsShareOfTheTraffic()
      throws Exception {
    String before = get(taskPort(), "/version");
    Path bad =
        variant(
            "canary-bad-answers",
            "writeJSON(w, http.StatusOK, map[string]string{\"message\": \"hello from hello-go\", \"version\": version})",
            "writeJSON(w, http.StatusInternalServerError, map[string]string{\"message\": \"broken\", \"version\": version})");
    canary(bad, "/readyz");

    LocalSupport.Run push = LocalSupport.pushFollow(runtime, bad, 240);

    assertThat(push.code()).as(push.text() + push.err()).isEqualTo(13); // ROLLED_BACK
    Matcher m =
        Pattern.compile(
                "tasks hello-go: canary rolled back at 25\\.0%: (\\d+) of (\\d+) requests reached"
                    + " the new revision, 5 failed")
            .matcher(logBytes.toString(StandardCharsets.UTF_8));
    assertThat(m.find()).as(logTail(40)).isTrue();
    int reached = Integer.parseInt(m.group(1));
    int sent = Integer.parseInt(m.group(2));
    // A quarter of the traffic, and no more than the five answers it took to see it was bad.
    assertThat(reached).isEqualTo(5);
    assertThat(sent).isBetween(19, 21);
    assertThat(get(taskPort(), "/version")).isEqualTo(before);
  }

  @Test
  @Order(20)
  void aHealthyCanary_shiftsAllTheTraffic_andGoesLive() throws Exception {
    Path src = variant("canary-good", null, null);
    canary(src, "/readyz");

    LocalSupport.Run push = LocalSupport.pushFollow(runtime, src, 240);

    assertThat(push.code()).as(push.text() + push.err()).isZero();
    String release = push.out().get(0);
    String log = logBytes.toString(StandardCharsets.UTF_8);
    assertThat(log)
        .contains("tasks hello-go: canary step 1/2: 25.0% of traffic to the new revision")
        .contains("tasks hello-go: canary step 2/2: 100.0% of traffic to the new revision")
        .containsPattern(
            "tasks hello-go: canary complete: \\d+ of \\d+ requests reached the new revision, 0 failed");
    assertThat(get(taskPort(), "/version")).isEqualTo("200 {\"version\":\"" + release + "\"}\n");
  }

  @Test
  @Order(21)
  void aStrategyOnAServiceWithoutTheLoadBalancerItNeeds_isRefusedAsEcsRefusesIt() {
    // An extra service (not declared) has no load balancer: ECS refuses a canary on it, and so
    // does the local runtime, where moto alone would take it.
    try (var aws = LocalSupport.aws(runtime)) {
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () ->
                  aws.ecs()
                      .updateService(
                          r ->
                              r.cluster("slipway-demo")
                                  .service("hello-go-extra")
                                  .deploymentConfiguration(
                                      c ->
                                          c.strategy("CANARY")
                                              .canaryConfiguration(k -> k.canaryPercent(10.0)))))
          .isInstanceOf(software.amazon.awssdk.services.ecs.model.InvalidParameterException.class)
          .hasMessageContaining(
              "the CANARY deployment strategy needs a load balancer (with an alternate target"
                  + " group) or Service Connect; service hello-go-extra has neither");
    }
  }
}
