package dev.slipway.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.event.EventParser;
import dev.slipway.event.ParseResult;
import dev.slipway.event.PipelineEvent;
import dev.slipway.release.Finding;
import dev.slipway.release.Release;
import dev.slipway.release.ReleaseState;
import dev.slipway.release.Severity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Golden scenarios: sequences of the sample events in {@code events/} driven through the pipeline
 * (parser, router, state machine, engine, ledger) with the world faked, each checked against the
 * state history it must produce.
 */
class ReleaseScenarioTest {
  static final String ID = FakeWorld.SAMPLE_RELEASE;
  static final String DIGEST =
      "sha256:9b2e1d0c4f6a8b3e5d7c9a1f2e4b6d8a0c3e5f7a9b1d3f5e7a9c1b3d5f7e9a1b";

  final MutableClock clock = new MutableClock(Instant.parse("2026-11-27T10:00:02Z"));
  final InMemoryLedger ledger = new InMemoryLedger();
  final FakeWorld world = new FakeWorld();
  final EngineConfig config = Fixtures.config();
  final Pipeline pipeline = new Pipeline(config, world.ports(ledger), clock);

  static PipelineEvent sample(String path) {
    try {
      String root = System.getProperty("slipway.root", "..");
      List<ParseResult> results =
          new EventParser().parse(Files.readString(Path.of(root, "events", path)));
      return ((ParseResult.Parsed) results.get(0)).event();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  Pipeline.Handled deliver(String path) throws Exception {
    clock.advance(Duration.ofSeconds(1));
    return pipeline.handle(sample(path));
  }

  Release release() {
    return ledger.read("hello-go", ID).orElseThrow().value();
  }

  List<ReleaseState> states() {
    return release().history().stream().map(Release.Transition::to).toList();
  }

  void throughScan() throws Exception {
    deliver("s3/object-created-source-upload.json");
    deliver("codebuild/build-state-compile-succeeded.json");
    deliver("codebuild/build-state-image-succeeded.json");
    deliver("ecr/image-action-push.json");
    deliver("ecr/image-scan-complete-clean.json");
  }

  @Test
  void aHandlerStoppedBetweenTheReleaseAndItsIndex_theReconcilerBringsTheIndexUp()
      throws Exception {
    world.findings.put(DIGEST, List.of());
    deliver("s3/object-created-source-upload.json");
    deliver("codebuild/build-state-compile-succeeded.json");
    ServiceIndex before = ledger.readIndex("hello-go").orElseThrow().value();
    deliver("codebuild/build-state-image-succeeded.json");
    deliver("ecr/image-action-push.json");
    deliver("ecr/image-scan-complete-clean.json");
    // As if the handler died after writing the release: the index still shows BUILDING.
    var now = ledger.readIndex("hello-go").orElseThrow();
    assertThat(ledger.replaceIndex(before, now.version())).isTrue();
    assertThat(ledger.readIndex("hello-go").orElseThrow().value().releases().get(0).state())
        .isEqualTo(ReleaseState.BUILDING);

    pipeline.reconcile();

    assertThat(ledger.readIndex("hello-go").orElseThrow().value().releases().get(0).state())
        .isEqualTo(release().state())
        .isEqualTo(ReleaseState.DEPLOYING);
  }

  @Test
  void anUploadsFirstDelivery_readsNoRecord_aRepeatedOneFindsItAndStartsNothingTwice()
      throws Exception {
    ledger.releaseReads.set(0);
    deliver("s3/object-created-source-upload.json");
    // The release id is the upload's own version: nothing to read before creating it (issue 19).
    assertThat(ledger.releaseReads).hasValue(0);
    Release first = release();
    List<String> ran = List.copyOf(world.ran);
    assertThat(ran).anyMatch(r -> r.contains("StartBuild"));

    long conflicts = ledger.conflicts.get();
    deliver("s3/object-created-source-upload.json");

    assertThat(ledger.conflicts.get())
        .as("the repeat's create was refused")
        .isGreaterThan(conflicts);
    assertThat(release()).isEqualTo(first);
    assertThat(world.ran).isEqualTo(ran);
  }

  @Test
  void aNewerUpload_supersedesAnOlderReleaseStillBuilding_andStopsItsBuild() throws Exception {
    deliver("s3/object-created-source-upload.json");
    assertThat(release().state()).isEqualTo(ReleaseState.BUILDING);
    String newerUpload =
        Files.readString(
                Path.of(
                    System.getProperty("slipway.root", ".."),
                    "events/s3/object-created-source-upload.json"))
            .replace("6a1f3c2e-8b4d-4e9a-b7c1-2d3e4f5a6b7c", "7b2f3c2e-8b4d-4e9a-b7c1-2d3e4f5a6b7c")
            .replace("2026-11-27T10:00:01Z", "2026-11-27T10:05:01Z")
            .replace("5f2b8e0d9c4a7b1e3f6d8a2c4e6b8d0f", "6f2b8e0d9c4a7b1e3f6d8a2c4e6b8d0f")
            .replace("3HL4kqtJvjVBH40Nrjfkd.gH_8qy0Z1p", "4HL4kqtJvjVBH40Nrjfkd.gH_8qy0Z1p");
    clock.advance(Duration.ofMinutes(5));

    Pipeline.Handled newer =
        pipeline.handle(((ParseResult.Parsed) new EventParser().parse(newerUpload).get(0)).event());

    String newerId = ((Pipeline.Handled.Applied) newer).release().id();
    assertThat(newerId).isNotEqualTo(ID);
    assertThat(release().state()).isEqualTo(ReleaseState.SUPERSEDED);
    assertThat(release().reason()).isEqualTo("superseded by " + newerId);
    assertThat(world.ran)
        .contains(
            ID
                + " stop:arn:aws:codebuild:eu-west-1:210987654321:build/slipway-compile:"
                + "0d1c2b3a-4f5e-4d6c-8b7a-9f8e7d6c5b4a")
        .contains(newerId + " StartBuild COMPILE");
    // The older's build ending after the stop changes nothing.
    deliver("codebuild/build-state-compile-succeeded.json");
    assertThat(release().state()).isEqualTo(ReleaseState.SUPERSEDED);
  }

  @Test
  void happyPath_uploadToLive() throws Exception {
    world.findings.put(DIGEST, List.of());

    throughScan();
    deliver("ecs/deployment-completed.json");
    assertThat(release().state()).as("baking").isEqualTo(ReleaseState.DEPLOYING);
    Instant bakeUntil = release().deployment().bakeUntil();
    // The bake ends at its time, by the timer set when it began, not at a reconciler tick.
    clock.advance(Duration.ofSeconds(300));
    pipeline.handle(timer(bakeUntil, "timer-1"));

    assertThat(states()).containsExactlyElementsOf(Fixtures.TO_LIVE);
    assertThat(release().history().get(release().history().size() - 1).cause())
        .isEqualTo("timer-1");
    assertThat(world.ran)
        .containsExactly(
            ID + " Publish Release Requested",
            ID + " StartBuild COMPILE",
            ID + " Publish Release Building",
            ID + " Publish Release Built",
            ID + " StartBuild IMAGE",
            ID + " Publish Image Ready",
            ID + " Publish Release Scanning",
            ID + " Publish Release Approved",
            ID + " Publish Deployment Started",
            ID + " Deploy 210987654321.dkr.ecr.eu-west-1.amazonaws.com/slipway/hello-go@" + DIGEST,
            ID + " WakeAt " + bakeUntil,
            ID + " Publish Release Live");
    Release live = release();
    assertThat(live.pending()).isEmpty();
    assertThat(live.claims()).isEmpty();
    assertThat(live.deployment().previousTaskDefinitionArn())
        .endsWith("task-definition/hello-go:7");
    assertThat(ledger.readIndex("hello-go").orElseThrow().value().releases())
        .singleElement()
        .satisfies(e -> assertThat(e.state()).isEqualTo(ReleaseState.LIVE));
  }

  @Test
  void everyEventDeliveredTwice_givesTheSameHistoryAndEachEffectOnce() throws Exception {
    world.findings.put(DIGEST, List.of());
    for (String path :
        List.of(
            "s3/object-created-source-upload.json",
            "codebuild/build-state-compile-succeeded.json",
            "codebuild/build-state-image-succeeded.json",
            "ecr/image-action-push.json",
            "ecr/image-scan-complete-clean.json",
            "ecs/deployment-completed.json")) {
      deliver(path);
      deliver(path);
    }
    clock.advance(Duration.ofSeconds(301));
    pipeline.reconcile();
    pipeline.reconcile();

    assertThat(states())
        .endsWith(ReleaseState.DEPLOYING, ReleaseState.LIVE)
        .doesNotHaveDuplicates();
    // With the bake's timer, and BUILDING and SCANNING announced.
    assertThat(world.ran).doesNotHaveDuplicates().hasSize(12);
    assertThat(world.registered).hasValue(1);
  }

  @Test
  void compileFailure_endsFailedWithTheBuildInTheReason() throws Exception {
    deliver("s3/object-created-source-upload.json");
    deliver("codebuild/build-state-compile-succeeded.json");
    deliver("codebuild/build-state-image-failed.json");

    assertThat(states())
        .containsExactly(ReleaseState.REQUESTED, ReleaseState.BUILDING, ReleaseState.FAILED);
    assertThat(release().reason())
        .isEqualTo(
            "image build arn:aws:codebuild:eu-west-1:210987654321:build/slipway-image:1e2d3c4b-5a6f-4e7d-9c8b-0a9f8e7d6c5b FAILED");
    assertThat(world.ran).last().isEqualTo(ID + " Publish Release Failed");
  }

  @Test
  void eventsForAFinalRelease_changeNothing() throws Exception {
    compileFailure_endsFailedWithTheBuildInTheReason();
    Release failed = release();

    deliver("codebuild/build-state-image-succeeded.json");
    deliver("ecr/image-action-push.json");
    deliver("codebuild/build-state-in-progress.json");

    assertThat(release()).isEqualTo(failed);
  }

  @Test
  void blockingFinding_blocksTheRelease() throws Exception {
    world.findings.put(
        DIGEST,
        List.of(new Finding("CVE-2023-45288", Severity.HIGH, "golang.org/x/net", "v0.21.0")));

    throughScan();

    assertThat(release().state()).isEqualTo(ReleaseState.BLOCKED);
    assertThat(release().reason()).isEqualTo("blocked by CVE-2023-45288 (HIGH)");
    assertThat(world.ran).noneMatch(r -> r.contains("Deploy"));
  }

  @Test
  void mediumFinding_waitsForAPerson_thenDeploysOnApproval() throws Exception {
    world.findings.put(
        DIGEST,
        List.of(new Finding("GO-2024-0001", Severity.MEDIUM, "golang.org/x/net", "v0.21.0")));

    throughScan();
    assertThat(release().state()).isEqualTo(ReleaseState.AWAITING_APPROVAL);
    // An approval event on the bus names whoever its sender chose: it decides nothing.
    deliver("slipway/release-approved.json");
    assertThat(release().state()).isEqualTo(ReleaseState.AWAITING_APPROVAL);

    pipeline.steer(
        Pipeline.Decision.APPROVE,
        ID,
        "arn:aws:iam::210987654321:user/dana",
        "MEDIUM findings reviewed",
        "request-1");

    assertThat(states())
        .containsSubsequence(
            ReleaseState.AWAITING_APPROVAL, ReleaseState.APPROVED, ReleaseState.DEPLOYING);
    assertThat(release().history().get(release().history().size() - 2).detail())
        .isEqualTo("approved by arn:aws:iam::210987654321:user/dana: MEDIUM findings reviewed");
  }

  @Test
  void alarmDuringBake_rollsBackToThePreviousTaskDefinition() throws Exception {
    world.findings.put(DIGEST, List.of());
    throughScan();
    deliver("ecs/deployment-completed.json");

    deliver("cloudwatch/alarm-5xx-entered-alarm.json");

    assertThat(states()).endsWith(ReleaseState.DEPLOYING, ReleaseState.ROLLED_BACK);
    assertThat(release().reason()).startsWith("alarm hello-go-5xx entered ALARM");
    assertThat(world.ran)
        .contains(ID + " RollBack arn:aws:ecs:eu-west-1:210987654321:task-definition/hello-go:7");
  }

  @Test
  void lostAlarmEvent_isFoundByTheReconcilerBeforeTheBakeEnds() throws Exception {
    world.findings.put(DIGEST, List.of());
    throughScan();
    deliver("ecs/deployment-completed.json");
    world.firing.add("hello-go-5xx"); // the alarm's own event never arrives
    clock.advance(Duration.ofSeconds(301));

    pipeline.reconcile();

    assertThat(release().state()).isEqualTo(ReleaseState.ROLLED_BACK);
    assertThat(release().reason())
        .isEqualTo("alarm hello-go-5xx entered ALARM: found in ALARM by the reconciler");
  }

  @Test
  void failedDeployment_rollsBack() throws Exception {
    world.findings.put(DIGEST, List.of());
    throughScan();

    deliver("ecs/deployment-failed.json");

    assertThat(release().state()).isEqualTo(ReleaseState.ROLLED_BACK);
    assertThat(release().reason())
        .isEqualTo(
            "deployment ecs-svc/4827193650284719365 failed: ECS deployment circuit breaker: tasks failed to start.");
  }

  @Test
  void badArchive_endsFailedWithTheReasonAndStartsNothing() throws Exception {
    world.invalidReason = "slipway.json: service: required field is missing";

    deliver("s3/object-created-source-upload.json");

    assertThat(states()).containsExactly(ReleaseState.REQUESTED, ReleaseState.FAILED);
    // the reason is the release's, as for any failure (`slipway status` shows it)
    assertThat(release().reason()).isEqualTo("slipway.json: service: required field is missing");
    assertThat(release().history().get(1).detail())
        .isEqualTo("slipway.json: service: required field is missing");
    assertThat(world.ran).noneMatch(r -> r.contains("StartBuild"));
  }

  @Test
  void pushBeforeImageBuildFinishes_andInProgressAfterSuccess_stillProgressForward()
      throws Exception {
    world.findings.put(DIGEST, List.of());
    deliver("s3/object-created-source-upload.json");
    deliver("codebuild/build-state-compile-succeeded.json");
    deliver("codebuild/build-state-in-progress.json"); // late
    deliver("ecr/image-action-push.json"); // before the image build's own event
    assertThat(release().state()).isEqualTo(ReleaseState.BUILDING);
    deliver("codebuild/build-state-image-succeeded.json");

    assertThat(release().state()).isEqualTo(ReleaseState.SCANNING);
    deliver("ecr/image-scan-complete-clean.json");
    assertThat(release().state()).isEqualTo(ReleaseState.DEPLOYING);
  }

  @Test
  void everyOrderOfTheBuildAndPushEvents_reachesTheSameState() throws Exception {
    List<String> events =
        List.of(
            "codebuild/build-state-compile-succeeded.json",
            "codebuild/build-state-image-succeeded.json",
            "ecr/image-action-push.json",
            "codebuild/build-state-in-progress.json");
    for (List<String> order : permutations(events)) {
      ReleaseScenarioTest fresh = new ReleaseScenarioTest();
      fresh.world.findings.put(DIGEST, List.of());
      fresh.deliver("s3/object-created-source-upload.json");
      for (String path : order) {
        fresh.deliver(path);
      }
      fresh.deliver("ecr/image-scan-complete-clean.json");
      // A compile success that came after the image build's was ignored, so the image build never
      // started in that order: the reconciler's view is the only way forward there.
      if (fresh.release().state() != ReleaseState.DEPLOYING) {
        assertThat(fresh.release().state())
            .as("order %s", order)
            .isIn(ReleaseState.BUILDING, ReleaseState.SCANNING);
      } else {
        assertThat(fresh.states()).as("order %s", order).doesNotHaveDuplicates();
      }
      assertThat(fresh.world.ran).as("order %s", order).doesNotHaveDuplicates();
    }
  }

  @Test
  void scansEndingBeforeThePushIsHandled_areAppliedWhenItIs_notLeftToTheReconciler()
      throws Exception {
    world.findings.put(DIGEST, List.of());
    deliver("s3/object-created-source-upload.json");
    deliver("codebuild/build-state-compile-succeeded.json");
    deliver("codebuild/build-state-image-succeeded.json");
    // the scan's event is handled first: no release knows the digest yet
    assertThat(deliver("ecr/image-scan-complete-clean.json"))
        .isInstanceOf(Pipeline.Handled.Ignored.class);
    assertThat(release().state()).isEqualTo(ReleaseState.BUILDING);

    deliver("ecr/image-action-push.json");

    assertThat(release().state()).isEqualTo(ReleaseState.DEPLOYING);
    assertThat(states()).doesNotHaveDuplicates().contains(ReleaseState.SCANNING);
    assertThat(release().history().stream().map(Release.Transition::cause))
        .noneMatch(cause -> cause != null && cause.startsWith("reconcile:"));
    // The mark held the digest's own key; once applied, the key is the release's: a later scan of
    // the digest (Inspector scans again as new CVEs appear) finds the release, not a mark.
    assertThat(ledger.linked("digest/" + DIGEST))
        .contains(new ReleaseLedger.ReleaseKey("hello-go", ID));
  }

  @Test
  void aScanAppliedBeforeThePush_isCountedWhenTheImageIsKnown() throws Exception {
    world.findings.put(DIGEST, List.of());
    deliver("s3/object-created-source-upload.json");
    deliver("codebuild/build-state-compile-succeeded.json");
    deliver("codebuild/build-state-image-succeeded.json");
    // the push handler has linked the digest but not yet applied the push when the scan comes
    ledger.link("digest/" + DIGEST, new ReleaseLedger.ReleaseKey("hello-go", ID));
    deliver("ecr/image-scan-complete-clean.json");
    assertThat(release().state()).isEqualTo(ReleaseState.BUILDING);

    deliver("ecr/image-action-push.json");

    assertThat(release().state()).isEqualTo(ReleaseState.DEPLOYING);
    assertThat(states()).doesNotHaveDuplicates();
  }

  @Test
  void ecsEventsFindTheDeployingReleaseByItsService_onlyForItsOwnDeployment() throws Exception {
    world.findings.put(DIGEST, List.of());
    throughScan();
    assertThat(release().state()).isEqualTo(ReleaseState.DEPLOYING);
    assertThat(release().deployment().deploymentId()).isEqualTo(FakeWorld.DEPLOYMENT_ID);

    // Someone's own UpdateService of the same ECS service: a deployment of another id.
    Pipeline.Handled other =
        pipeline.handle(
            edited(
                "ecs/deployment-completed.json",
                FakeWorld.DEPLOYMENT_ID,
                "ecs-svc/1111111111111111111"));
    assertThat(other).isInstanceOf(Pipeline.Handled.Ignored.class);
    // An ECS service no environment declares: no index is read for it.
    ledger.indexReads.set(0);
    Pipeline.Handled elsewhere =
        pipeline.handle(
            edited(
                "ecs/deployment-completed.json",
                "service/slipway-demo/hello-go",
                "service/slipway-demo/not-declared"));
    assertThat(elsewhere).isInstanceOf(Pipeline.Handled.Ignored.class);
    assertThat(ledger.indexReads).hasValue(0);
    assertThat(release().seenEvents()).doesNotContain("3c4d5e6f-7a8b-4c9d-8e0f-2a3b4c5d6e7f");

    // The release's own deployment, found by the index though no join key names it.
    assertThat(ledger.linked("deployment/" + FakeWorld.DEPLOYMENT_ID)).isEmpty();
    deliver("ecs/deployment-completed.json");
    assertThat(release().seenEvents()).contains("3c4d5e6f-7a8b-4c9d-8e0f-2a3b4c5d6e7f");
  }

  /** A sample with {@code from} replaced by {@code to} and an event id of its own. */
  static PipelineEvent edited(String path, String from, String to) throws IOException {
    String text =
        Files.readString(Path.of(System.getProperty("slipway.root", ".."), "events", path))
            .replace(from, to)
            .replaceFirst("\"id\": \"[^\"]+\"", "\"id\": \"edited-" + to.hashCode() + "\"");
    return ((ParseResult.Parsed) new EventParser().parse(text).get(0)).event();
  }

  @Test
  void ecsFinishingBeforeTheDeployIsRecorded_isRetried_notLost() throws Exception {
    world.findings.put(DIGEST, List.of());
    deliver("s3/object-created-source-upload.json");
    deliver("codebuild/build-state-compile-succeeded.json");
    deliver("codebuild/build-state-image-succeeded.json");
    deliver("ecr/image-action-push.json");
    // ECS's event comes between the deployment's start and the record of it
    List<Object> early = new ArrayList<>();
    world.afterNextDeploy =
        () -> {
          try {
            early.add(pipeline.handle(sample("ecs/deployment-completed.json")));
          } catch (Exception e) {
            early.add(e);
          }
        };
    deliver("ecr/image-scan-complete-clean.json");

    assertThat(early).singleElement().isInstanceOf(Unavailable.class);
    assertThat(release().state()).isEqualTo(ReleaseState.DEPLOYING);
    // it comes again, as SQS or EventBridge redeliver a failed event: now it counts
    deliver("ecs/deployment-completed.json");
    clock.advance(Duration.ofSeconds(301));
    pipeline.reconcile();
    assertThat(release().state()).isEqualTo(ReleaseState.LIVE);
  }

  @Test
  void ecsEndingWhileTheDeployingHandlerIsDeadWithItsClaim_isAppliedOnceTheStartIsRecorded()
      throws Exception {
    world.findings.put(DIGEST, List.of());
    deliver("s3/object-created-source-upload.json");
    deliver("codebuild/build-state-compile-succeeded.json");
    deliver("codebuild/build-state-image-succeeded.json");
    deliver("ecr/image-action-push.json");
    // the handler carrying out the deploy dies after ECS took the update, holding the claim
    world.afterNextDeploy =
        () -> {
          throw new IllegalStateException("handler killed");
        };
    assertThatThrownBy(() -> deliver("ecr/image-scan-complete-clean.json"))
        .hasMessage("handler killed");
    assertThat(release().deployment()).isNull();
    // ECS's event fails its first delivery, leaving a mark; the deliveries after it find the
    // mark and are done (not failed on until the event is dead-lettered)
    assertThatThrownBy(() -> deliver("ecs/deployment-completed.json"))
        .isInstanceOf(Unavailable.class);
    for (int delivery = 1; delivery < 5; delivery++) {
      clock.advance(Duration.ofSeconds(10));
      assertThat(deliver("ecs/deployment-completed.json"))
          .isInstanceOf(Pipeline.Handled.Ignored.class);
    }
    assertThat(release().deployment()).isNull();
    // ECS never shows the outcome here (world.deploymentOutcomes is empty): only the mark can
    clock.advance(Duration.ofSeconds(301));
    pipeline.reconcile(); // the claim has expired: the deploy is done again and recorded
    pipeline.reconcile(); // the mark the lost event left ends the deployment
    clock.advance(Duration.ofSeconds(301));
    pipeline.reconcile(); // the bake ends

    assertThat(release().state()).isEqualTo(ReleaseState.LIVE);
    assertThat(states()).doesNotHaveDuplicates();
    assertThat(world.ran.stream().filter(r -> r.contains(" Deploy "))).hasSize(2);
  }

  @Test
  void lostEvents_areRecoveredByTheReconciler() throws Exception {
    world.findings.put(DIGEST, List.of());
    deliver("s3/object-created-source-upload.json");
    deliver("codebuild/build-state-compile-succeeded.json");
    // the image build's SUCCEEDED event is lost
    deliver("ecr/image-action-push.json");
    world.buildStatuses.put(
        "arn:aws:codebuild:eu-west-1:210987654321:build/slipway-image:1e2d3c4b-5a6f-4e7d-9c8b-0a9f8e7d6c5b",
        "SUCCEEDED");
    clock.advance(Duration.ofMinutes(16));
    pipeline.reconcile();
    // the scan-complete event is lost too: the reconciler reads the findings itself
    assertThat(release().state()).isIn(ReleaseState.SCANNING, ReleaseState.DEPLOYING);
    clock.advance(Duration.ofMinutes(16));
    pipeline.reconcile();
    assertThat(release().state()).isEqualTo(ReleaseState.DEPLOYING);
    // and ECS's deployment event: the reconciler asks ECS
    world.deploymentOutcomes.put(FakeWorld.DEPLOYMENT_ID, true);
    clock.advance(Duration.ofMinutes(16));
    pipeline.reconcile();
    clock.advance(Duration.ofSeconds(301));
    pipeline.reconcile();

    assertThat(release().state()).isEqualTo(ReleaseState.LIVE);
    assertThat(release().history().stream().map(Release.Transition::cause))
        .anyMatch(cause -> cause != null && cause.startsWith("reconcile:"));
  }

  @Test
  void aLostPushEvent_isFoundByTheReconcilerByItsTag_andTheReleaseEnds() throws Exception {
    world.findings.put(DIGEST, List.of());
    deliver("s3/object-created-source-upload.json");
    deliver("codebuild/build-state-compile-succeeded.json");
    deliver("codebuild/build-state-image-succeeded.json");
    // ECR's push event never comes; the image is in the repository under the release's tag.
    clock.advance(Duration.ofMinutes(16));
    pipeline.reconcile();
    assertThat(release().state()).as("nothing pushed yet").isEqualTo(ReleaseState.BUILDING);
    world.tags.put("slipway/hello-go:" + ID, DIGEST);

    pipeline.reconcile();

    assertThat(release().image().pinned())
        .isEqualTo("210987654321.dkr.ecr.eu-west-1.amazonaws.com/slipway/hello-go@" + DIGEST);
    assertThat(release().state()).isIn(ReleaseState.SCANNING, ReleaseState.DEPLOYING);
    deliver("ecr/image-scan-complete-clean.json");
    assertThat(release().state()).isEqualTo(ReleaseState.DEPLOYING);
  }

  /** The sample upload, as the source bucket lists it (the reconciler's sweep finds it there). */
  void sampleUploadInTheBucket(dev.slipway.event.S3ObjectCreated upload) {
    world.uploads.add(
        new SourceArchives.Upload(
            new dev.slipway.release.SourceRef(
                upload.bucket(), upload.key(), upload.versionId(), upload.etag()),
            upload.meta().time()));
  }

  @Test
  void aLostUploadEvent_isFoundByTheReconciler_onceItsEventHadItsChance() throws Exception {
    var upload = (dev.slipway.event.S3ObjectCreated) sample("s3/object-created-source-upload.json");
    sampleUploadInTheBucket(upload);
    clock.set(upload.meta().time().plusSeconds(60));
    pipeline.reconcile();
    assertThat(ledger.read("hello-go", ID)).as("its event may still come").isEmpty();

    clock.advance(Duration.ofMinutes(16));
    pipeline.reconcile();

    assertThat(release().state()).isEqualTo(ReleaseState.BUILDING);
    assertThat(release().history().get(0).cause()).isEqualTo("reconcile:upload:" + ID);
    assertThat(world.ran)
        .containsExactly(
            ID + " Publish Release Requested",
            ID + " StartBuild COMPILE",
            ID + " Publish Release Building");
    // The event coming late after all changes nothing; the next tick finds nothing new.
    deliver("s3/object-created-source-upload.json");
    pipeline.reconcile();
    assertThat(world.ran.stream().filter(r -> r.contains("StartBuild"))).hasSize(1);
    assertThat(ledger.cursor(Reconciler.UPLOAD_SWEEP))
        .as("every upload fits one page: the sweep's cursor never moves, nothing written")
        .isEmpty();
  }

  @Test
  void theUploadSweep_listsOnePageATick_andGoesOnWhereTheLastTickStopped_evenInANewInstance()
      throws Exception {
    // Issue 19: a tick's cost must not grow with the uploads kept. Two uploads a page here (S3:
    // 1,000); three older than the look-back, sorted before the lost one.
    world.uploadPage = 2;
    var upload = (dev.slipway.event.S3ObjectCreated) sample("s3/object-created-source-upload.json");
    for (int n = 0; n < 3; n++) {
      world.uploads.add(
          new SourceArchives.Upload(
              new dev.slipway.release.SourceRef(
                  upload.bucket(), "sources/hello-go/0-old-" + n + ".zip", "v" + n, "e" + n),
              upload.meta().time().minus(Duration.ofDays(2))));
    }
    sampleUploadInTheBucket(upload);
    clock.set(upload.meta().time().plus(Duration.ofMinutes(16)));

    pipeline.reconcile();
    assertThat(ledger.read("hello-go", ID)).as("not in the first page").isEmpty();
    assertThat(ledger.cursor(Reconciler.UPLOAD_SWEEP).orElseThrow().value().after())
        .isEqualTo("sources/hello-go/0-old-1.zip");

    // The next tick in a new instance (a cold start) goes on from the ledger's cursor.
    Pipeline next = new Pipeline(config, world.ports(ledger), clock);
    next.reconcile();
    assertThat(release().state()).isEqualTo(ReleaseState.BUILDING);
    assertThat(release().history().get(0).cause()).isEqualTo("reconcile:upload:" + ID);

    // That page ended the listing: the next tick starts over, without reading the cursor again.
    assertThat(ledger.cursor(Reconciler.UPLOAD_SWEEP).orElseThrow().value().after()).isNull();
    ledger.cursorReads.set(0);
    next.reconcile();
    assertThat(world.uploadListings).containsExactly(null, "sources/hello-go/0-old-1.zip", null);
    assertThat(ledger.cursorReads).as("not read again: this instance wrote it").hasValue(0);
    assertThat(ledger.cursor(Reconciler.UPLOAD_SWEEP).orElseThrow().value().after())
        .isEqualTo("sources/hello-go/0-old-1.zip");
    assertThat(world.ran.stream().filter(r -> r.contains("StartBuild"))).hasSize(1);
  }

  @Test
  void aReleaseNoIndexShows_isBroughtIntoItByTheUploadSweep_notLeftInvisible() throws Exception {
    // The handler stopped between the record and the index (or the create's answer was lost and
    // its retry, refused, found the record and changed nothing): the reconciler finds open
    // releases by the index, so only the upload sweep can see this one (the load drill's faults
    // found a release that never showed up).
    var upload = (dev.slipway.event.S3ObjectCreated) sample("s3/object-created-source-upload.json");
    deliver("s3/object-created-source-upload.json");
    var index = ledger.readIndex("hello-go").orElseThrow();
    assertThat(ledger.replaceIndex(ServiceIndex.empty("hello-go"), index.version())).isTrue();
    sampleUploadInTheBucket(upload);
    clock.set(upload.meta().time().plus(Duration.ofMinutes(16)));

    pipeline.reconcile();

    assertThat(ledger.readIndex("hello-go").orElseThrow().value().releases())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.id()).isEqualTo(ID);
              assertThat(e.state()).isEqualTo(ReleaseState.BUILDING);
            });
    assertThat(world.ran.stream().filter(r -> r.contains("StartBuild"))).hasSize(1);
  }

  @Test
  void aReleasePastItsStatesLimit_isMarkedStuckOnce_announced_andLeftWhereItIs() throws Exception {
    deliver("s3/object-created-source-upload.json");
    deliver("codebuild/build-state-compile-succeeded.json");
    // The image build never ends and CodeBuild never answers: BUILDING past the hour's limit.
    clock.advance(Duration.ofMinutes(59));
    pipeline.reconcile();
    assertThat(release().history().get(release().history().size() - 1).detail())
        .doesNotStartWith("stuck:");
    clock.advance(Duration.ofMinutes(2));
    pipeline.reconcile();
    pipeline.reconcile();

    Release stuck = release();
    assertThat(stuck.state()).isEqualTo(ReleaseState.BUILDING);
    assertThat(stuck.history().stream().filter(t -> t.detail().startsWith("stuck: BUILDING")))
        .hasSize(1);
    assertThat(world.ran.stream().filter(r -> r.equals(ID + " Publish Release Stuck"))).hasSize(1);
    // A person approving nothing is not the point: a release waiting for approval has days.
    assertThat(Fixtures.config().limitOf(ReleaseState.AWAITING_APPROVAL, 0))
        .isEqualTo(Duration.ofDays(3));
  }

  /** A sample with every {@code from} replaced by {@code to}, parsed. */
  static PipelineEvent sampleWith(String path, String from, String to) throws IOException {
    String text =
        Files.readString(Path.of(System.getProperty("slipway.root", ".."), "events", path))
            .replace(from, to);
    return ((ParseResult.Parsed) new EventParser().parse(text).get(0)).event();
  }

  static final dev.slipway.release.Manifest.Dockerfile DOCKERFILE =
      new dev.slipway.release.Manifest.Dockerfile(
          "Dockerfile",
          ".",
          List.of(
              dev.slipway.release.Platform.parse("linux/amd64").orElseThrow(),
              dev.slipway.release.Platform.parse("linux/arm64").orElseThrow()));

  /** {@code config} with the manifest naming {@link #DOCKERFILE}. */
  static dev.slipway.release.ReleaseConfig withDockerfile(
      dev.slipway.release.ReleaseConfig config) {
    return new dev.slipway.release.ReleaseConfig(
        config.scan(), config.deploy(), config.health(), null, null, DOCKERFILE);
  }

  @Test
  void aManifestNamingADockerfile_runsItsOneBuild_insteadOfCompileAndImage_thenGoesOnAtThePush()
      throws Exception {
    world.findings.put(DIGEST, List.of());
    world.config = withDockerfile(world.config);
    deliver("s3/object-created-source-upload.json");
    assertThat(world.ran)
        .contains(ID + " StartBuild DOCKERFILE")
        .noneMatch(r -> r.contains("COMPILE"));
    assertThat(release().state()).isEqualTo(ReleaseState.BUILDING);

    clock.advance(Duration.ofSeconds(30));
    pipeline.handle(
        sampleWith(
            "codebuild/build-state-image-succeeded.json", "slipway-image", "slipway-dockerfile"));
    deliver("ecr/image-action-push.json");
    deliver("ecr/image-scan-complete-clean.json");

    assertThat(release().state()).isEqualTo(ReleaseState.DEPLOYING);
    assertThat(world.ran).noneMatch(r -> r.contains("StartBuild IMAGE"));
  }

  @Test
  void whereNoDockerfileCanBeBuilt_suchAnUploadIsRefusedAtOnce_namingWhy() throws Exception {
    world.config = withDockerfile(world.config);
    EngineConfig base = Fixtures.config();
    EngineConfig local =
        new EngineConfig(
            base.sourceBucket(),
            base.compileProject(),
            base.imageProject(),
            base.services(),
            base.alarmServices(),
            base.stuckAfter(),
            base.claimTtl(),
            base.stuckLimit(),
            base.approvalLimit(),
            base.dockerfileProject(),
            "slipway local builds no Dockerfile (no Docker daemon)");
    Pipeline refusing = new Pipeline(local, world.ports(ledger), clock);

    refusing.handle(sample("s3/object-created-source-upload.json"));

    assertThat(release().state()).isEqualTo(ReleaseState.FAILED);
    assertThat(release().reason())
        .isEqualTo(
            "slipway.json: dockerfile: slipway local builds no Dockerfile (no Docker daemon)");
    assertThat(world.ran).noneMatch(r -> r.contains("StartBuild"));
  }

  @Test
  void anImageNeverScanned_isNeverTakenAsClean_andFailsWithTheReasonInTime() throws Exception {
    // Finding 6: "no findings yet" after the stuck period used to pass the scan as clean.
    deliver("s3/object-created-source-upload.json");
    deliver("codebuild/build-state-compile-succeeded.json");
    deliver("codebuild/build-state-image-succeeded.json");
    deliver("ecr/image-action-push.json");
    for (int i = 0; i < 3; i++) {
      clock.advance(Duration.ofMinutes(16));
      pipeline.reconcile();
      assertThat(release().state()).isEqualTo(ReleaseState.SCANNING);
    }
    clock.advance(Duration.ofMinutes(16));
    pipeline.reconcile();

    assertThat(release().state()).isEqualTo(ReleaseState.FAILED);
    assertThat(release().reason())
        .contains("no finished scan of")
        .contains("aws inspector2 enable");
    assertThat(world.ran).noneMatch(effect -> effect.contains("Deploy"));
  }

  @Test
  void anImageTheScannerWillNotScan_failsTheRelease_withEcrsAnswer() throws Exception {
    world.unscannable.put(DIGEST, "the scan of " + DIGEST + " ended UNSUPPORTED_IMAGE");
    deliver("s3/object-created-source-upload.json");
    deliver("codebuild/build-state-compile-succeeded.json");
    deliver("codebuild/build-state-image-succeeded.json");
    deliver("ecr/image-action-push.json");
    deliver("ecr/image-scan-complete-clean.json");

    assertThat(release().state()).isEqualTo(ReleaseState.FAILED);
    assertThat(release().reason()).contains("ended UNSUPPORTED_IMAGE");
  }

  @Test
  void scanOfAnotherDigest_isIgnored() throws Exception {
    world.findings.put(DIGEST, List.of());
    deliver("s3/object-created-source-upload.json");
    deliver("codebuild/build-state-compile-succeeded.json");
    deliver("codebuild/build-state-image-succeeded.json");
    deliver("ecr/image-action-push.json");

    Pipeline.Handled outcome = pipeline.handle(sample("inspector2/finding-go-module.json"));
    assertThat(outcome).isInstanceOf(Pipeline.Handled.Ignored.class);
    PipelineEvent otherScan = sample("ecr/image-scan-complete-findings.json");
    ledger.link("digest/sha256:other", new ReleaseLedger.ReleaseKey("hello-go", ID));
    var machine =
        dev.slipway.release.ReleaseMachine.decide(
            release(),
            new dev.slipway.release.Input.ScanCompleted("x", "sha256:other", List.of()),
            clock.instant(),
            null);
    assertThat(machine.changed()).isFalse();
    assertThat(otherScan.kind()).isEqualTo("ecr.image-scan");
    assertThat(release().state()).isEqualTo(ReleaseState.SCANNING);
  }

  /** The bake timer Slipway sends itself for {@link #ID}, due at {@code at}. */
  static PipelineEvent timer(Instant at, String eventId) {
    return new dev.slipway.event.BakeTimer(
        new dev.slipway.event.EventMeta(
            eventId, "slipway.timer", "Bake Timer", at, null, null, List.of()),
        "hello-go",
        ID,
        at);
  }

  @Test
  void aBakeTimerComingEarly_isSetAgainForWhatIsLeft_andEndsTheBakeAtItsTime() throws Exception {
    world.findings.put(DIGEST, List.of());
    throughScan();
    deliver("ecs/deployment-completed.json");
    Instant bakeUntil = release().deployment().bakeUntil();

    clock.advance(Duration.ofSeconds(100)); // capped delays wake a long bake early
    pipeline.handle(timer(bakeUntil, "early"));
    assertThat(release().state()).isEqualTo(ReleaseState.DEPLOYING);
    assertThat(world.ran.stream().filter(r -> r.equals(ID + " WakeAt " + bakeUntil))).hasSize(2);

    clock.advance(Duration.ofSeconds(200));
    pipeline.handle(timer(bakeUntil, "due"));
    assertThat(release().state()).isEqualTo(ReleaseState.LIVE);
  }

  static final String FOREIGN_DIGEST =
      "sha256:1f0e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";

  /** A sample event with its digest (and event id) swapped, as parsed. */
  static PipelineEvent withDigest(String path, String digest, String eventId) throws IOException {
    String text =
        Files.readString(Path.of(System.getProperty("slipway.root", ".."), "events", path))
            .replace(DIGEST, digest)
            .replaceFirst("\"id\": \"[^\"]+\"", "\"id\": \"" + eventId + "\"");
    return ((ParseResult.Parsed) new EventParser().parse(text).get(0)).event();
  }

  @Test
  void anImageBuiltElsewhere_startsAnImageOnlyRelease_scannedGatedAndDeployedByDigest()
      throws Exception {
    world.findings.put(FOREIGN_DIGEST, List.of());
    Pipeline.Handled pushed = deliver("ecr/image-action-push-built-elsewhere.json");

    String id = Release.imageOnlyId("hello-go", FOREIGN_DIGEST);
    assertThat(pushed).isInstanceOf(Pipeline.Handled.Applied.class);
    Release release = ledger.read("hello-go", id).orElseThrow().value();
    assertThat(release.imageOnly()).isTrue();
    assertThat(release.history().stream().map(Release.Transition::to))
        .containsExactly(ReleaseState.REQUESTED, ReleaseState.IMAGE_READY, ReleaseState.SCANNING);
    assertThat(release.history().get(0).detail())
        .isEqualTo(
            "image pushed as slipway/hello-go:v1.4.2, built elsewhere (an image-only release)");
    // No manifest and no earlier release: the declarations' floor, first environment, defaults.
    assertThat(release.config().deploy().cluster()).isEqualTo("slipway-demo");
    assertThat(release.config().deploy().bakeSeconds()).isEqualTo(300);
    assertThat(release.config().scan().block()).contains(Severity.CRITICAL, Severity.HIGH);
    assertThat(world.ran).noneMatch(r -> r.contains("StartBuild"));

    clock.advance(Duration.ofSeconds(1));
    pipeline.handle(withDigest("ecr/image-scan-complete-clean.json", FOREIGN_DIGEST, "scan-1"));
    release = ledger.read("hello-go", id).orElseThrow().value();
    assertThat(release.state()).isEqualTo(ReleaseState.DEPLOYING);
    assertThat(world.ran)
        .contains(
            id
                + " Deploy 210987654321.dkr.ecr.eu-west-1"
                + ".amazonaws.com/slipway/hello-go@"
                + FOREIGN_DIGEST);
  }

  @Test
  void aScanEndingBeforeAnImageOnlyPushIsHandled_isAppliedWhenItIs_notLost() throws Exception {
    // The image-only release is created before its digests are linked (LocalScenariosIT found a
    // scan, handled between an earlier link and the creation, dropped as "no release": the release
    // stayed SCANNING; that interleaving needs two handlers). A scan before the link leaves its
    // mark
    // and is applied once the push is.
    world.findings.put(FOREIGN_DIGEST, List.of());
    clock.advance(Duration.ofSeconds(1));
    pipeline.handle(withDigest("ecr/image-scan-complete-clean.json", FOREIGN_DIGEST, "scan-early"));

    deliver("ecr/image-action-push-built-elsewhere.json");

    assertThat(
            ledger
                .read("hello-go", Release.imageOnlyId("hello-go", FOREIGN_DIGEST))
                .orElseThrow()
                .value()
                .state())
        .isEqualTo(ReleaseState.DEPLOYING);
  }

  @Test
  void aReleasesOwnPush_looksUpNoDigestLink_aRetagDoes() throws Exception {
    world.findings.put(DIGEST, List.of());
    deliver("s3/object-created-source-upload.json");
    deliver("codebuild/build-state-compile-succeeded.json");
    deliver("codebuild/build-state-image-succeeded.json");
    ledger.lookups.clear();
    deliver("ecr/image-action-push.json");
    // Its tag names the release: which release the digest is of needs no lookup, and no scan came
    // first, so no key its links found held is read for a scan's mark either (issue 19).
    assertThat(ledger.lookups).isEmpty();
    assertThat(ledger.read("hello-go", ID).orElseThrow().value().image()).isNotNull();

    ledger.lookups.clear();
    deliver("ecr/image-action-push-built-elsewhere.json");
    assertThat(ledger.lookups).anyMatch(k -> k.startsWith("digest/"));
  }

  @Test
  void theSameImagePushedAgain_orUnderAnotherTag_isTheSameRelease() throws Exception {
    deliver("ecr/image-action-push-built-elsewhere.json");
    deliver("ecr/image-action-push-built-elsewhere.json");
    String retag =
        Files.readString(
                Path.of(
                    System.getProperty("slipway.root", ".."),
                    "events/ecr/image-action-push-built-elsewhere.json"))
            .replace("v1.4.2", "latest")
            .replace(
                "4c1d2e3f-5a6b-4c7d-8e9f-0a1b2c3d4e5f", "5c1d2e3f-5a6b-4c7d-8e9f-0a1b2c3d4e5f");
    Pipeline.Handled again =
        pipeline.handle(((ParseResult.Parsed) new EventParser().parse(retag).get(0)).event());

    assertThat(again).isInstanceOf(Pipeline.Handled.Ignored.class);
    assertThat(((Pipeline.Handled.Ignored) again).reason())
        .contains("names the image of release " + Release.imageOnlyId("hello-go", FOREIGN_DIGEST));
    assertThat(ledger.readIndex("hello-go").orElseThrow().value().releases()).hasSize(1);
    assertThat(world.ran.stream().filter(r -> r.contains("Release Requested"))).hasSize(1);
  }

  @Test
  void anImageOnlyRelease_isConfiguredAsTheServicesLastRelease() throws Exception {
    world.findings.put(DIGEST, List.of());
    world.config =
        new dev.slipway.release.ReleaseConfig(
            dev.slipway.release.ScanPolicy.DEFAULT,
            new dev.slipway.release.Manifest.Deploy("slipway-demo", "hello-go", "web", 20),
            new dev.slipway.release.Manifest.Health("/live", "/ready", 5));
    throughScan();
    clock.advance(Duration.ofMinutes(10));

    deliver("ecr/image-action-push-built-elsewhere.json");

    Release imageOnly =
        ledger
            .read("hello-go", Release.imageOnlyId("hello-go", FOREIGN_DIGEST))
            .orElseThrow()
            .value();
    assertThat(imageOnly.config().deploy().container()).isEqualTo("web");
    assertThat(imageOnly.config().deploy().bakeSeconds()).isEqualTo(20);
    assertThat(imageOnly.config().health().readiness()).isEqualTo("/ready");
  }

  @Test
  void aSlipwayImageRetagged_startsNothing() throws Exception {
    world.findings.put(DIGEST, List.of());
    throughScan();
    String retag =
        Files.readString(
                Path.of(
                    System.getProperty("slipway.root", ".."), "events/ecr/image-action-push.json"))
            .replace("\"hello-go-25f25853d6a0\"", "\"latest\"")
            .replace(
                "7e6d5c4b-3a29-4182-9f7e-6d5c4b3a2918", "8e6d5c4b-3a29-4182-9f7e-6d5c4b3a2918");

    Pipeline.Handled outcome =
        pipeline.handle(((ParseResult.Parsed) new EventParser().parse(retag).get(0)).event());

    assertThat(outcome).isInstanceOf(Pipeline.Handled.Ignored.class);
    assertThat(ledger.readIndex("hello-go").orElseThrow().value().releases()).hasSize(1);
  }

  static <T> List<List<T>> permutations(List<T> items) {
    if (items.size() <= 1) {
      return List.of(items);
    }
    List<List<T>> out = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      List<T> rest = new ArrayList<>(items);
      T head = rest.remove(i);
      for (List<T> tail : permutations(rest)) {
        List<T> one = new ArrayList<>();
        one.add(head);
        one.addAll(tail);
        out.add(one);
      }
    }
    return out;
  }
}
