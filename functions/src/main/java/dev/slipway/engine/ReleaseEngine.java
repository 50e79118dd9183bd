package dev.slipway.engine;

import dev.slipway.release.Effect;
import dev.slipway.release.Input;
import dev.slipway.release.Release;
import dev.slipway.release.ReleaseMachine;
import dev.slipway.release.ServiceView;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Applies inputs to releases in the ledger and carries out the effects. Each apply is read, decide,
 * conditional write, and on a conflict again from the read, so concurrent or repeated handlers can
 * neither lose nor double a transition. Effects wait in the record until done (an outbox): they run
 * after the write, and their results are applied the same way.
 */
public final class ReleaseEngine {
  /** Conflicts tolerated before giving up on one apply (the delivery is then retried). */
  static final int MAX_ATTEMPTS = 25;

  /** Effect rounds per apply: a StartBuild result, a Deploy result, a Supersede... */
  static final int MAX_ROUNDS = 16;

  private final ReleaseLedger ledger;
  private final EffectRunner effects;
  private final Clock clock;

  /** How long a handler may hold an effect before another may take it over (a crashed handler). */
  private final Duration claimTtl;

  public ReleaseEngine(ReleaseLedger ledger, EffectRunner effects, Clock clock) {
    this(ledger, effects, clock, EngineConfig.DEFAULT_CLAIM_TTL);
  }

  public ReleaseEngine(ReleaseLedger ledger, EffectRunner effects, Clock clock, Duration claimTtl) {
    this.ledger = ledger;
    this.effects = effects;
    this.clock = clock;
    this.claimTtl = claimTtl;
  }

  /** Raised when the effects of a release could not be completed now; the caller retries later. */
  public static final class RetryLater extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RetryLater(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * Applies {@code input} to release {@code releaseId} of {@code service}, then runs its pending
   * effects. Returns the release as it stands afterwards (empty when there is no such release and
   * the input does not create one).
   */
  public Optional<Release> apply(String service, String releaseId, Input input) {
    Optional<Release> after = decideAndWrite(service, releaseId, input);
    if (after.isEmpty()) {
      return after;
    }
    return Optional.of(runPending(after.get()));
  }

  /** Runs whatever effects a release still has pending (the reconciler's way to finish them). */
  public Release resume(Release release) {
    return runPending(release);
  }

  private Optional<Release> decideAndWrite(String service, String releaseId, Input input) {
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      Optional<ReleaseLedger.Versioned<Release>> current = ledger.read(service, releaseId);
      ServiceView view =
          ledger.readIndex(service).map(v -> v.value().view()).orElse(ServiceView.empty(service));
      ReleaseMachine.Decision decision =
          ReleaseMachine.decide(
              current.map(ReleaseLedger.Versioned::value).orElse(null),
              input,
              clock.instant(),
              view);
      if (!decision.changed()) {
        return current.map(ReleaseLedger.Versioned::value);
      }
      Release next = decision.release();
      boolean written =
          current.isEmpty() ? ledger.create(next) : ledger.replace(next, current.get().version());
      if (written) {
        index(next);
        return Optional.of(next);
      }
    }
    throw new RetryLater(
        "release " + releaseId + " kept changing under " + MAX_ATTEMPTS + " attempts");
  }

