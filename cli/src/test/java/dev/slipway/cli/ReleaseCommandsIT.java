package dev.slipway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.aws.Emulator;
import dev.slipway.aws.S3Ledger;
import dev.slipway.engine.ServiceIndex;
import dev.slipway.json.Json;
import dev.slipway.release.Effect;
import dev.slipway.release.Finding;
import dev.slipway.release.Input;
import dev.slipway.release.Manifest;
import dev.slipway.release.Release;
import dev.slipway.release.ReleaseConfig;
import dev.slipway.release.ReleaseMachine;
import dev.slipway.release.ReleaseState;
import dev.slipway.release.ScanPolicy;
import dev.slipway.release.Severity;
import dev.slipway.release.SourceRef;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** push, status, releases, approve, reject and rollback against S3, EventBridge and ECS in moto. */
class ReleaseCommandsIT {
  static final String BUCKET = "slipway-sources";
  @RegisterExtension static final Emulator emulator = new Emulator("us-east-1");
  S3Ledger ledger;

  @BeforeEach
  void bucket() throws Exception {
    emulator.reset();
    emulator.aws().s3().createBucket(r -> r.bucket(BUCKET));
    emulator
        .aws()
        .s3()
        .putBucketVersioning(
            r -> r.bucket(BUCKET).versioningConfiguration(v -> v.status("Enabled")));
    ledger = new S3Ledger(emulator.aws().s3(), BUCKET, "ledger/");
  }

  Cli slipway(String... args) {
    String[] all = new String[args.length + 6];
    System.arraycopy(args, 0, all, 0, args.length);
    System.arraycopy(
        new String[] {
          "--bucket", BUCKET, "--endpoint-url", emulator.endpoint(), "--region", "us-east-1"
        },
        0,
        all,
        args.length,
        6);
    return Cli.run(all);
  }

  static final ReleaseConfig CONFIG =
      new ReleaseConfig(
          ScanPolicy.DEFAULT,
          new Manifest.Deploy("default", "hello-go", "hello-go", 300),
          new Manifest.Health("/healthz", "/readyz", 30));

  /** A release taken through the state machine to where the test needs it, stored in the ledger. */
  Release store(String key, List<Input> inputs) {
    return store(key, inputs, CONFIG);
  }

  Release store(String key, List<Input> inputs, ReleaseConfig config) {
    SourceRef source = new SourceRef(BUCKET, key, "v1", null);
    Instant now = Instant.parse("2026-11-27T10:00:00Z");
    Release r =
        ReleaseMachine.decide(
                null, new Input.SourceUploaded("up", now, source, config, null), now, null)
            .release();
    for (Input input : inputs) {
      now = now.plusSeconds(30);
      r = ReleaseMachine.decide(r, input, now, null).release();
    }
    ledger.create(r.withOutbox(List.of(), java.util.Map.of()));
    var index = ledger.readIndex(r.service());
    if (index.isEmpty()) {
      ledger.createIndex(ServiceIndex.empty(r.service()).with(r));
    } else {
      ledger.replaceIndex(index.get().value().with(r), index.get().version());
    }
    return r;
  }

  List<Input> toScanning(String id, List<Finding> findings) {
    return List.of(
        new Input.BuildFinished("c", Effect.BuildKind.COMPILE, "cb", "SUCCEEDED"),
        new Input.BuildFinished("i", Effect.BuildKind.IMAGE, "ib", "SUCCEEDED"),
        new Input.ImagePushed(
            "p",
            "123456789012.dkr.ecr.us-east-1.amazonaws.com",
            "slipway/hello-go",
            "sha256:" + id,
            List.of()),
        new Input.ScanCompleted("s", "sha256:" + id, findings));
  }

