package dev.slipway.bench;

import dev.slipway.event.AlarmStateChange;
import dev.slipway.event.CodeBuildBuildState;
import dev.slipway.event.EcrImageAction;
import dev.slipway.event.EcsDeploymentState;
import dev.slipway.event.EventParser;
import dev.slipway.event.ImageScan;
import dev.slipway.event.ParseResult;
import dev.slipway.event.PipelineEvent;
import dev.slipway.event.S3ObjectCreated;
import dev.slipway.event.SlipwayEvent;
import dev.slipway.release.Effect;
import dev.slipway.release.Finding;
import dev.slipway.release.Input;
import dev.slipway.release.Manifest;
import dev.slipway.release.Release;
import dev.slipway.release.ReleaseConfig;
import dev.slipway.release.ReleaseMachine;
import dev.slipway.release.ReleaseState;
import dev.slipway.release.ScanPolicy;
import dev.slipway.release.ServiceView;
import dev.slipway.release.Severity;
import dev.slipway.release.SourceRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The warm, pure part of handling one event, per event kind: parse the real sample (the project's
 * {@code events/}), turn it into the domain's input as the pipeline does, and decide it against a
 * release in the state where that event moves it. Ledger and AWS calls are not in it (the handler's
 * warm figures against the emulator are in bench/cold-start.py). Each setup checks that its
 * decision really changes the release, so no benchmark measures a no-op. {@code slipway.root} names
 * the checkout (bench/jmh.sh sets it).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(2)
public class ParseAndDecide {
  static final Instant NOW = Instant.parse("2026-11-27T10:05:00Z");
  static final ReleaseConfig CONFIG =
      new ReleaseConfig(
          ScanPolicy.DEFAULT,
          new Manifest.Deploy("slipway", "hello-go", "hello-go", 60),
          new Manifest.Health("/healthz", "/readyz", 5));
  static final String COMPILE =
      "arn:aws:codebuild:eu-west-1:210987654321:build/slipway-compile:0d1c2b3a-4f5e-4d6c-8b7a-9f8e7d6c5b4a";
  static final String DIGEST =
      "sha256:9b2e1d0c4f6a8b3e5d7c9a1f2e4b6d8a0c3e5f7a9b1d3f5e7a9c1b3d5f7e9a1b";
  static final String DEPLOYMENT = "ecs-svc/4827193650284719365";

  final EventParser parser = new EventParser();
  final ServiceView view = ServiceView.empty("hello-go");

  String upload;
  String compileDone;
  String pushed;
  String scanned;
  String deployed;
  String alarm;
  String approved;

  Release building;
  Release imageBuilt;
  Release scanning;
  Release awaiting;
  Release deploying;
  Release baking;

  static String sample(String path) throws IOException {
    return Files.readString(Path.of(System.getProperty("slipway.root", "."), "events", path));
  }

  static Release step(Release release, Input input) {
    ReleaseMachine.Decision d = ReleaseMachine.decide(release, input, NOW, null);
    if (!d.changed()) {
      throw new IllegalStateException(input + " changed nothing in " + release.state());
    }
    return d.release();
  }

  @Setup
  public void setUp() throws IOException {
    upload = sample("s3/object-created-source-upload.json");
    compileDone = sample("codebuild/build-state-compile-succeeded.json");
    pushed = sample("ecr/image-action-push.json");
    scanned = sample("ecr/image-scan-complete-clean.json");
    deployed = sample("ecs/deployment-completed.json");
    alarm = sample("cloudwatch/alarm-5xx-entered-alarm.json");
    approved = sample("slipway/release-approved.json");

    Release requested = step(null, uploadedInput((S3ObjectCreated) parse(upload)));
    building = step(requested, new Input.BuildStarted("b1", Effect.BuildKind.COMPILE, COMPILE));
    Release compiled =
        step(
            building,
            new Input.BuildFinished("b2", Effect.BuildKind.COMPILE, COMPILE, "SUCCEEDED"));
    Release imaging = step(compiled, new Input.BuildStarted("b3", Effect.BuildKind.IMAGE, "i1"));
    imageBuilt =
        step(imaging, new Input.BuildFinished("b4", Effect.BuildKind.IMAGE, "i1", "SUCCEEDED"));
    scanning =
        step(
            imageBuilt,
            new Input.ImagePushed(
                "p1",
                "210987654321.dkr.ecr.eu-west-1.amazonaws.com",
                "slipway/hello-go",
                DIGEST,
                List.of()));
    awaiting =
        step(
            scanning,
            new Input.ScanCompleted(
                "s1", DIGEST, List.of(new Finding("CVE-2026-0001", Severity.MEDIUM, null, null))));
    Release approvedRelease = step(scanning, new Input.ScanCompleted("s2", DIGEST, List.of()));
    deploying = step(approvedRelease, new Input.DeployStarted("d1", "td:2", "td:1", DEPLOYMENT));
    baking = step(deploying, new Input.DeploymentEnded("d2", DEPLOYMENT, true, null));
    // Every benchmark below must move its release: checked once here.
    for (Release r : List.of(building, imageBuilt, scanning, awaiting, deploying, baking)) {
      if (r.state().isFinal()) {
        throw new IllegalStateException("set-up reached a final state: " + r.state());
      }
    }
    step(null, uploadedInput((S3ObjectCreated) parse(upload)));
    step(building, compileInput((CodeBuildBuildState) parse(compileDone)));
    step(imageBuilt, pushInput((EcrImageAction) parse(pushed)));
    step(scanning, scanInput((ImageScan) parse(scanned)));
    step(deploying, deployedInput((EcsDeploymentState) parse(deployed)));
    step(baking, alarmInput((AlarmStateChange) parse(alarm)));
    step(awaiting, approvalInput((SlipwayEvent) parse(approved)));
    if (awaiting.state() != ReleaseState.AWAITING_APPROVAL) {
      throw new IllegalStateException("expected AWAITING_APPROVAL, got " + awaiting.state());
    }
  }

