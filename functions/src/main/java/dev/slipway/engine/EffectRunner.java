package dev.slipway.engine;

import dev.slipway.release.Effect;
import dev.slipway.release.Input;
import dev.slipway.release.Release;
import java.util.List;

/**
 * Carries out one effect against the world (the AWS adapters, or fakes in tests) and says how it
 * went. A {@link Outcome.Retry} leaves the effect pending and fails the delivery, so the event is
 * redelivered; every effect must therefore be safe to repeat.
 */
public interface EffectRunner {

  Outcome run(Release release, Effect effect);

  /**
   * Carries out several announcements of {@code release} as one: done only when all are. Here one
   * after another; a runner that can send them together (one PutEvents) does.
   */
  default Outcome runAll(Release release, List<Effect.Publish> announcements) {
    for (Effect.Publish announcement : announcements) {
      Outcome outcome = run(release, announcement);
      if (!(outcome instanceof Outcome.Done)) {
        return outcome;
      }
    }
    return new Outcome.Done(null);
  }

  /** How an effect went. */
  sealed interface Outcome {
    /** Done; {@code followUp} (may be null) is applied to the release, e.g. the new build id. */
    record Done(Input followUp) implements Outcome {}

    /** Refused for good (not throttling): the release cannot go on. */
    record Failed(String reason) implements Outcome {}

    /** Could not be done now (throttled, timed out): try again later. */
    record Retry(String reason) implements Outcome {}
  }
}
