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
import net.jqwik.api.statistics.Statistics;

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
            new Input.Superseded("su2", "svc-000000000001", "staging"),
            new Input.EffectFailed("ef", "deploy", "AccessDenied"),
            new Input.RollbackRequested("rb", "arn:aws:iam::1:user/a", null, null, false),
            new Input.Returned("rt", "svc-000000000002", "arn:aws:iam::1:user/a", "td:3"),
            new Input.DeployStarted("ds2", "td:2", "td:3", "d2"),
            new Input.DeploymentEnded("de3", "d2", true, null),
            new Input.BakeDue("bd"),
            new Input.Promoted("pr", "production", "arn:aws:iam::1:user/a", null),
            new Input.Promoted("pr0", "staging", "arn:aws:iam::1:user/a", null),
            new Input.DeployStarted("ds3", "td:4", "td:2", "d3"),
            new Input.DeploymentEnded("de4", "d3", true, null),
            new Input.DeploymentEnded("de5", "d3", false, "circuit breaker"),
            new Input.Approved("ap2", "dana", "production"));
    return Arbitraries.of(all).list().ofMaxSize(25);
  }

  /**
   * Noise, then the way through staging to its bake, then noise: enough sequences reach the second
   * environment (pure noise almost never does).
   */
  @Provide
  Arbitrary<List<Input>> throughStaging() {
    String id = SOURCE.releaseId();
    List<Input> staging =
        List.of(
            new Input.BuildFinished("bf1", Effect.BuildKind.COMPILE, "c1", "SUCCEEDED"),
            new Input.BuildFinished("if1", Effect.BuildKind.IMAGE, "i1", "SUCCEEDED"),
            new Input.ImagePushed("ip", null, "repo", "sha256:" + id, List.of()),
            new Input.ScanCompleted("sc1", "sha256:" + id, List.of()),
            new Input.DeployStarted("ds", "td:2", "td:1", "d1"),
            new Input.DeploymentEnded("de1", "d1", true, null),
            new Input.BakeDue("bd"));
    Arbitrary<List<Input>> noise = inputs();
    return net.jqwik.api.Combinators.combine(noise, noise)
        .as(
            (before, after) -> {
              List<Input> all = new java.util.ArrayList<>(before.subList(0, before.size() / 4));
              all.addAll(staging);
              all.addAll(after);
              return all;
            });
  }

  /** Two environments; production takes releases by itself, and needs a person then. */
  static final ReleaseConfig TWO =
      CONFIG.withStages(
          List.of(
              new Stage("staging", "c", "svc-staging", 60, false, false),
              new Stage("production", "c", "svc", 0, true, true)));

  @Property(tries = 3000)
  void anySequence_neverMovesBackwardsOrLeavesAFinalState(@ForAll("inputs") List<Input> inputs) {
    check(CONFIG, inputs);
  }

  /**
   * Through two environments: the environment only ever advances, and within each one the same
   * rules hold; the only step back in state is out of AWAITING_PROMOTION into the next one.
   */
  @Property(tries = 3000)
  void throughTwoEnvironments_eachOnlyForwards_andTheEnvironmentOnlyAdvances(
      @ForAll("throughStaging") List<Input> inputs) {
    Release last = check(TWO, inputs);
    // The sequences must reach the second environment often enough for this to say anything.
    Statistics.collect(last.currentEnvironment());
    Statistics.coverage(coverage -> coverage.check("production").percentage((Double p) -> p > 1.0));
  }

  private static Release check(ReleaseConfig config, List<Input> inputs) {
    Instant now = Instant.parse("2026-11-27T10:00:00Z");
    Release release =
        ReleaseMachine.decide(
                null, new Input.SourceUploaded("up", now, SOURCE, config, null), now, null)
            .release();
    for (Input input : inputs) {
      now = now.plusSeconds(61);
      ReleaseState before = release.state();
      Release previous = release;
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
      int environmentBefore = config.indexOf(previous.currentEnvironment());
      int environmentAfter = config.indexOf(release.currentEnvironment());
      assertThat(environmentAfter).isGreaterThanOrEqualTo(environmentBefore);
      if (environmentAfter > environmentBefore) {
        // Promoted: by hand from AWAITING_PROMOTION, or by itself in the step that got there.
        assertThat(
                before == ReleaseState.AWAITING_PROMOTION
                    || release.history().subList(historyBefore, release.history().size()).stream()
                        .anyMatch(t -> t.to() == ReleaseState.AWAITING_PROMOTION))
            .isTrue();
        assertThat(release.track(previous.currentEnvironment()).orElseThrow().state())
            .isEqualTo(ReleaseState.LIVE);
      } else {
        assertThat(release.state().ordinal()).isGreaterThanOrEqualTo(before.ordinal());
      }
      if (release.state() == ReleaseState.AWAITING_PROMOTION) {
        assertThat(config.after(release.currentEnvironment())).isPresent();
      }
      if (release.state() == ReleaseState.LIVE) {
        assertThat(config.after(release.currentEnvironment())).isEmpty();
      }
      assertThat(release.history()).hasSizeGreaterThanOrEqualTo(historyBefore);
      // replaying the same input changes nothing
      assertThat(ReleaseMachine.decide(release, input, now, null).changed()).isFalse();
    }
    // Moves only (a note keeps the state: from == to), in order, each state once.
    // In each environment: a new one starts with each move out of AWAITING_PROMOTION.
    List<List<Integer>> segments = new java.util.ArrayList<>();
    segments.add(new java.util.ArrayList<>());
    for (Release.Transition t : release.history()) {
      if (t.from() == t.to()) {
        continue;
      }
      if (t.from() == ReleaseState.AWAITING_PROMOTION && !t.to().isFinal()) {
        segments.add(new java.util.ArrayList<>());
      }
      segments.get(segments.size() - 1).add(t.to().ordinal());
    }
    assertThat(segments.size()).isLessThanOrEqualTo(config.path().size());
    segments.forEach(order -> assertThat(order).isSorted().doesNotHaveDuplicates());
    assertThat(Map.of("pending", release.pending().stream().map(Effect::key).distinct().count()))
        .containsEntry("pending", (long) release.pending().size());
    return release;
  }
}
