package dev.slipway.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.release.Release;
import dev.slipway.release.ReleaseState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
}
