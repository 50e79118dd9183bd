package dev.slipway.release;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Whatever inputs arrive in whatever order: never backwards, nothing after a final state but a live
 * release's manual rollback and return.
 */
class ReleaseMachinePropertyTest {
  static final SourceRef SOURCE = new SourceRef("b", "sources/svc/a.zip", "v1", null);
  static final ReleaseConfig CONFIG =
      new ReleaseConfig(
          ScanPolicy.DEFAULT,
          new Manifest.Deploy("c", "svc", "svc", 60),
          new Manifest.Health("/h", "/r", 5));

  @Provide
  Arbitrary<List<Input>> inputs() {
    String id = SOURCE.releaseId();
    List<Input> all =
        List.of(
            new Input.BuildStarted("bs", Effect.BuildKind.COMPILE, "c1"),
            new Input.BuildFinished("bf1", Effect.BuildKind.COMPILE, "c1", "SUCCEEDED"),
            new Input.BuildFinished("bf2", Effect.BuildKind.COMPILE, "c1", "FAILED"),
            new Input.BuildStarted("is", Effect.BuildKind.IMAGE, "i1"),
            new Input.BuildFinished("if1", Effect.BuildKind.IMAGE, "i1", "SUCCEEDED"),
            new Input.ImagePushed("ip", null, "repo", "sha256:" + id, List.of()),
            new Input.ScanCompleted("sc1", "sha256:" + id, List.of()),
            new Input.ScanCompleted(
                "sc2", "sha256:" + id, List.of(new Finding("X", Severity.MEDIUM, null, null))),
            new Input.ScanCompleted("sc3", "sha256:other", List.of()),
            new Input.Approved("ap", "dana", null),
            new Input.Rejected("rj", "dana", "no"),
            new Input.DeployStarted("ds", "td:2", "td:1", "d1"),
            new Input.DeploymentEnded("de1", "d1", true, null),
            new Input.DeploymentEnded("de2", "d1", false, "circuit breaker"),
            new Input.AlarmFired("al", "a", null),
            new Input.Tick("t1"),
            new Input.Superseded("su", "svc-000000000000"),
            new Input.EffectFailed("ef", "deploy", "AccessDenied"),
            new Input.RollbackRequested("rb", "arn:aws:iam::1:user/a", null, null, false),
            new Input.Returned("rt", "svc-000000000002", "arn:aws:iam::1:user/a", "td:3"),
            new Input.DeployStarted("ds2", "td:2", "td:3", "d2"),
            new Input.DeploymentEnded("de3", "d2", true, null));
    return Arbitraries.of(all).list().ofMaxSize(25);
  }

  @Property(tries = 3000)
  void anySequence_neverMovesBackwardsOrLeavesAFinalState(@ForAll("inputs") List<Input> inputs) {
    Instant now = Instant.parse("2026-11-27T10:00:00Z");
    Release release =
        ReleaseMachine.decide(
                null, new Input.SourceUploaded("up", now, SOURCE, CONFIG, null), now, null)
            .release();
    for (Input input : inputs) {
      now = now.plusSeconds(61);
      ReleaseState before = release.state();
      int historyBefore = release.history().size();
      ReleaseMachine.Decision decision = ReleaseMachine.decide(release, input, now, null);
      release = decision.release();
      if (before.isFinal()) {
        // Out of a final state only a live release moves: a person's rollback of it, or a
        // rollback of a newer one returning to it (and that return's deployment).
        assertThat(decision.changed() && before != ReleaseState.LIVE).isFalse();
        if (release.state() != before) {
          assertThat(input).isInstanceOf(Input.RollbackRequested.class);
          assertThat(release.state()).isEqualTo(ReleaseState.ROLLED_BACK);
        }
      }
      assertThat(release.state().ordinal()).isGreaterThanOrEqualTo(before.ordinal());
      assertThat(release.history()).hasSizeGreaterThanOrEqualTo(historyBefore);
      // replaying the same input changes nothing
      assertThat(ReleaseMachine.decide(release, input, now, null).changed()).isFalse();
    }
    // Moves only (a note keeps the state: from == to), in order, each state once.
    List<Integer> order =
        release.history().stream()
            .filter(t -> t.from() != t.to())
            .map(t -> t.to().ordinal())
            .toList();
    assertThat(order).isSorted().doesNotHaveDuplicates();
    assertThat(Map.of("pending", release.pending().stream().map(Effect::key).distinct().count()))
        .containsEntry("pending", (long) release.pending().size());
  }
}
