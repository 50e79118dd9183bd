package dev.slipway.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.release.Effect;
import dev.slipway.release.Input;
import dev.slipway.release.Release;
import dev.slipway.release.ReleaseState;
import dev.slipway.release.SourceRef;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Issue 19: announcements in a row are one claim, one call to the runner (one PutEvents), and one
 * completion write together with the effect after them; what fails in a group leaves pending
 * exactly what did not go out.
 */
class AnnouncementGroupsTest {
  final MutableClock clock = new MutableClock(Instant.parse("2026-11-27T10:00:00Z"));
  final InMemoryLedger ledger = new InMemoryLedger();
  final FakeWorld world = new FakeWorld();

  /** The world's runner, recording each call: "one <effect>" or "all [<effects>]". */
  final List<String> calls = new ArrayList<>();

  Predicate<Effect> retryWhen = e -> false;

  final EffectRunner recording =
      new EffectRunner() {
        @Override
        public Outcome run(Release release, Effect effect) {
          calls.add("one " + effect.key());
          return retryWhen.test(effect)
              ? new Outcome.Retry("throttled")
              : world.run(release, effect);
        }

        @Override
        public Outcome runAll(Release release, List<Effect.Publish> announcements) {
          calls.add("all " + announcements.stream().map(Effect::key).toList());
          if (announcements.stream().anyMatch(retryWhen)) {
            return new Outcome.Retry("PutEvents: ThrottlingException");
          }
          announcements.forEach(a -> world.run(release, a));
          return new Outcome.Done(null);
        }
      };

  final ReleaseEngine engine = new ReleaseEngine(ledger, recording, clock);
  final SourceRef source = new SourceRef("bucket", "sources/hello-go/build.zip", "v1", null);
  final String id = source.releaseId();

  Release upload() {
    return engine
        .apply(
            "hello-go",
            id,
            new Input.SourceUploaded("up", clock.instant(), source, world.config, null))
        .orElseThrow();
  }

  @Test
  void anAnnouncementAndTheEffectAfterIt_areOneClaimOneCallOneCompletion() {
    long before = ledger.writes.get();
    Release building = upload();

    assertThat(building.state()).isEqualTo(ReleaseState.BUILDING);
    assertThat(building.pending()).isEmpty();
    assertThat(building.claims()).isEmpty();
    // Requested goes out alone in the runner's batch call, then the build starts; Building, the
    // build's follow-up's announcement, is the next group.
    assertThat(calls)
        .containsExactly(
            "all [publish:RELEASE_REQUESTED]",
            "one build:COMPILE",
            "all [publish:RELEASE_BUILDING]");
    // The decision (claiming Requested and the build), one completion for both (claiming
    // Building), Building's completion; and the index once for the new release, once for
    // BUILDING.
    assertThat(ledger.writes.get() - before).isEqualTo(5);
  }

  @Test
  void aThrottledPutEvents_leavesTheWholeGroupPending_unclaimed_andTheBuildNotStarted() {
    retryWhen = e -> e instanceof Effect.Publish p && p.key().equals("publish:RELEASE_REQUESTED");

    assertThatThrownBy(this::upload)
        .isInstanceOf(ReleaseEngine.RetryLater.class)
        .hasMessageContaining("ThrottlingException");

    Release stored = ledger.read("hello-go", id).orElseThrow().value();
    assertThat(stored.pending().stream().map(Effect::key))
        .containsExactly("publish:RELEASE_REQUESTED", "build:COMPILE");
    assertThat(stored.claims()).isEmpty();
    assertThat(calls).doesNotContain("one build:COMPILE");

    // The redelivery (or the reconciler) finishes the group.
    retryWhen = e -> false;
    Release resumed = engine.resume(stored);
    assertThat(resumed.state()).isEqualTo(ReleaseState.BUILDING);
    assertThat(resumed.pending()).isEmpty();
  }

  @Test
  void aThrottledBuildAfterItsAnnouncement_keepsTheAnnouncementDone_andOnlyTheBuildPending() {
    retryWhen = e -> e instanceof Effect.StartBuild;

    assertThatThrownBy(this::upload).isInstanceOf(ReleaseEngine.RetryLater.class);

    Release stored = ledger.read("hello-go", id).orElseThrow().value();
    assertThat(stored.pending().stream().map(Effect::key)).containsExactly("build:COMPILE");
    assertThat(stored.claims()).isEmpty();
    assertThat(calls.stream().filter(c -> c.contains("RELEASE_REQUESTED"))).hasSize(1);
  }
}
