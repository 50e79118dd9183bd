package dev.slipway.engine;

import dev.slipway.release.Declarations;
import dev.slipway.release.Effect;
import dev.slipway.release.Finding;
import dev.slipway.release.Input;
import dev.slipway.release.Release;
import dev.slipway.release.ReleaseState;
import dev.slipway.release.ServiceView;
import dev.slipway.release.SourceRef;
import dev.slipway.release.Stage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The scheduled safety net (architecture §5): every AWS event is best effort, so each tick it
 * finishes pending effects, brings indexes up, asks CloudWatch before a bake ends well, applies
 * early marks, and, for a release with no news past {@link EngineConfig#stuckAfter}, asks the APIs
 * directly (CodeBuild, ECR by the release's tag, the scanners, ECS); it turns uploads whose event
 * was lost into releases, and marks a release past its state's limit as stuck.
 *
 * <p>Why this is long: one method per kind of lost news, each small; they share the tick's clock,
 * the ledger reads and the application through the engine.
 */
final class Reconciler {
  /** How the pipeline turns an upload into a release (admission included). */
  @FunctionalInterface
  interface Uploads {
    Pipeline.Handled requested(String service, SourceRef source, String eventId, Instant at);
  }

  private final EngineConfig config;
  private final ReleaseLedger ledger;
  private final Pipeline.Ports ports;
  private final ReleaseEngine engine;
  private final Joins joins;
  private final Clock clock;
  private final Uploads uploads;

  Reconciler(
      EngineConfig config,
      Pipeline.Ports ports,
      ReleaseEngine engine,
      Joins joins,
      Clock clock,
      Uploads uploads) {
    this.config = config;
    this.ledger = ports.ledger();
    this.ports = ports;
    this.engine = engine;
    this.joins = joins;
    this.clock = clock;
    this.uploads = uploads;
  }

  /**
   * The scheduled safety net: finishes pending effects, ends bakes that are over, and for releases
   * stuck past {@link EngineConfig#stuckAfter} asks CodeBuild, the scanners and ECS directly.
   * Returns how many releases it moved.
   */
  int reconcile() throws Unavailable {
    int moved = 0;
    Instant now = clock.instant();
    for (String service : ledger.services()) {
      Optional<ReleaseLedger.Versioned<ServiceIndex>> index = ledger.readIndex(service);
      List<String> open = new ArrayList<>();
      index.ifPresent(
          i ->
              i.value().releases().stream()
                  .filter(e -> !e.state().isFinal())
                  .forEach(e -> open.add(e.id())));
      for (String id : open) {
        ledger.beginEvent(); // one release at a time: its repeated reads come from its own
        try {
          Optional<ReleaseLedger.Versioned<Release>> found = ledger.read(service, id);
          if (found.isEmpty()) {
            continue;
          }
          Release before = found.get().value();
          // A handler may have stopped between writing the release and its index: bring the index
          // up (no request when it already shows this state).
          engine.index(before, index);
          Release after = reconcileOne(before, now);
          if (!after.equals(before)) {
            moved++;
          }
        } finally {
          ledger.endEvent();
        }
      }
    }
    return moved + lostUploads(now);
  }

  /**
   * A release its upload made that no index shows: the handler stopped between writing the record
   * and the index, or the create's answer was lost and its retry, refused, found the record and
   * changed nothing. Only here can the reconciler see it (it finds open releases by the index):
   * brought into the index, then reconciled as an open one is. True when it moved.
   */
  private boolean unindexed(Release release, Instant now) throws Unavailable {
    ledger.beginEvent();
    try {
      engine.index(release, Optional.empty());
      return !reconcileOne(release, now).equals(release);
    } finally {
      ledger.endEvent();
    }
  }

  /**
   * Uploads whose event never came (S3's notifications are best effort too): each archive of the
   * last {@link #UPLOAD_LOOKBACK} that is older than the stuck period and has no release becomes
   * one now, as its event would have made it. Compared with each service's index (one read per
   * service), not one read per archive.
   *
   * <p>One page of the listing a tick (S3's 1,000 versions), going on from where the last tick
   * stopped (a cursor in the ledger) and starting over after the last page: a tick's cost does not
   * grow with the uploads the bucket keeps (30 days of them), and a lost upload is found within one
   * pass, a tick per 1,000 uploads kept (issue 19). The cursor is written only when it moves (never
   * while every upload fits one page) and read only by an instance that has not written it.
   */
  private int lostUploads(Instant now) throws Unavailable {
    ReleaseStore.Versioned<Cursors.Cursor> at =
        sweep != null
            ? sweep
            : ledger
                .cursor(UPLOAD_SWEEP)
                .orElse(new ReleaseStore.Versioned<>(new Cursors.Cursor(null), null));
    SourceArchives.UploadPage page = ports.archives().uploads(at.value().after());
    int found = 0;
    Map<String, Set<String>> known = new HashMap<>();
    for (SourceArchives.Upload upload : page.uploads()) {
      if (upload.at().isBefore(now.minus(UPLOAD_LOOKBACK))
          || upload.at().plus(config.stuckAfter()).isAfter(now)) {
        continue; // too old to be waited for, or its event may still come
      }
      String service = SourceRef.serviceOf(upload.source().key()).orElseThrow();
      String releaseId = upload.source().releaseId();
      if (uploadsWithRelease.contains(releaseId)) {
        continue; // found with its release at an earlier tick: a release never goes away
      }
      Set<String> ids =
          known.computeIfAbsent(
              service,
              s ->
                  ledger.readIndex(s).map(i -> i.value().releases()).orElse(List.of()).stream()
                      .map(ServiceView.Entry::id)
                      .collect(Collectors.toSet()));
      if (!ids.contains(releaseId)) {
        Optional<ReleaseLedger.Versioned<Release>> record = ledger.read(service, releaseId);
        if (record.isEmpty()) {
          uploads.requested(service, upload.source(), "reconcile:upload:" + releaseId, upload.at());
          found++;
        } else if (unindexed(record.get().value(), now)) {
          found++;
        }
        ids.add(releaseId);
      }
      if (uploadsWithRelease.size() < 100_000) {
        uploadsWithRelease.add(releaseId);
      }
    }
    sweep = moved(at, new Cursors.Cursor(page.next()));
    return found;
  }

  /**
   * The sweep's cursor after this tick: saved when it moved, over the version this instance knows;
   * null (read it next tick) when another reconciler moved it first.
   */
  private ReleaseStore.Versioned<Cursors.Cursor> moved(
      ReleaseStore.Versioned<Cursors.Cursor> at, Cursors.Cursor next) {
    if (next.equals(at.value())) {
      return at;
    }
    return ledger
        .saveCursor(UPLOAD_SWEEP, next, at.version())
        .map(version -> new ReleaseStore.Versioned<>(next, version))
        .orElse(null);
  }

  /** The upload sweep's cursor as this instance last read or wrote it; null: read it. */
  private volatile ReleaseStore.Versioned<Cursors.Cursor> sweep;

  /** The upload sweep's cursor's name in the ledger. */
  static final String UPLOAD_SWEEP = "reconciler-uploads";

  /** Release ids of uploads known to have their release (kept while this instance lives). */
  private final Set<String> uploadsWithRelease = ConcurrentHashMap.newKeySet();

  /** How far back the reconciler looks for uploads whose event was lost. */
  static final Duration UPLOAD_LOOKBACK = Duration.ofDays(1);

  private Release reconcileOne(Release release, Instant now) throws Unavailable {
    Release current = release.pending().isEmpty() ? release : engine.resume(release);
    String tick = "reconcile:" + now;
    if (current.state() == ReleaseState.DEPLOYING && current.deployment() != null) {
      // An alarm event may have been lost: ask CloudWatch before letting a bake end well.
      // The service's alarms, and the ones of the environment it deploys in (not another's).
      String environment = current.currentEnvironment();
      List<String> alarms =
          config.alarmServices().entrySet().stream()
              .filter(e -> e.getValue().equals(release.service()))
              .map(Map.Entry::getKey)
              .filter(
                  a -> config.services().alarmEnvironment(a).map(environment::equals).orElse(true))
              .sorted()
              .toList();
      List<String> firing = alarms.isEmpty() ? List.of() : ports.alarms().firing(alarms);
      if (!firing.isEmpty()) {
        return applyOr(
            current,
            new Input.AlarmFired(
                tick + ":alarm", firing.get(0), "found in ALARM by the reconciler"));
      }
      if (current.deployment().bakeUntil() != null) {
        return applyOr(current, new Input.Tick(tick + ":bake"));
      }
      String deploymentId = current.deployment().deploymentId();
      if (deploymentId != null && current.deployment().completedAt() == null) {
        for (boolean completed : new boolean[] {true, false}) {
          String mark = Joins.endedEarlyMark(current.id(), deploymentId, completed);
          if (joins.endedEarly(current.id(), deploymentId, completed)) {
            return applyOr(
                current,
                new Input.DeploymentEnded(
                    mark,
                    deploymentId,
                    completed,
                    "ECS reported the deployment's end before its start was recorded"));
          }
        }
      }
    }
    Instant lastMove = lastMove(current);
    if (now.isBefore(lastMove.plus(config.stuckAfter()))) {
      return current;
    }
    current = stuckPastLimit(current, now);
    switch (current.state()) {
      case REQUESTED, BUILDING -> {
        for (BuildRow build :
            List.of(
                new BuildRow(
                    Effect.BuildKind.COMPILE, current.compileBuildId(), current.compiled()),
                new BuildRow(
                    current.config() != null && current.config().dockerfile() != null
                        ? Effect.BuildKind.DOCKERFILE
                        : Effect.BuildKind.IMAGE,
                    current.imageBuildId(),
                    current.imageBuilt()))) {
          if (build.buildId() != null && !build.finished()) {
            Optional<String> status = ports.builds().status(build.buildId());
            if (status.isPresent() && Pipeline.FINISHED_BUILD.contains(status.get())) {
              current =
                  applyOr(
                      current,
                      new Input.BuildFinished(
                          tick + ":" + build.buildId(),
                          build.kind(),
                          build.buildId(),
                          status.get()));
            }
          }
        }
        // After the builds: an image build that succeeded may have pushed unseen.
        current = lostPush(current, tick);
      }
      case SCANNING -> {
        for (String digest : current.image().scannable()) {
          if (!current.scans().containsKey(digest)) {
            // Only a finished scan completes one: "nothing yet" is never taken as clean.
            try {
              List<Finding> findings =
                  ports.images().findings(current.image().repository(), digest);
              if (findings != null) {
                current =
                    applyOr(
                        current, new Input.ScanCompleted(tick + ":" + digest, digest, findings));
              } else if (!now.isBefore(lastMove.plus(config.stuckAfter().multipliedBy(4)))) {
                // Enhanced scanning turns basic scan-on-push off: without Inspector's ECR scanning
                // in the account, no scan ever comes. Say so rather than wait forever.
                current =
                    applyOr(
                        current,
                        new Input.EffectFailed(
                            tick + ":" + digest,
                            "scan",
                            "no finished scan of "
                                + digest
                                + " "
                                + config.stuckAfter().multipliedBy(4).toMinutes()
                                + " minutes after the push: is Amazon Inspector's ECR scanning"
                                + " enabled in this account and region (aws inspector2 enable"
                                + " --resource-types ECR)?"));
              }
            } catch (Images.Unscannable e) {
              current =
                  applyOr(
                      current, new Input.EffectFailed(tick + ":" + digest, "scan", e.getMessage()));
            }
          }
        }
      }
      case DEPLOYING -> {
        if (current.deployment() != null && current.deployment().deploymentId() != null) {
          // The environment it deploys to now (the first, or the one it was promoted into).
          Stage target =
              current
                  .config()
                  .stage(current.currentEnvironment())
                  .orElse(current.config().path().get(0));
          Optional<Boolean> outcome =
              ports
                  .deployments()
                  .outcome(target.cluster(), target.service(), current.deployment().deploymentId());
          if (outcome.isPresent()) {
            current =
                applyOr(
                    current,
                    new Input.DeploymentEnded(
                        tick,
                        current.deployment().deploymentId(),
                        outcome.get(),
                        "observed by the reconciler"));
          }
        }
      }
      default -> {
        // IMAGE_READY passes straight to SCANNING; AWAITING_APPROVAL waits for a person.
      }
    }
    return current;
  }

  /**
   * A release whose image build succeeded but whose push was never seen (ECR's event is best
   * effort): its image is in the service's repository under its release id as the tag; found there,
   * the push is applied as the event would have been.
   */
  private Release lostPush(Release current, String tick) throws Unavailable {
    if (!current.imageBuilt() || current.image() != null || current.imageOnly()) {
      return current;
    }
    Optional<Declarations.Service> service = config.services().service(current.service());
    if (service.isEmpty()) {
      return current;
    }
    String repository = service.get().repository();
    Optional<Images.Tagged> found = ports.images().tagged(repository, current.id());
    if (found.isEmpty()) {
      return current;
    }
    String digest = found.get().digest();
    List<String> platforms = ports.images().platformDigests(repository, digest);
    joins.image(new ReleaseLedger.ReleaseKey(current.service(), current.id()), digest, platforms);
    return applyOr(
        current,
        new Input.ImagePushed(
            tick + ":push", found.get().registry(), repository, digest, platforms));
  }

  /** When the release last changed state (a note, such as a stuck mark, is not a move). */
  private static Instant lastMove(Release release) {
    for (int i = release.history().size() - 1; i >= 0; i--) {
      Release.Transition t = release.history().get(i);
      if (t.from() != t.to()) {
        return t.at();
      }
    }
    return release.requestedAt();
  }

  /**
   * A release in one state longer than that state's limit is stuck (architecture §5): marked once
   * per stay in the state (the mark's event id names the state and since when), announced as {@code
   * Release Stuck}, which the stack alarms on. It stays where it is: what comes next is a person's.
   */
  private Release stuckPastLimit(Release current, Instant now) {
    if (current.state().isFinal()) {
      return current;
    }
    Instant since = lastMove(current);
    Duration limit =
        config.limitOf(
            current.state(),
            current.config() == null
                ? 0
                : current
                    .config()
                    .stage(current.currentEnvironment())
                    .map(Stage::bakeSeconds)
                    .orElse(current.config().deploy().bakeSeconds()));
    if (limit == null || now.isBefore(since.plus(limit))) {
      return current;
    }
    return applyOr(
        current,
        new Input.Stuck("stuck:" + current.state() + ":" + since, current.state(), since, limit));
  }

  /** One of a release's two builds, as the reconciler checks it. */
  private record BuildRow(Effect.BuildKind kind, String buildId, boolean finished) {}

  private Release applyOr(Release current, Input input) {
    return engine.apply(current.service(), current.id(), input).orElse(current);
  }
}