  PipelineEvent parse(String text) {
    return ((ParseResult.Parsed) parser.parse(text).get(0)).event();
  }

  static Input uploadedInput(S3ObjectCreated e) {
    SourceRef source = new SourceRef(e.bucket(), e.key(), e.versionId(), e.etag());
    return new Input.SourceUploaded(e.meta().id(), e.meta().time(), source, CONFIG, null);
  }

  static Input compileInput(CodeBuildBuildState e) {
    return new Input.BuildFinished(
        e.meta().id(), Effect.BuildKind.COMPILE, e.buildId(), e.status());
  }

  static Input pushInput(EcrImageAction e) {
    return new Input.ImagePushed(
        e.meta().id(),
        e.meta().account() + ".dkr.ecr." + e.meta().region() + ".amazonaws.com",
        e.repository(),
        e.digest(),
        List.of());
  }

  static Input scanInput(ImageScan e) {
    return new Input.ScanCompleted(e.meta().id(), e.digest(), List.of());
  }

  static Input deployedInput(EcsDeploymentState e) {
    return new Input.DeploymentEnded(
        e.meta().id(),
        e.deploymentId(),
        e.name().equals("SERVICE_DEPLOYMENT_COMPLETED"),
        e.reason());
  }

  static Input alarmInput(AlarmStateChange e) {
    return new Input.AlarmFired(e.meta().id(), e.alarm(), e.reason());
  }

  static Input approvalInput(SlipwayEvent e) {
    var by = e.detailField("approvedBy");
    return new Input.Approved(e.meta().id(), by == null ? null : by.asText(), null);
  }

  @Benchmark
  public ReleaseMachine.Decision s3ObjectCreated() {
    return ReleaseMachine.decide(null, uploadedInput((S3ObjectCreated) parse(upload)), NOW, view);
  }

  @Benchmark
  public ReleaseMachine.Decision codebuildBuildState() {
    return ReleaseMachine.decide(
        building, compileInput((CodeBuildBuildState) parse(compileDone)), NOW, view);
  }

  @Benchmark
  public ReleaseMachine.Decision ecrImageAction() {
    return ReleaseMachine.decide(imageBuilt, pushInput((EcrImageAction) parse(pushed)), NOW, view);
  }

  @Benchmark
  public ReleaseMachine.Decision ecrImageScan() {
    return ReleaseMachine.decide(scanning, scanInput((ImageScan) parse(scanned)), NOW, view);
  }

  @Benchmark
  public ReleaseMachine.Decision ecsDeploymentState() {
    return ReleaseMachine.decide(
        deploying, deployedInput((EcsDeploymentState) parse(deployed)), NOW, view);
  }

  @Benchmark
  public ReleaseMachine.Decision cloudwatchAlarmState() {
    return ReleaseMachine.decide(baking, alarmInput((AlarmStateChange) parse(alarm)), NOW, view);
  }

  @Benchmark
  public ReleaseMachine.Decision slipwayReleaseApproved() {
    return ReleaseMachine.decide(
        awaiting, approvalInput((SlipwayEvent) parse(approved)), NOW, view);
  }

  /** The baseline in the same run: parsing alone, the largest part of each of the above. */
  @Benchmark
  public PipelineEvent parseOnlyEcrImageScan() {
    return parse(scanned);
  }
}