  @Test
  void push_uploadsThePackedTreeAndPrintsTheReleaseId() throws Exception {
    Cli cli = slipway("push", Cli.root().resolve("examples/hello-go").toString());

    assertThat(cli.code()).as(cli.err()).isZero();
    String releaseId = cli.out().strip();
    var objects =
        emulator
            .aws()
            .s3()
            .listObjectsV2(r -> r.bucket(BUCKET).prefix("sources/hello-go/"))
            .contents();
    assertThat(objects).hasSize(1);
    String key = objects.get(0).key();
    assertThat(key).matches("sources/hello-go/\\d{8}T\\d{6}Z-[0-9a-f]{12}\\.zip");
    var head = emulator.aws().s3().headObject(r -> r.bucket(BUCKET).key(key));
    assertThat(head.metadata())
        .containsEntry("slipway-service", "hello-go")
        .containsKey("slipway-sha256");
    assertThat(releaseId)
        .isEqualTo(
            new SourceRef(BUCKET, key, head.versionId(), head.eTag().replace("\"", ""))
                .releaseId());
    assertThat(cli.err()).contains("slipway push: uploaded s3://" + BUCKET + "/" + key);
  }

  /** Plays the pipeline: once the upload lands, the release fails (as a bad build would). */
  CompletableFuture<Void> failTheUploadedRelease() {
    return CompletableFuture.runAsync(
        () -> {
          try {
            for (int i = 0; i < 100; i++) {
              var objects =
                  emulator
                      .aws()
                      .s3()
                      .listObjectsV2(r -> r.bucket(BUCKET).prefix("sources/"))
                      .contents();
              if (!objects.isEmpty()) {
                String key = objects.get(0).key();
                var head = emulator.aws().s3().headObject(r -> r.bucket(BUCKET).key(key));
                SourceRef source =
                    new SourceRef(BUCKET, key, head.versionId(), head.eTag().replace("\"", ""));
                Instant now = Instant.now();
                Release r =
                    ReleaseMachine.decide(
                            null,
                            new Input.SourceUploaded("up", now, source, CONFIG, null),
                            now,
                            null)
                        .release();
                r =
                    ReleaseMachine.decide(
                            r,
                            new Input.BuildFinished(
                                "c", Effect.BuildKind.COMPILE, "arn:build/x", "FAILED"),
                            now.plusSeconds(40),
                            null)
                        .release();
                ledger.create(r);
                return;
              }
              Thread.sleep(100);
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
  }

  /** `push examples/hello-go --follow [extra]` while the pipeline fails the release's build. */
  Cli pushFollowingAFailedBuild(String... extra) throws Exception {
    CompletableFuture<Void> pipeline = failTheUploadedRelease();
    List<String> args =
        new java.util.ArrayList<>(
            List.of("push", Cli.root().resolve("examples/hello-go").toString(), "--follow"));
    args.addAll(List.of(extra));
    args.addAll(List.of("--timeout", "30", "--interval", "0.2"));
    Cli cli = slipway(args.toArray(String[]::new));
    pipeline.get(30, TimeUnit.SECONDS);
    return cli;
  }

  @Test
  void push_follow_printsEachTransitionAndExitsWithTheFinalStatesCode() throws Exception {
    Cli cli = pushFollowingAFailedBuild();

    assertThat(cli.code()).as(cli.err()).isEqualTo(10);
    List<String> lines = cli.outLines();
    assertThat(lines.get(0)).matches("hello-go-[0-9a-f]{12}");
    assertThat(lines.get(1)).contains("REQUESTED").contains("uploaded s3://");
    assertThat(lines.get(2)).contains("BUILDING").contains("+40.0s");
    assertThat(lines.get(3))
        .contains("FAILED")
        .contains("+0.0s")
        .contains("compile build arn:build/x FAILED");
    assertThat(lines.get(4)).startsWith(lines.get(0) + " FAILED after 40.0s");
  }

  @Test
  void push_followJson_printsOneJsonObjectPerEvent_endingWithTheSummary() throws Exception {
    Cli cli = pushFollowingAFailedBuild("--json");

    assertThat(cli.code()).as(cli.err()).isEqualTo(10);
    List<com.fasterxml.jackson.databind.JsonNode> events = new java.util.ArrayList<>();
    for (String line : cli.outLines()) {
      events.add(dev.slipway.json.Json.parse(line, "$")); // every line is one JSON object
    }
    assertThat(events)
        .extracting(e -> e.path("event").asText())
        .containsExactly("uploaded", "transition", "transition", "transition", "summary");
    String id = events.get(0).path("releaseId").asText();
    assertThat(id).matches("hello-go-[0-9a-f]{12}");
    assertThat(events).allSatisfy(e -> assertThat(e.path("releaseId").asText()).isEqualTo(id));
    assertThat(events.get(0).path("key").asText()).startsWith("sources/hello-go/");
    assertThat(events.subList(1, 4))
        .extracting(e -> e.path("to").asText())
        .containsExactly("REQUESTED", "BUILDING", "FAILED");
    assertThat(events.get(3).path("detail").asText()).isEqualTo("compile build arn:build/x FAILED");
    var summary = events.get(4);
    assertThat(summary.path("state").asText()).isEqualTo("FAILED");
    assertThat(summary.path("exitCode").asInt()).isEqualTo(10);
    assertThat(summary.path("history")).hasSize(3);
  }

  @Test
  void push_ofALargeTree_uploadsInParts_andTheReleaseIdNamesTheWholeObject(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
    java.nio.file.Path tree = tmp.resolve("hello-go");
    org.apache.commons.io.file.PathUtils.copyDirectory(
        Cli.root().resolve("examples/hello-go"), tree);
    byte[] noise = new byte[20 * 1024 * 1024]; // incompressible: the archive stays over 16 MiB
    new java.util.Random(7).nextBytes(noise);
    java.nio.file.Files.createDirectories(tree.resolve("assets"));
    java.nio.file.Files.write(tree.resolve("assets/model.bin"), noise);

    Cli cli = slipway("push", tree.toString());

    assertThat(cli.code()).as(cli.err()).isZero();
    assertThat(cli.err()).contains("KiB packed, in 3 parts)");
    String key =
        emulator
            .aws()
            .s3()
            .listObjectsV2(r -> r.bucket(BUCKET).prefix("sources/hello-go/"))
            .contents()
            .get(0)
            .key();
    var head = emulator.aws().s3().headObject(r -> r.bucket(BUCKET).key(key));
    assertThat(head.eTag()).as("a multipart object's ETag").endsWith("-3\"");
    assertThat(head.contentLength()).isGreaterThan(20L * 1024 * 1024);
    assertThat(head.metadata()).containsEntry("slipway-service", "hello-go");
    assertThat(cli.out().strip())
        .isEqualTo(
            new SourceRef(BUCKET, key, head.versionId(), head.eTag().replace("\"", ""))
                .releaseId());
    assertThat(emulator.aws().s3().listMultipartUploads(r -> r.bucket(BUCKET)).uploads())
        .as("no part is left behind")
        .isEmpty();
  }

  @Test
  void theReleaseCommands_findALocalRuntime_byItsStateDirectory(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path state) throws Exception {
    store("sources/hello-go/a.zip", List.of());
    java.nio.file.Files.writeString(
        state.resolve("local.json"),
        "{\"bucket\": \""
            + BUCKET
            + "\", \"endpoint\": \""
            + emulator.endpoint()
            + "\", \"region\": \"us-east-1\"}");

    Cli byOption = Cli.run("releases", "hello-go", "--state", state.toString());
    assertThat(byOption.code()).as(byOption.err()).isZero();
    assertThat(byOption.out()).contains("hello-go-").contains("REQUESTED");

    Cli nothingThere = Cli.run("status", "--state", state.resolve("elsewhere").toString());
    assertThat(nothingThere.code()).isEqualTo(2);
    assertThat(nothingThere.errLines())
        .singleElement()
        .asString()
        .isEqualTo(
            "slipway status: --state: "
                + state.resolve("elsewhere")
                + " has no running slipway local (no readable local.json; start `slipway local"
                + " --state "
                + state.resolve("elsewhere")
                + "`)");
  }

  @Test
  void logs_ofSomethingUnknownOrNotYetThere_saysWhat_withExit2() {
    Release r = store("sources/hello-go/a.zip", List.of());

    Cli unknown = slipway("logs", "nosuch");
    assertThat(unknown.code()).isEqualTo(2);
    assertThat(unknown.err())
        .contains("'nosuch' is neither a release id nor a service with releases in s3://");
    Cli badSince = slipway("logs", "hello-go", "--since", "5 minutes");
    assertThat(badSince.code()).isEqualTo(2);
    assertThat(badSince.err()).contains("--since: '5 minutes' is not a duration like 30s, 10m");
    Cli noBuilds = slipway("logs", r.id(), "--build");
    assertThat(noBuilds.code()).isEqualTo(2);
    assertThat(noBuilds.err()).contains(r.id() + " has no builds yet (REQUESTED)");
    Cli notDeployed = slipway("logs", r.id());
    assertThat(notDeployed.code()).isEqualTo(2);
    assertThat(notDeployed.err()).contains(r.id() + " has not been deployed (REQUESTED)");
  }

  @Test
  void push_follow_whenNothingHappens_timesOutWithCode15() {
    Cli cli =
        slipway(
            "push",
            Cli.root().resolve("examples/hello-go").toString(),
            "--follow",
            "--timeout",
            "1",
            "--interval",
            "0.2");

    assertThat(cli.code()).isEqualTo(15);
    assertThat(cli.err()).contains("has not ended after 1s");
  }

  @Test
  void push_ofABadTree_isRefusedBeforeAnyUpload(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
    java.nio.file.Files.writeString(tmp.resolve("slipway.json"), "{\"service\": \"Bad\"}");

    Cli cli = slipway("push", tmp.toString());

    assertThat(cli.code()).isEqualTo(2);
    assertThat(cli.errLines())
        .contains("slipway push: slipway.json: service: 'Bad' is not a service name");
    assertThat(emulator.aws().s3().listObjectsV2(r -> r.bucket(BUCKET)).contents()).isEmpty();
  }

  @Test
  void status_andReleases_showTheLedger() {
    Release older =
        store(
            "sources/hello-go/a.zip",
            List.of(new Input.BuildFinished("c", Effect.BuildKind.COMPILE, "cb", "FAILED")));
    Release newer = store("sources/hello-go/b.zip", toScanning("b", List.of()));

    Cli status = slipway("status", newer.id());
    assertThat(status.code()).as(status.err()).isZero();
    assertThat(status.out())
        .contains("REQUESTED")
        .contains("DEPLOYING")
        .contains(newer.id() + " DEPLOYING");

    Cli json = slipway("status", newer.id(), "--json");
    JsonNode node = Json.parse(json.out(), "$");
    assertThat(node.get("state").asText()).isEqualTo("DEPLOYING");
    assertThat(node.get("history")).hasSize(newer.history().size());

    Cli releases = slipway("releases", "hello-go", "--json");
    assertThat(Json.parse(releases.out(), "$").findValuesAsText("releaseId"))
        .containsExactlyInAnyOrder(older.id(), newer.id());

    // An index that no longer shows the older one (as ServiceIndex#trimmed leaves a long
    // history): the plain listing is the index's, --all reads every record.
    var index = ledger.readIndex("hello-go").orElseThrow();
    assertThat(
            ledger.replaceIndex(
                new dev.slipway.engine.ServiceIndex(
                    "hello-go",
                    index.value().releases().stream()
                        .filter(e -> !e.id().equals(older.id()))
                        .toList()),
                index.version()))
        .isTrue();
    assertThat(
            Json.parse(slipway("releases", "hello-go", "--json").out(), "$")
                .findValuesAsText("releaseId"))
        .containsExactly(newer.id());
    Cli every = slipway("releases", "hello-go", "--all", "--json");
    assertThat(every.code()).as(every.err()).isZero();
    assertThat(Json.parse(every.out(), "$").findValuesAsText("releaseId"))
        .containsExactlyInAnyOrder(newer.id(), older.id());
    Cli all = slipway("status");
    assertThat(all.out()).contains("hello-go");
    assertThat(slipway("status", "nope").code()).isEqualTo(2);
  }

  @Test
  void approve_withoutASteeringUrl_saysWhereToFindIt_andAFinalReleaseHasNothingToDecide() {
    Release waiting =
        store(
            "sources/hello-go/c.zip",
            toScanning("c", List.of(new Finding("GO-1", Severity.MEDIUM, null, null))));
    assertThat(waiting.state()).isEqualTo(ReleaseState.AWAITING_APPROVAL);

    Cli cli = slipway("approve", waiting.id(), "--reason", "reviewed");

    assertThat(cli.code()).isEqualTo(2);
    assertThat(cli.errLines())
        .containsExactly(
            "slipway approve: --steering-url: no steering URL given (set --steering-url or"
                + " SLIPWAY_STEERING_URL to the stack's SteeringUrl output)");

    Release done =
        store(
            "sources/hello-go/d.zip",
            List.of(new Input.BuildFinished("c", Effect.BuildKind.COMPILE, "cb", "FAILED")));
    Cli late = slipway("reject", done.id(), "--reason", "too late");
    assertThat(late.code()).isEqualTo(2);
    assertThat(late.errLines())
        .containsExactly("slipway reject: " + done.id() + " is FAILED; nothing to decide");
  }

  /** A revision of hello-go's task definition whose image digest is {@code digit} repeated. */
  static String taskDefinition(String digit) {
    return emulator
        .aws()
        .ecs()
        .registerTaskDefinition(
            r ->
                r.family("hello-go")
                    .containerDefinitions(
                        c ->
                            c.name("hello-go")
                                .image("repo@sha256:" + digit.repeat(64))
                                .memory(128)))
        .taskDefinition()
        .taskDefinitionArn();
  }

  @Test
  void rollback_goesThroughTheSteeringUrl_neverABareUpdateService() {
    emulator.aws().ecs().createCluster(r -> r.clusterName("default"));
    String before = taskDefinition("1");
    String after = taskDefinition("2");
    emulator
        .aws()
        .ecs()
        .createService(
            r ->
                r.cluster("default").serviceName("hello-go").taskDefinition(after).desiredCount(1));
    List<Input> toLive = new java.util.ArrayList<>(toScanning("e", List.of()));
    toLive.add(new Input.DeployStarted("d", after, before, "ecs-svc/1"));
    toLive.add(new Input.DeploymentEnded("de", "ecs-svc/1", true, null));
    Release live =
        store(
            "sources/hello-go/e.zip",
            toLive,
            new ReleaseConfig(
                ScanPolicy.DEFAULT,
                new Manifest.Deploy("default", "hello-go", "hello-go", 0),
                CONFIG.health()));
    assertThat(live.state()).isEqualTo(ReleaseState.LIVE);

    // A rollback is the engine's (who asked, recorded by the steering URL; both releases in the
    // ledger; LocalScenariosIT runs it end to end): without the URL the CLI does nothing itself.
    Cli cli = slipway("rollback", "hello-go");

    assertThat(cli.code()).isEqualTo(2);
    assertThat(cli.err()).contains("--steering-url: no steering URL given");
    assertThat(
            emulator
                .aws()
                .ecs()
                .describeServices(r -> r.cluster("default").services("hello-go"))
                .services()
                .get(0)
                .taskDefinition())
        .isEqualTo(after);
    assertThat(slipway("rollback", "hello-go", "--to", "not a release").code()).isEqualTo(2);
  }

  @Test
  void withoutABucket_everyCommandSaysWhatIsMissing() {
    Cli cli = Cli.run("releases", "hello-go", "--endpoint-url", emulator.endpoint());

    assertThat(cli.code()).isEqualTo(2);
    assertThat(cli.errLines())
        .singleElement()
        .asString()
        .startsWith("slipway releases: --bucket: no bucket given");
  }
}