  /** Brings the service index up to date with {@code release} (conditional, retried). */
  private void index(Release release) {
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      Optional<ReleaseLedger.Versioned<ServiceIndex>> current = ledger.readIndex(release.service());
      ServiceIndex index =
          current.map(ReleaseLedger.Versioned::value).orElse(ServiceIndex.empty(release.service()));
      // Never overwrite a newer state with an older one read from a stale release.
      Optional<Release> latest =
          ledger.read(release.service(), release.id()).map(ReleaseLedger.Versioned::value);
      Release shown = latest.orElse(release);
      if (index.shows(shown)) {
        return;
      }
      ServiceIndex next = index.with(shown);
      boolean written =
          current.isEmpty()
              ? ledger.createIndex(next)
              : ledger.replaceIndex(next, current.get().version());
      if (written) {
        return;
      }
    }
    throw new RetryLater("index of " + release.service() + " kept changing");
  }

  private Release runPending(Release release) {
    Release current = release;
    for (int round = 0; round < MAX_ROUNDS; round++) {
      Optional<Claimed> claimed = claimNext(current.service(), current.id());
      if (claimed.isEmpty()) {
        return ledger
            .read(current.service(), current.id())
            .map(ReleaseLedger.Versioned::value)
            .orElse(current);
      }
      current = claimed.get().release();
      Effect effect = claimed.get().effect();
      EffectRunner.Outcome outcome;
      if (effect instanceof Effect.Supersede supersede) {
        apply(
            current.service(),
            supersede.releaseId(),
            new Input.Superseded(
                "supersede:" + supersede.releaseId() + ":" + supersede.by(), supersede.by()));
        outcome = new EffectRunner.Outcome.Done(null);
      } else {
        outcome = effects.run(current, effect);
      }
      if (outcome instanceof EffectRunner.Outcome.Retry retry) {
        complete(current.service(), current.id(), effect.key(), null, false);
        throw new RetryLater(effect.key() + " for " + current.id() + ": " + retry.reason());
      }
      Input followUp =
          outcome instanceof EffectRunner.Outcome.Done done
              ? done.followUp()
              : new Input.EffectFailed(
                  "effect:" + current.id() + ":" + effect.key() + ":failed",
                  effect.key(),
                  ((EffectRunner.Outcome.Failed) outcome).reason());
      current = complete(current.service(), current.id(), effect.key(), followUp, true);
    }
    return current;
  }

  private record Claimed(Release release, Effect effect) {}

  /**
   * Claims the first pending effect nobody else is carrying out (or whose claim is older than
   * {@link #claimTtl}), in a conditional write, so that of two handlers only one runs it.
   */
  private Optional<Claimed> claimNext(String service, String releaseId) {
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      Optional<ReleaseLedger.Versioned<Release>> read = ledger.read(service, releaseId);
      if (read.isEmpty()) {
        return Optional.empty();
      }
      Release current = read.get().value();
      Instant now = clock.instant();
      Optional<Effect> next =
          current.pending().stream()
              .filter(
                  e -> {
                    Instant claimedAt = current.claims().get(e.key());
                    return claimedAt == null || claimedAt.plus(claimTtl).isBefore(now);
                  })
              .findFirst();
      if (next.isEmpty()) {
        return Optional.empty();
      }
      Map<String, Instant> claims = new LinkedHashMap<>(current.claims());
      claims.put(next.get().key(), now);
      Release claimed = current.withOutbox(current.pending(), claims);
      if (ledger.replace(claimed, read.get().version())) {
        return Optional.of(new Claimed(claimed, next.get()));
      }
    }
    throw new RetryLater("release " + releaseId + " kept changing while claiming an effect");
  }

  /**
   * Drops the claim on an effect and, when {@code done}, the effect itself, applying its result in
   * the same conditional write.
   */
  private Release complete(
      String service, String releaseId, String effectKey, Input followUp, boolean done) {
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      ReleaseLedger.Versioned<Release> current =
          ledger
              .read(service, releaseId)
              .orElseThrow(() -> new IllegalStateException(releaseId + " vanished"));
      List<Effect> remaining = new ArrayList<>(current.value().pending());
      if (done) {
        remaining.removeIf(e -> e.key().equals(effectKey));
      }
      Map<String, Instant> claims = new LinkedHashMap<>(current.value().claims());
      claims.remove(effectKey);
      Release next = current.value().withOutbox(remaining, claims);
      if (followUp != null) {
        ServiceView view =
            ledger.readIndex(service).map(v -> v.value().view()).orElse(ServiceView.empty(service));
        next = ReleaseMachine.decide(next, followUp, clock.instant(), view).release();
      }
      if (next.equals(current.value())) {
        return current.value();
      }
      if (ledger.replace(next, current.version())) {
        index(next);
        return next;
      }
    }
    throw new RetryLater("release " + releaseId + " kept changing while completing " + effectKey);
  }
}
