package dev.slipway.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.release.Effect;
import dev.slipway.release.Finding;
import dev.slipway.release.Input;
import dev.slipway.release.Release;
import dev.slipway.release.ReleaseState;
import dev.slipway.release.ServiceView;
import dev.slipway.release.Severity;
import dev.slipway.release.SourceRef;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Two releases of one service racing: the newer wins, the older is SUPERSEDED. */
class ReleaseRaceTest {
  final MutableClock clock = new MutableClock(Instant.parse("2026-11-27T10:00:00Z"));
  final InMemoryLedger ledger = new InMemoryLedger();
  final FakeWorld world = new FakeWorld();
  final ReleaseEngine engine = new ReleaseEngine(ledger, world, clock);

  final SourceRef olderSource = new SourceRef("b", "sources/hello-go/one.zip", "v1", null);
  final SourceRef newerSource = new SourceRef("b", "sources/hello-go/two.zip", "v2", null);
  final String older = olderSource.releaseId();
  final String newer = newerSource.releaseId();

  void compiled(String id) {
    engine.apply(
        "hello-go",
        id,
        new Input.BuildFinished(
            "c-" + id, Effect.BuildKind.COMPILE, build(id, "compile", "COMPILE"), "SUCCEEDED"));
  }

  void pushed(String id) {
    engine.apply(
        "hello-go", id, new Input.ImagePushed("p-" + id, null, "repo", "sha256:" + id, List.of()));
  }

  void upTo(SourceRef source, Instant uploaded, List<Finding> findings) {
    String id = source.releaseId();
    engine.apply(
        "hello-go", id, new Input.SourceUploaded("up-" + id, uploaded, source, world.config, null));
    compiled(id);
    engine.apply(
        "hello-go",
        id,
        new Input.BuildFinished(
            "i-" + id, Effect.BuildKind.IMAGE, build(id, "image", "IMAGE"), "SUCCEEDED"));
    pushed(id);
    engine.apply("hello-go", id, new Input.ScanCompleted("s-" + id, "sha256:" + id, findings));
  }

  static String build(String id, String project, String kind) {
    return "arn:aws:codebuild:eu-west-1:210987654321:build/slipway-"
        + project
        + ":"
        + id
        + "-"
        + kind;
  }

  Release get(String id) {
    return ledger.read("hello-go", id).orElseThrow().value();
  }

  @Test
  void newerApprovedFirst_olderApprovedLater_olderIsSuperseded() {
    List<Finding> medium = List.of(new Finding("GO-1", Severity.MEDIUM, "x", "1"));
    upTo(olderSource, Instant.parse("2026-11-27T10:00:00Z"), medium); // waits for a person
    upTo(newerSource, Instant.parse("2026-11-27T10:05:00Z"), List.of()); // passes and deploys

    engine.apply("hello-go", older, new Input.Approved("a-1", "dana", null));

    assertThat(get(newer).state()).isEqualTo(ReleaseState.DEPLOYING);
    assertThat(get(older).state()).isEqualTo(ReleaseState.SUPERSEDED);
    assertThat(get(older).reason()).isEqualTo("superseded by " + newer + " (DEPLOYING)");
    assertThat(world.ran).noneMatch(r -> r.startsWith(older) && r.contains(" Deploy "));
  }

  @Test
  void olderDeploying_whenTheNewersImageBuildIsTheLastEventToArrive_theOlderStillGivesWay() {
    upTo(olderSource, Instant.parse("2026-11-27T10:00:00Z"), List.of());
    String id = newer;
    engine.apply(
        "hello-go",
        id,
        new Input.SourceUploaded(
            "up-" + id, Instant.parse("2026-11-27T10:05:00Z"), newerSource, world.config, null));
    compiled(id);
    pushed(id);
    engine.apply("hello-go", id, new Input.ScanCompleted("s-" + id, "sha256:" + id, List.of()));
    // the image build's own SUCCEEDED event comes last, as `slipway local` and CodeBuild may order
    // it
    engine.apply(
        "hello-go",
        id,
        new Input.BuildFinished(
            "i-" + id, Effect.BuildKind.IMAGE, build(id, "image", "IMAGE"), "SUCCEEDED"));

    assertThat(get(newer).state()).isEqualTo(ReleaseState.DEPLOYING);
    assertThat(get(older).state()).isEqualTo(ReleaseState.SUPERSEDED);
  }

  @Test
  void twoUploadsInTheSameSecond_theOneSeenLaterIsTheNewer() {
    Instant sameSecond = Instant.parse("2026-11-27T10:00:00Z");
    upTo(olderSource, sameSecond, List.of(new Finding("GO-1", Severity.MEDIUM, "x", "1")));
    clock.advance(java.time.Duration.ofMillis(300));
    upTo(newerSource, sameSecond, List.of());

    engine.apply("hello-go", older, new Input.Approved("a-1", "dana", null));

    assertThat(get(newer).state()).isEqualTo(ReleaseState.DEPLOYING);
    assertThat(get(older).state()).isEqualTo(ReleaseState.SUPERSEDED);
    assertThat(ledger.readIndex("hello-go").orElseThrow().value().releases().get(0).id())
        .isEqualTo(newer);
  }

  @Test
  void olderDeploying_whenNewerIsApproved_theOlderGivesWay() {
    upTo(olderSource, Instant.parse("2026-11-27T10:00:00Z"), List.of());
    assertThat(get(older).state()).isEqualTo(ReleaseState.DEPLOYING);

    upTo(newerSource, Instant.parse("2026-11-27T10:05:00Z"), List.of());

    assertThat(get(newer).state()).isEqualTo(ReleaseState.DEPLOYING);
    assertThat(get(older).state()).isEqualTo(ReleaseState.SUPERSEDED);
    // the older deployment's completion arrives late: it must not make the older release LIVE
    engine.apply(
        "hello-go", older, new Input.DeploymentEnded("late", "ecs-svc/" + older, true, null));
    assertThat(get(older).state()).isEqualTo(ReleaseState.SUPERSEDED);
    assertThat(ledger.readIndex("hello-go").orElseThrow().value().deploying())
        .extracting(ServiceView.Entry::id)
        .containsExactly(newer);
  }
}
