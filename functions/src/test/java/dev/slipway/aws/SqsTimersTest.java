package dev.slipway.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.event.BakeTimer;
import dev.slipway.event.EventParser;
import dev.slipway.event.ParseResult;
import dev.slipway.release.Release;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The bake timer's message: an event the deployment step parses, new each time it is set. */
class SqsTimersTest {
  static final Release RELEASE =
      Release.builder("hello-go-25f25853d6a0", "hello-go", Instant.parse("2026-12-03T10:00:00Z"))
          .build();

  @Test
  void aTimerSetAgainForTheSameBake_isANewEvent_whichTheStepParses() {
    Instant at = Instant.parse("2026-12-03T11:00:00Z");
    String first = SqsTimers.body(RELEASE, at, Instant.parse("2026-12-03T10:30:00Z"));
    String again = SqsTimers.body(RELEASE, at, Instant.parse("2026-12-03T10:45:00Z"));

    BakeTimer one = parse(first);
    BakeTimer two = parse(again);
    assertThat(one.releaseId()).isEqualTo(RELEASE.id());
    assertThat(one.service()).isEqualTo("hello-go");
    assertThat(one.at()).isEqualTo(at);
    // Same bake, set twice (SQS's 15-minute cap woke it early): the release must not take the
    // second for a repeat of the first.
    assertThat(two.meta().id()).isNotEqualTo(one.meta().id());
  }

  static BakeTimer parse(String body) {
    return (BakeTimer) ((ParseResult.Parsed) new EventParser().parse(body).get(0)).event();
  }
}
