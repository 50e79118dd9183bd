package dev.slipway.aws;

import dev.slipway.engine.Refused;
import dev.slipway.engine.Timers;
import dev.slipway.engine.Unavailable;
import dev.slipway.json.Json;
import dev.slipway.release.Release;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Timers as SQS delayed messages to the deployment step's own queue: a {@code slipway.timer} "Bake
 * Timer" event, EventBridge-shaped so the step's parser reads it like the rest of its queue. SQS
 * delays a message at most 15 minutes: a longer bake is woken early and sets its timer again for
 * what is left (see {@code Input.BakeDue}). Safe to repeat: a second timer for the same moment
 * finds the bake already over and changes nothing.
 */
public record SqsTimers(Supplier<SqsClient> sqs, String queueUrl, Clock clock) implements Timers {
  public SqsTimers(SqsClient sqs, String queueUrl, Clock clock) {
    this(() -> sqs, queueUrl, clock);
  }

  /** SQS's longest delay. */
  static final Duration MAX_DELAY = Duration.ofMinutes(15);

  @Override
  public void wakeAt(Release release, Instant at) throws Unavailable, Refused {
    Instant now = clock.instant();
    long seconds = Duration.between(now, at).toSeconds() + 1;
    int delay = (int) Math.max(0, Math.min(MAX_DELAY.toSeconds(), seconds));
    String body = body(release, at, now);
    try {
      sqs.get().sendMessage(r -> r.queueUrl(queueUrl).delaySeconds(delay).messageBody(body));
    } catch (SdkException e) {
      throw AwsErrors.fail(e);
    }
  }

  /**
   * The timer's event. Its id names the moment it was sent too: a timer set again for the same bake
   * (an early wake-up) is a new event, not a repeat the release has already seen.
   */
  static String body(Release release, Instant at, Instant sent) {
    var event = Json.mapper().createObjectNode();
    event
        .put("version", "0")
        .put("id", "timer:" + release.id() + ":" + at + ":" + sent)
        .put("source", "slipway.timer")
        .put("detail-type", "Bake Timer")
        .put("time", sent.toString());
    event.putArray("resources");
    event
        .putObject("detail")
        .put("service", release.service())
        .put("releaseId", release.id())
        .put("at", at.toString());
    return event.toString();
  }
}
