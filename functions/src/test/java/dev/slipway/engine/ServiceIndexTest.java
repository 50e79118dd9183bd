package dev.slipway.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.release.Manifest;
import dev.slipway.release.Release;
import dev.slipway.release.ReleaseConfig;
import dev.slipway.release.ReleaseState;
import dev.slipway.release.ScanPolicy;
import dev.slipway.release.ServiceView;
import dev.slipway.release.SourceRef;
import dev.slipway.release.Stage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ServiceIndexTest {
  static final Instant AT = Instant.parse("2026-12-01T10:00:00Z");

  /** A release with {@code states} as its history (the last one is its state). */
  static Release release(ReleaseState... states) {
    Release r = LedgerContract.release("a");
    List<Release.Transition> history = new ArrayList<>();
    ReleaseState from = null;
    for (ReleaseState to : states) {
      history.add(new Release.Transition(AT.plusSeconds(history.size()), from, to, "e", ""));
      from = to;
    }
    return LedgerContract.copy(r, states[states.length - 1], history, r.seenEvents());
  }

  @Test
  void aStaleCopyOfARelease_neverOverwritesTheNewerStateItsIndexShows() {
    Release building = release(ReleaseState.REQUESTED, ReleaseState.BUILDING);
    Release live = release(Fixtures.TO_LIVE.toArray(ReleaseState[]::new));
    ServiceIndex index = ServiceIndex.empty("svc").with(live);

    assertThat(index.shows(building)).as("nothing to write for the stale copy").isTrue();
    assertThat(index.with(building)).isEqualTo(index);
    assertThat(index.releases().get(0).state()).isEqualTo(ReleaseState.LIVE);
    assertThat(index.releases().get(0).transitions()).isEqualTo(7);
  }

  @Test
  void aNewerCopy_replacesTheEntry() {
    Release building = release(ReleaseState.REQUESTED, ReleaseState.BUILDING);
    Release ready =
        release(ReleaseState.REQUESTED, ReleaseState.BUILDING, ReleaseState.IMAGE_READY);
    ServiceIndex index = ServiceIndex.empty("svc").with(building);

    assertThat(index.shows(ready)).isFalse();
    assertThat(index.with(ready).releases())
        .singleElement()
        .satisfies(e -> assertThat(e.state()).isEqualTo(ReleaseState.IMAGE_READY));
  }

  @Test
  void anEntryWrittenBeforeTransitionsWereKept_isReplacedAsBefore() throws Exception {
    String old =
        "{\"service\":\"svc\",\"releases\":[{\"id\":\""
            + release(ReleaseState.REQUESTED).id()
            + "\","
            + "\"requestedAt\":\"2026-12-01T10:00:00Z\",\"state\":\"DEPLOYING\"}]}";
    ServiceIndex index = dev.slipway.json.Json.mapper().readValue(old, ServiceIndex.class);
    assertThat(index.releases().get(0).transitions()).isZero();

    Release live = release(ReleaseState.REQUESTED, ReleaseState.LIVE);
    assertThat(index.with(live).releases().get(0).state()).isEqualTo(ReleaseState.LIVE);
  }

  static final List<String> ENVIRONMENTS = List.of("staging", "production");
  static final ReleaseConfig STAGED =
      new ReleaseConfig(
          ScanPolicy.DEFAULT,
          new Manifest.Deploy("c", "svc", "svc", 60),
          new Manifest.Health("/h", "/r", 5),
          null,
          null,
          null,
          List.of(
              new Stage("staging", "c", "svc-staging", 60, false, false),
              new Stage("production", "c", "svc", 60, false, false)));

  /** A release of {@code svc} uploaded at {@code at}, first seen a second later. */
  static Release releaseAt(String id, Instant at, ReleaseState state, String environment) {
    return new Release(
        id,
        "svc",
        state,
        new SourceRef("bucket", "sources/svc/" + id + ".zip", "v1", null),
        at,
        STAGED,
        null,
        false,
        null,
        false,
        null,
        null,
        null,
        null,
        null,
        List.of(new Release.Transition(at.plusSeconds(1), null, state, "e", "")),
        null,
        null,
        null,
        environment,
        null);
  }

  /**
   * Releases of ten days in random states and environments (mostly final, as a history is), each
   * uploaded in a second of its own.
   */
  static List<ServiceView.Entry> history(Random random, int count) {
    ReleaseState[] states = ReleaseState.values();
    List<ServiceView.Entry> entries = new ArrayList<>();
    List<Integer> seconds = new ArrayList<>();
    while (seconds.size() < count) {
      int s = random.nextInt(10 * 24 * 3600);
      if (!seconds.contains(s)) {
        seconds.add(s);
      }
    }
    seconds.sort(null);
    // the newest releases of some histories all stop in staging (failed, rejected, or not yet
    // approved there): what reached production last is far back
    int stagingOnlyFrom = random.nextBoolean() ? count : count - 150 - random.nextInt(150);
    for (int i = 0; i < count; i++) {
      if (i >= stagingOnlyFrom) {
        Instant at = AT.plusSeconds(seconds.get(i));
        ReleaseState state =
            random.nextBoolean()
                ? states[ReleaseState.BLOCKED.ordinal() + random.nextInt(4)]
                : states[random.nextInt(ReleaseState.APPROVED.ordinal())];
        entries.add(new ServiceView.Entry("r" + i, at, state, at.plusSeconds(1), 3, "staging"));
        continue;
      }
      ReleaseState state =
          random.nextInt(10) < 8
              ? states[ReleaseState.LIVE.ordinal() + random.nextInt(5)] // a final one
              : states[random.nextInt(ReleaseState.LIVE.ordinal())];
      String environment = random.nextInt(8) == 0 ? null : ENVIRONMENTS.get(random.nextInt(2));
      Instant at = AT.plusSeconds(seconds.get(i));
      entries.add(new ServiceView.Entry("r" + i, at, state, at.plusSeconds(1), 3, environment));
    }
    return entries;
  }

  @Test
  void theTrimmedIndex_takesEveryDecisionTheWholeOneTakes() {
    for (int seed = 0; seed < 30; seed++) {
      Random random = new Random(seed);
      ServiceIndex whole = new ServiceIndex("svc", history(random, 400 + random.nextInt(400)));
      ServiceIndex trimmed = whole.trimmed();
      assertThat(trimmed.releases().size()).as("seed %d", seed).isLessThan(whole.releases().size());
      assertThat(whole.releases()).containsAll(trimmed.releases());
      ServiceView all = whole.view();
      ServiceView kept = trimmed.view();
      assertThat(kept.running(ENVIRONMENTS))
          .as("seed %d", seed)
          .isEqualTo(all.running(ENVIRONMENTS));
      assertThat(trimmed.deploying()).isEqualTo(whole.deploying());
      // a rollback's choices: the live releases, newest first, as many as it keeps
      List<ServiceView.Entry> live =
          whole.releases().stream().filter(e -> e.state() == ReleaseState.LIVE).toList();
      assertThat(trimmed.releases().stream().filter(e -> e.state() == ReleaseState.LIVE))
          .startsWith(
              live.subList(0, Math.min(ServiceIndex.KEPT_LIVE, live.size()))
                  .toArray(ServiceView.Entry[]::new));
      // a release at any point of the history, in either environment, weighs the same others
      for (int k = 0; k < 40; k++) {
        Instant at = AT.plusSeconds(random.nextInt(11 * 24 * 3600) - 24 * 3600).plusMillis(500);
        String environment = ENVIRONMENTS.get(random.nextInt(2));
        Release r = releaseAt("x" + k, at, ReleaseState.APPROVED, environment);
        String why = "seed " + seed + ", " + at + " in " + environment;
        assertThat(kept.newerContender(r, environment))
            .as(why)
            .isEqualTo(all.newerContender(r, environment));
        assertThat(kept.olderBuilding(r)).as(why).isEqualTo(all.olderBuilding(r));
        assertThat(kept.olderWaiting(r, environment))
            .as(why)
            .isEqualTo(all.olderWaiting(r, environment));
        assertThat(kept.olderDeploying(r, environment))
            .as(why)
            .isEqualTo(all.olderDeploying(r, environment));
      }
    }
  }

  @Test
  void anIndexWrittenReleaseByRelease_doesNotGrowWithTheHistory() {
    // one release every half hour, every one ending LIVE: 2,000 (six weeks), then 4,000
    List<Integer> sizes = new ArrayList<>();
    ServiceIndex index = ServiceIndex.empty("svc");
    Release oldOpen =
        releaseAt("old-open", AT.minusSeconds(60), ReleaseState.AWAITING_APPROVAL, "staging");
    index = index.with(oldOpen);
    for (int i = 0; i < 4_000; i++) {
      Instant at = AT.plus(Duration.ofMinutes(30L * i));
      index = index.with(releaseAt("r" + i, at, ReleaseState.LIVE, "production"));
      if (i + 1 == 2_000 || i + 1 == 4_000) {
        sizes.add(index.releases().size());
      }
    }
    // the last two days (97 uploads, one on the boundary) within the newest 100, and the open one
    assertThat(sizes).containsExactly(101, 101);
    assertThat(index.releases()).extracting(ServiceView.Entry::id).contains("old-open", "r3999");
    assertThat(index.releases().get(0).id()).isEqualTo("r3999");

    // an old final release written again (the reconciler's sweep, a late redelivery) is left out:
    // the index is unchanged, so nothing is written
    assertThat(
            index.with(
                releaseAt("r5", AT.plus(Duration.ofMinutes(150)), ReleaseState.LIVE, "production")))
        .isEqualTo(index);
  }

  @Test
  void whatRunsInEachEnvironment_staysInTheIndexBehindAnyNumberOfNewerFailures() {
    ServiceIndex index = ServiceIndex.empty("svc");
    index = index.with(releaseAt("staged", AT, ReleaseState.AWAITING_PROMOTION, "staging"));
    for (int i = 0; i < 12; i++) {
      index =
          index.with(
              releaseAt("live-" + i, AT.plusSeconds(60 + i), ReleaseState.LIVE, "production"));
    }
    // 300 failures after them, over a week: all of the above are older than the newest 100 and
    // than two days
    for (int i = 0; i < 300; i++) {
      Instant at = AT.plus(Duration.ofDays(1)).plus(Duration.ofMinutes(30L * i));
      index = index.with(releaseAt("failed-" + i, at, ReleaseState.FAILED, "staging"));
    }
    List<String> ids = index.releases().stream().map(ServiceView.Entry::id).toList();
    assertThat(ids).contains("staged"); // open
    assertThat(ids).contains("live-11", "live-2").doesNotContain("live-1", "live-0"); // 10 live
    assertThat(ids.stream().filter(id -> id.startsWith("failed-"))).hasSize(100);
    assertThat(index.view().running(ENVIRONMENTS))
        .containsEntry("production", "live-11")
        .containsEntry("staging", "live-11");
  }

  @Test
  void theIndexKeepsEveryUploadTheLostUploadSweepLooksAt() {
    // 300 releases in 20 hours, all final, and one from before the two days
    ServiceIndex index =
        ServiceIndex.empty("svc")
            .with(
                releaseAt(
                    "before", AT.minus(Duration.ofHours(29)), ReleaseState.FAILED, "staging"));
    for (int i = 0; i < 300; i++) {
      index =
          index.with(
              releaseAt(
                  "r" + i, AT.plus(Duration.ofMinutes(4L * i)), ReleaseState.FAILED, "staging"));
    }
    assertThat(index.releases()).hasSize(300);
    assertThat(index.releases()).extracting(ServiceView.Entry::id).doesNotContain("before");
    assertThat(ServiceIndex.KEPT_FOR)
        .isGreaterThanOrEqualTo(Reconciler.UPLOAD_LOOKBACK.plusHours(1));
  }
}
