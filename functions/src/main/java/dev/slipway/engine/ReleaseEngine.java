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
    Optional<Claimed> after = decideAndWrite(service, releaseId, input);
    if (after.isEmpty()) {
      return Optional.empty();
    }
    ReleaseLedger.Versioned<Release> written = after.get().release();
    return Optional.of(
        runPending(written.value(), written, after.get().effects().isEmpty() ? null : after.get()));
  }

  /** Runs whatever effects a release still has pending (the reconciler's way to finish them). */
  public Release resume(Release release) {
    return runPending(release, null, null);
  }

  /*
   * Reads: each step goes on from the version its own last winning write stored (the ledger
   * answers it), instead of reading the record back; when someone else wrote in between, the
   * conditional write fails and the step reads and decides again, as it would have after a read.
   * The service index is read only for a decision that weighs other releases or a state change to
   * write into it, and written only when a write changed the release's history (its state), from
   * the copy of the index read then.
   */

  /**
   * Decides and writes; a decision that leaves effects pending also claims the first of them in
   * that same write (issue 19: no separate claim write after a decision). Returns the release as
   * stored (the current copy when nothing changed) and the effect it claimed, if any.
   */
  private Optional<Claimed> decideAndWrite(String service, String releaseId, Input input) {
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      Optional<ReleaseLedger.Versioned<Release>> current = ledger.read(service, releaseId);
      IndexCopy index = new IndexCopy(service);
      ReleaseMachine.Decision decision =
          ReleaseMachine.decideLazily(
              current.map(ReleaseLedger.Versioned::value).orElse(null),
              input,
              clock.instant(),
              index::view);
      if (!decision.changed()) {
        return current.map(c -> new Claimed(c, List.of()));
      }
      Release decided = decision.release();
      Instant now = clock.instant();
      List<Effect> first = unclaimedGroup(decided, now);
      Release next = withClaims(decided, first, now);
      Optional<String> written =
          current.isEmpty() ? ledger.create(next) : ledger.replace(next, current.get().version());
      if (written.isPresent()) {
        if (current.isEmpty() || historyChanged(current.get().value(), next)) {
          index(next, index.read());
        }
        return Optional.of(new Claimed(new ReleaseLedger.Versioned<>(next, written.get()), first));
      }
    }
    throw new RetryLater(
        "release " + releaseId + " kept changing under " + MAX_ATTEMPTS + " attempts");
  }

  /**
   * A service's index as one decision sees it: read when the decision first asks for the view (a
   * new release, a deploy, a bake's end weigh the others; a build's start or one platform's scan
   * does not), or when a changed state must be written into it; at most once (issue 19: no index
   * read for the inputs that cannot use it).
   */
  private final class IndexCopy {
    private final String service;
    private Optional<ReleaseLedger.Versioned<ServiceIndex>> read;

    IndexCopy(String service) {
      this.service = service;
    }

    Optional<ReleaseLedger.Versioned<ServiceIndex>> read() {
      if (read == null) {
        read = ledger.readIndex(service);
      }
      return read;
    }

    ServiceView view() {
      return read().map(v -> v.value().view()).orElse(ServiceView.empty(service));
    }
  }

  private static boolean historyChanged(Release before, Release after) {
    return before.history().size() != after.history().size();
  }

  /**
   * Brings the service index up to date with {@code release} (conditional, retried), starting from
   * {@code read}, a copy of the index read earlier (the conditional write catches a stale one). An
   * index already showing a later state of the release is left alone (see {@link
   * ServiceIndex#with}), so a writer holding an older copy never overwrites newer news.
   */
  void index(Release release, Optional<ReleaseLedger.Versioned<ServiceIndex>> read) {
    Optional<ReleaseLedger.Versioned<ServiceIndex>> current = read;
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      if (attempt > 0) {
        current = ledger.readIndex(release.service());
      }
      ServiceIndex index =
          current.map(ReleaseLedger.Versioned::value).orElse(ServiceIndex.empty(release.service()));
      if (index.shows(release)) {
        return;
      }
      ServiceIndex next = index.with(release);
      if (next.equals(index)) {
        return; // a final release old enough to be left out of the index (ServiceIndex#trimmed)
      }
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

  /**
   * Runs the pending effects of {@code release}, one claim at a time (a claim covers a group: see
   * {@link #unclaimedGroup}); {@code known} is the version this handler just wrote (null: read it
   * first).
   */
  private Release runPending(
      Release release, ReleaseLedger.Versioned<Release> known, Claimed claimedByDecision) {
    String service = release.service();
    String id = release.id();
    ReleaseLedger.Versioned<Release> current = known;
    // the next group, claimed in the write that decided or that completed the last one
    Claimed carried = claimedByDecision;
    for (int round = 0; round < MAX_ROUNDS; round++) {
      Optional<Claimed> claimed =
          carried != null ? Optional.of(carried) : claimNext(service, id, current);
      carried = null;
      if (claimed.isEmpty()) {
        return current == null ? release : current.value(); // the record vanished
      }
      current = claimed.get().release();
      List<Effect> group = claimed.get().effects();
      if (group.isEmpty()) {
        return current.value();
      }
      List<String> done = new ArrayList<>();
      // The group's announcements first, together (one PutEvents), then the effect after them.
      List<Effect.Publish> announcements =
          group.stream()
              .filter(Effect.Publish.class::isInstance)
              .map(Effect.Publish.class::cast)
              .toList();
      Effect last = group.get(group.size() - 1);
      Effect effect = last instanceof Effect.Publish ? null : last;
      Effect ran = announcements.isEmpty() ? null : announcements.get(0);
      EffectRunner.Outcome outcome =
          announcements.isEmpty()
              ? new EffectRunner.Outcome.Done(null)
              : effects.runAll(current.value(), announcements);
      if (outcome instanceof EffectRunner.Outcome.Done) {
        announcements.forEach(a -> done.add(a.key()));
        if (effect != null) {
          ran = effect;
          outcome = runOne(service, id, current, effect);
        }
      }
      if (outcome instanceof EffectRunner.Outcome.Retry retry) {
        // What ran stays done; what did not (or must be tried again) stays pending, unclaimed.
        complete(service, id, group, done, null, current);
        throw new RetryLater(ran.key() + " for " + id + ": " + retry.reason());
      }
      Input followUp;
      if (outcome instanceof EffectRunner.Outcome.Done d) {
        if (effect != null) {
          done.add(effect.key());
        }
        followUp = d.followUp();
      } else {
        if (ran == effect) {
          done.add(effect.key());
        } else { // the announcements failed: the effect after them has not run, and stays pending
          announcements.forEach(a -> done.add(a.key()));
        }
        followUp =
            new Input.EffectFailed(
                "effect:" + id + ":" + ran.key() + ":failed",
                ran.key(),
                ((EffectRunner.Outcome.Failed) outcome).reason());
      }
      Claimed completed = complete(service, id, group, done, followUp, current);
      current = completed.release();
      if (!completed.effects().isEmpty()) {
        carried = completed;
      }
    }
    return current.value();
  }

  /** One effect that is not an announcement: through the runner, or another release's apply. */
  private EffectRunner.Outcome runOne(
      String service, String id, ReleaseLedger.Versioned<Release> current, Effect effect) {
    if (effect instanceof Effect.Supersede supersede) {
      apply(
          service,
          supersede.releaseId(),
          new Input.Superseded(
              "supersede:" + supersede.releaseId() + ":" + supersede.by(),
              supersede.by(),
              supersede.environment()));
      return new EffectRunner.Outcome.Done(null);
    }
    if (effect instanceof Effect.ReturnTo returnTo) {
      // A person's rollback of this release returns the service to an earlier live one.
      apply(
          service,
          returnTo.releaseId(),
          new Input.Returned(
              "return:" + id + ":" + returnTo.releaseId(),
              id,
              returnTo.by(),
              current.value().deployment() == null
                  ? null
                  : current.value().deployment().taskDefinitionArn()));
      return new EffectRunner.Outcome.Done(null);
    }
    return effects.run(current.value(), effect);
  }

  /** Announcements one claim may cover: PutEvents takes at most ten entries. */
  static final int MAX_ANNOUNCEMENTS = 10;

  /**
   * What one claim covers (issue 19): the first pending effect nobody holds; when it is an
   * announcement, the announcements free right after it (up to {@link #MAX_ANNOUNCEMENTS}) and the
   * one effect free after those. They run in order, the announcements in one PutEvents, and are
   * completed in one write: an announcement is no longer a write of its own. Announcements were at
   * least once already (a handler that dies after PutEvents and before the completion announces
   * again); a group widens that window to the effect after them, nothing else.
   */
  private List<Effect> unclaimedGroup(Release release, Instant now) {
    List<Effect> group = new ArrayList<>();
    int announcements = 0;
    for (Effect e : release.pending()) {
      boolean free = isFree(release, e, now);
      if (!free) {
        if (group.isEmpty()) {
          continue;
        }
        break;
      }
      if (!(e instanceof Effect.Publish)) {
        group.add(e);
        break;
      }
      if (announcements == MAX_ANNOUNCEMENTS) {
        break;
      }
      announcements++;
      group.add(e);
    }
    return group;
  }

  /** Nobody holds a claim on {@code effect}, or its claim has expired. */
  private boolean isFree(Release release, Effect effect, Instant now) {
    Instant claimedAt = release.claims().get(effect.key());
    return claimedAt == null || claimedAt.plus(claimTtl).isBefore(now);
  }

  private static Release withClaims(Release release, List<Effect> effects, Instant now) {
    if (effects.isEmpty()) {
      return release;
    }
    Map<String, Instant> claims = new LinkedHashMap<>(release.claims());
    effects.forEach(e -> claims.put(e.key(), now));
    return release.withOutbox(release.pending(), claims);
  }

  /** The release as the claim left it, and the effects claimed (empty: nothing left to claim). */
  private record Claimed(ReleaseLedger.Versioned<Release> release, List<Effect> effects) {}

  /**
   * Claims the first group of pending effects nobody else is carrying out (or whose claims are
   * older than {@link #claimTtl}), in a conditional write, so that of two handlers only one runs
   * it. Starts from {@code known} when given; empty when the release does not exist.
   */
  private Optional<Claimed> claimNext(
      String service, String releaseId, ReleaseLedger.Versioned<Release> known) {
    ReleaseLedger.Versioned<Release> read = known;
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      if (read == null) {
        Optional<ReleaseLedger.Versioned<Release>> found = ledger.read(service, releaseId);
        if (found.isEmpty()) {
          return Optional.empty();
        }
        read = found.get();
      }
      Release current = read.value();
      Instant now = clock.instant();
      List<Effect> next = unclaimedGroup(current, now);
      if (next.isEmpty()) {
        return Optional.of(new Claimed(read, List.of()));
      }
      Release claimed = withClaims(current, next, now);
      Optional<String> written = ledger.replace(claimed, read.version());
      if (written.isPresent()) {
        return Optional.of(
            new Claimed(new ReleaseLedger.Versioned<>(claimed, written.get()), next));
      }
      read = null;
    }
    throw new RetryLater("release " + releaseId + " kept changing while claiming an effect");
  }

  /**
   * Drops the claims on {@code group} and the effects of it that are {@code done}, applying the
   * result in the same conditional write; and claims, in that write too, the next group nobody
   * holds (issue 19: one ledger write per group, not a claim's and a completion's) — unless an
   * effect of the group is left pending to retry. Starts from {@code known}, the version the claim
   * wrote. Returns the release as written and the effects it claimed (empty: none).
   */
  private Claimed complete(
      String service,
      String releaseId,
      List<Effect> group,
      List<String> done,
      Input followUp,
      ReleaseLedger.Versioned<Release> known) {
    ReleaseLedger.Versioned<Release> current = known;
    boolean allDone = done.size() == group.size();
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      if (attempt > 0) {
        current =
            ledger
                .read(service, releaseId)
                .orElseThrow(() -> new IllegalStateException(releaseId + " vanished"));
      }
      List<Effect> remaining = new ArrayList<>(current.value().pending());
      remaining.removeIf(e -> done.contains(e.key()));
      Map<String, Instant> claims = new LinkedHashMap<>(current.value().claims());
      group.forEach(e -> claims.remove(e.key()));
      Release next = current.value().withOutbox(remaining, claims);
      IndexCopy index = new IndexCopy(service);
      if (followUp != null) {
        next = ReleaseMachine.decideLazily(next, followUp, clock.instant(), index::view).release();
      }
      if (next.equals(current.value())) {
        return new Claimed(current, List.of());
      }
      Instant now = clock.instant();
      List<Effect> following = allDone ? unclaimedGroup(next, now) : List.of();
      next = withClaims(next, following, now);
      Optional<String> written = ledger.replace(next, current.version());
      if (written.isPresent()) {
        if (historyChanged(current.value(), next)) { // only a follow-up changes the state
          index(next, index.read());
        }
        return new Claimed(new ReleaseLedger.Versioned<>(next, written.get()), following);
      }
    }
    throw new RetryLater(
        "release " + releaseId + " kept changing while completing " + group.get(0).key());
  }
}
