package dev.slipway.release;

import dev.slipway.event.SlipwayDetailType;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The release lifecycle as one pure function: {@code (release, input, now, service) -> (release',
 * effects)}. It never moves a release backwards, ignores any event for a release in a final state
 * and any event it has already applied, ignores scan results for digests that are not the
 * release's, and never lets an older release deploy over a newer approved or live one.
 *
 * <p>Why this is long: the whole lifecycle is one pure function, one method per input, so that the
 * property test can check all of it.
 */
public final class ReleaseMachine {
  private ReleaseMachine() {}

  /** The outcome: the new record (the same one when nothing changed) and the effects to run. */
  public record Decision(Release release, List<Effect> effects, boolean changed) {
    public Decision {
      effects = List.copyOf(effects);
    }

    static Decision unchanged(Release release) {
      return new Decision(release, List.of(), false);
    }
  }

  private static final Map<ReleaseState, SlipwayDetailType> ANNOUNCED =
      Map.ofEntries(
          Map.entry(ReleaseState.REQUESTED, SlipwayDetailType.RELEASE_REQUESTED),
          Map.entry(ReleaseState.BUILDING, SlipwayDetailType.RELEASE_BUILDING),
          Map.entry(ReleaseState.SCANNING, SlipwayDetailType.RELEASE_SCANNING),
          Map.entry(ReleaseState.IMAGE_READY, SlipwayDetailType.IMAGE_READY),
          Map.entry(ReleaseState.BLOCKED, SlipwayDetailType.RELEASE_BLOCKED),
          Map.entry(ReleaseState.AWAITING_APPROVAL, SlipwayDetailType.APPROVAL_REQUESTED),
          Map.entry(ReleaseState.APPROVED, SlipwayDetailType.RELEASE_APPROVED),
          Map.entry(ReleaseState.REJECTED, SlipwayDetailType.RELEASE_REJECTED),
          Map.entry(ReleaseState.DEPLOYING, SlipwayDetailType.DEPLOYMENT_STARTED),
          Map.entry(ReleaseState.AWAITING_PROMOTION, SlipwayDetailType.RELEASE_AWAITING_PROMOTION),
          Map.entry(ReleaseState.LIVE, SlipwayDetailType.RELEASE_LIVE),
          Map.entry(ReleaseState.ROLLED_BACK, SlipwayDetailType.RELEASE_ROLLED_BACK),
          Map.entry(ReleaseState.FAILED, SlipwayDetailType.RELEASE_FAILED),
          Map.entry(ReleaseState.SUPERSEDED, SlipwayDetailType.RELEASE_SUPERSEDED));

  public static Decision decide(Release current, Input input, Instant now, ServiceView service) {
    return decideLazily(current, input, now, () -> service);
  }

  /**
   * As {@link #decide(Release, Input, Instant, ServiceView)}, with the service's view asked for
   * only by a decision that weighs other releases (a new release, a deploy, a bake's end): the
   * engine reads the service index for those alone (issue 19).
   */
  public static Decision decideLazily(
      Release current, Input input, Instant now, Supplier<ServiceView> service) {
    Objects.requireNonNull(input, "input");
    Objects.requireNonNull(now, "now");
    if (current == null) {
      if (input instanceof Input.SourceUploaded uploaded) {
        return create(uploaded, now, service);
      }
      return input instanceof Input.ImageOnlyPushed pushed
          ? create(pushed, now, service)
          : Decision.unchanged(null);
    }
    if ((current.state().isFinal() && !reopens(current, input))
        || input instanceof Input.SourceUploaded
        || input instanceof Input.ImageOnlyPushed
        || (input.eventId() != null && current.seenEvents().contains(input.eventId()))) {
      return Decision.unchanged(current);
    }
    Step step = new Step(current, input, now);
    String name = current.service();
    apply(
        step,
        () -> {
          ServiceView view = service.get();
          return view == null ? ServiceView.empty(name) : view;
        });
    return step.finish();
  }

  /**
   * The inputs a LIVE release still takes: a person's rollback of it, a rollback of a newer one
   * returning to it, and the start and end of that return's deployment.
   */
  private static boolean reopens(Release current, Input input) {
    if (current.state() != ReleaseState.LIVE) {
      return false;
    }
    return input instanceof Input.RollbackRequested
        || input instanceof Input.Returned
        || (returning(current)
            && (input instanceof Input.DeployStarted || input instanceof Input.DeploymentEnded));
  }

  /** True while a rollback's deployment back to this live release runs. */
  private static boolean returning(Release release) {
    return release.deployment() != null && release.deployment().completedAt() == null;
  }

  private static Decision create(
      Input.SourceUploaded uploaded, Instant now, Supplier<ServiceView> view) {
    SourceRef source = uploaded.source();
    String service = SourceRef.serviceOf(source.key()).orElseThrow();
    Release seed =
        Release.builder(source.releaseId(), service, uploaded.uploadedAt())
            .source(source)
            .config(uploaded.config())
            .history(
                List.of(
                    new Release.Transition(
                        now,
                        null,
                        ReleaseState.REQUESTED,
                        uploaded.eventId(),
                        "uploaded s3://" + source.bucket() + "/" + source.key())))
            .seenEvents(uploaded.eventId() == null ? List.of() : List.of(uploaded.eventId()))
            .build();
    Step step = new Step(seed, uploaded, now);
    step.effect(new Effect.Publish(SlipwayDetailType.RELEASE_REQUESTED, null));
    if (uploaded.config() == null) {
      step.b.reason = uploaded.invalidReason(); // shown by `slipway status`, as for any failure
      step.move(ReleaseState.FAILED, uploaded.invalidReason());
    } else {
      // A manifest naming a Dockerfile: its one build replaces compile + image (architecture §4).
      Effect.BuildKind first =
          uploaded.config().dockerfile() != null
              ? Effect.BuildKind.DOCKERFILE
              : Effect.BuildKind.COMPILE;
      step.effect(new Effect.StartBuild(first, seed.id(), service, source));
      // The newest upload wins: older releases still building are superseded, their builds
      // stopped (architecture §5, retention).
      ServiceView others = view.get();
      if (others != null) {
        for (ServiceView.Entry older : others.olderBuilding(seed)) {
          step.effect(new Effect.Supersede(older.id(), seed.id()));
        }
      }
    }
    Decision decision = step.finish();
    return new Decision(decision.release(), decision.effects(), true);
  }

  /**
   * An image-only release: no source and no builds; it starts at IMAGE_READY with the pushed image
   * and goes on to the scan gate like any other. The newest wins over older releases still
   * building, as for an upload.
   */
  private static Decision create(
      Input.ImageOnlyPushed pushed, Instant now, Supplier<ServiceView> view) {
    Input.ImagePushed image = pushed.image();
    Release seed =
        Release.builder(
                Release.imageOnlyId(pushed.service(), image.digest()),
                pushed.service(),
                pushed.pushedAt())
            .config(pushed.config())
            .seenEvents(pushed.eventId() == null ? List.of() : List.of(pushed.eventId()))
            .build();
    Step step = new Step(seed, pushed, now);
    Release.Builder b = step.b;
    b.image =
        new Release.ImageRef(
            image.registry(), image.repository(), image.digest(), image.platformDigests());
    b.imageBuilt = true;
    b.history.add(
        new Release.Transition(
            now,
            null,
            ReleaseState.REQUESTED,
            pushed.eventId(),
            "image pushed as "
                + image.repository()
                + ":"
                + pushed.tag()
                + ", built elsewhere (an image-only release)"));
    step.effect(new Effect.Publish(SlipwayDetailType.RELEASE_REQUESTED, null));
    ServiceView others = view.get();
    if (others != null) {
      for (ServiceView.Entry older : others.olderBuilding(seed)) {
        step.effect(new Effect.Supersede(older.id(), seed.id()));
      }
    }
    imageReadyIfComplete(step, view);
    Decision decision = step.finish();
    return new Decision(decision.release(), decision.effects(), true);
  }

  private static void apply(Step s, Supplier<ServiceView> service) {
    Release.Builder b = s.b;
    if (s.input instanceof Input.BuildStarted started) {
      if (started.kind() == Effect.BuildKind.COMPILE && b.compileBuildId == null) {
        b.compileBuildId = started.buildId();
        s.touch();
        if (b.state == ReleaseState.REQUESTED) {
          s.move(ReleaseState.BUILDING, "compile build " + started.buildId());
        }
      } else if (started.kind() != Effect.BuildKind.COMPILE && b.imageBuildId == null) {
        b.imageBuildId = started.buildId();
        s.touch();
        if (started.kind() == Effect.BuildKind.DOCKERFILE && b.state == ReleaseState.REQUESTED) {
          s.move(ReleaseState.BUILDING, "Dockerfile build " + started.buildId());
        }
      }
    } else if (s.input instanceof Input.BuildFinished finished) {
      buildFinished(s, finished, service);
    } else if (s.input instanceof Input.ImagePushed pushed) {
      if (b.image == null && b.state.ordinal() < ReleaseState.SCANNING.ordinal()) {
        b.image =
            new Release.ImageRef(
                pushed.registry(), pushed.repository(), pushed.digest(), pushed.platformDigests());
        s.touch();
        imageReadyIfComplete(s, service);
      }
    } else if (s.input instanceof Input.ScanCompleted scan) {
      if (b.image == null
          && b.state.ordinal() < ReleaseState.SCANNING.ordinal()
          && !b.scans.containsKey(scan.digest())) {
        // The scan ended before the push event was applied (the digest is already linked to
        // this release): kept, and counted once the image is known.
        b.scans.put(scan.digest(), scan.findings());
        s.touch();
      } else if (b.image != null
          && b.image.scannable().contains(scan.digest())
          && !b.scans.containsKey(scan.digest())) {
        b.scans.put(scan.digest(), scan.findings());
        s.touch();
        evaluateIfScanned(s, service);
      }
    } else if (s.input instanceof Input.Approved approved) {
      if (b.state == ReleaseState.AWAITING_APPROVAL) {
        s.move(
            ReleaseState.APPROVED,
            "approved by " + approved.by() + reasonSuffix(approved.reason()));
        deploy(s, service);
      }
    } else if (s.input instanceof Input.Rejected rejected) {
      if (b.state.ordinal() < ReleaseState.DEPLOYING.ordinal()
          || b.state == ReleaseState.AWAITING_PROMOTION) {
        b.reason = "rejected by " + rejected.by() + reasonSuffix(rejected.reason());
        s.move(ReleaseState.REJECTED, b.reason);
      }
    } else if (s.input instanceof Input.Promoted promoted) {
      if (Promotion.refusal(b.build(), promoted.to(), service.get(), s.now).isEmpty()) {
        promote(s, promoted, service);
      }
    } else if (s.input instanceof Input.RollbackRequested rollback) {
      rolledBackByHand(s, rollback);
    } else if (s.input instanceof Input.Returned returned) {
      returnedTo(s, returned);
    } else if (s.input instanceof Input.DeployStarted started && b.state == ReleaseState.LIVE) {
      if (b.deployment != null && b.deployment.deploymentId() == null) {
        b.deployment = b.deployment.started(started.deploymentId());
        s.touch();
      }
    } else if (s.input instanceof Input.DeploymentEnded ended && b.state == ReleaseState.LIVE) {
      returnEnded(s, ended);
    } else if (s.input instanceof Input.DeployStarted started) {
      if (b.state == ReleaseState.DEPLOYING
          && (b.deployment == null || b.deployment.taskDefinitionArn() == null)) {
        b.deployment =
            new Release.Deployment(
                started.taskDefinitionArn(),
                started.previousTaskDefinitionArn(),
                started.deploymentId(),
                s.now,
                null,
                null);
        s.touch();
      }
    } else if (s.input instanceof Input.DeploymentEnded ended) {
      deploymentEnded(s, ended, service);
    } else if (s.input instanceof Input.AlarmFired alarm) {
      if (b.state == ReleaseState.DEPLOYING) {
        rollBack(s, "alarm " + alarm.alarm() + " entered ALARM" + reasonSuffix(alarm.reason()));
      }
    } else if (s.input instanceof Input.EffectFailed failed) {
      b.reason = failed.effectKey() + " failed: " + failed.reason();
      if (failed.effectKey().equals("rollback")) {
        s.touch(); // nothing left to undo; the reason says what needs a person
      } else {
        s.move(ReleaseState.FAILED, b.reason);
      }
    } else if (s.input instanceof Input.Superseded superseded) {
      if (superseded.environment() != null) {
        // A newer release is live where this one waits to be promoted: it can go no further.
        if (b.state == ReleaseState.AWAITING_PROMOTION
            && superseded.environment().equals(b.environment)) {
          b.reason = "superseded by " + superseded.by() + ", live in " + b.environment;
          s.move(ReleaseState.SUPERSEDED, b.reason);
        }
      } else if (b.state.ordinal() <= ReleaseState.DEPLOYING.ordinal()) {
        b.reason = "superseded by " + superseded.by();
        s.move(ReleaseState.SUPERSEDED, b.reason);
        if (b.compileBuildId != null && !b.compiled) {
          s.effect(new Effect.StopBuild(b.compileBuildId));
        }
        if (b.imageBuildId != null && !b.imageBuilt) {
          s.effect(new Effect.StopBuild(b.imageBuildId));
        }
      }
    } else if (s.input instanceof Input.Stuck stuck) {
      if (b.state == stuck.state()) {
        String detail =
            "stuck: "
                + stuck.state()
                + " since "
                + stuck.since()
                + ", past its limit of "
                + stuck.limit().toMinutes()
                + " min";
        s.note(detail);
        s.effect(new Effect.Publish(SlipwayDetailType.RELEASE_STUCK, detail));
      }
    } else if (s.input instanceof Input.BakeDue due) {
      if (b.state == ReleaseState.DEPLOYING
          && b.deployment != null
          && b.deployment.bakeUntil() != null) {
        if (s.now.isBefore(b.deployment.bakeUntil())) {
          s.effect(new Effect.WakeAt(b.deployment.bakeUntil()));
        } else {
          baked(s, "healthy through the bake time", service);
        }
      }
    } else if (s.input instanceof Input.Tick tick) {
      if (b.state == ReleaseState.DEPLOYING
          && b.deployment != null
          && b.deployment.bakeUntil() != null
          && !s.now.isBefore(b.deployment.bakeUntil())) {
        baked(s, "healthy through the bake time", service);
      }
    } else if (s.input instanceof Input.SourceUploaded ignored) {
      // handled before: a second upload event for the same object is a duplicate
    }
  }

  private static void buildFinished(
      Step s, Input.BuildFinished finished, Supplier<ServiceView> service) {
    Release.Builder b = s.b;
    if (b.state.ordinal() > ReleaseState.BUILDING.ordinal()) {
      return;
    }
    if (finished.kind() == Effect.BuildKind.COMPILE) {
      if (b.compiled
          || (b.compileBuildId != null && !b.compileBuildId.equals(finished.buildId()))) {
        return;
      }
      b.compileBuildId = finished.buildId();
      if (b.state == ReleaseState.REQUESTED) {
        s.move(ReleaseState.BUILDING, "compile build " + finished.buildId());
      }
      if (!finished.succeeded()) {
        b.reason = buildFailure("compile", finished);
        s.move(ReleaseState.FAILED, b.reason);
        return;
      }
      b.compiled = true;
      s.touch();
      s.effect(new Effect.Publish(SlipwayDetailType.RELEASE_BUILT, null));
      s.effect(
          new Effect.StartBuild(
              Effect.BuildKind.IMAGE, b.id, b.service, b.source, finished.artifactSha256()));
    } else {
      if (b.imageBuilt || (b.imageBuildId != null && !b.imageBuildId.equals(finished.buildId()))) {
        return;
      }
      b.imageBuildId = finished.buildId();
      boolean dockerfile = finished.kind() == Effect.BuildKind.DOCKERFILE;
      if (dockerfile && b.state == ReleaseState.REQUESTED) {
        s.move(ReleaseState.BUILDING, "Dockerfile build " + finished.buildId());
      }
      if (!finished.succeeded()) {
        b.reason = buildFailure(dockerfile ? "Dockerfile" : "image", finished);
        s.move(ReleaseState.FAILED, b.reason);
        return;
      }
      if (dockerfile) {
        b.compiled = true; // nothing of Slipway's to compile: the Dockerfile built it all
      }
      b.imageBuilt = true;
      s.touch();
      imageReadyIfComplete(s, service);
    }
  }

  /** IMAGE_READY needs both the image build's success and the pushed digest, in either order. */
  private static void imageReadyIfComplete(Step s, Supplier<ServiceView> service) {
    Release.Builder b = s.b;
    if (b.image != null && b.imageBuilt && b.state.ordinal() < ReleaseState.IMAGE_READY.ordinal()) {
      if (b.state == ReleaseState.REQUESTED && b.source != null) {
        s.move(ReleaseState.BUILDING, "builds finished");
      }
      s.move(ReleaseState.IMAGE_READY, b.image.pinned());
      s.move(ReleaseState.SCANNING, "awaiting scan of " + b.image.scannable().size() + " image(s)");
      evaluateIfScanned(s, service);
    }
  }

  /** Once every platform image has a scan result, apply the policy. */
  private static void evaluateIfScanned(Step s, Supplier<ServiceView> service) {
    Release.Builder b = s.b;
    if (b.state != ReleaseState.SCANNING || !b.scans.keySet().containsAll(b.image.scannable())) {
      return;
    }
    List<Finding> all = new ArrayList<>();
    b.image.scannable().forEach(d -> all.addAll(b.scans.get(d)));
    ScanVerdict verdict =
        ScanVerdict.evaluate(b.config.scan(), all, s.now.atZone(ZoneOffset.UTC).toLocalDate());
    b.verdict = verdict;
    // What the manifest's allowances let through is said in the transition, so the history shows
    // it.
    String allowed =
        verdict.allowed().isEmpty() ? "" : "; allowed: " + String.join("; ", verdict.allowed());
    switch (verdict.outcome()) {
      case BLOCK -> {
        b.reason = "blocked by " + String.join(", ", verdict.deciding());
        s.move(ReleaseState.BLOCKED, b.reason + allowed);
      }
      case APPROVE ->
          s.move(
              ReleaseState.AWAITING_APPROVAL,
              "needs approval for "
                  + String.join(", ", verdict.deciding())
                  + allowed
                  + "; who may approve: "
                  + b.config.approversText());
      case PASS -> {
        Stage first = b.config.path().get(0);
        if (first.approval()) {
          b.environment = first.environment();
          s.move(
              ReleaseState.AWAITING_APPROVAL,
              "scan passed the policy"
                  + allowed
                  + "; "
                  + first.environment()
                  + " needs a person's approval; who may approve: "
                  + b.config.approversText());
        } else {
          s.move(ReleaseState.APPROVED, "scan passed the policy" + allowed);
          deploy(s, service);
        }
      }
    }
  }

  /**
   * APPROVED: deploy to the release's current environment (the first, until promoted) unless a
   * newer release is already there or past it.
   */
  private static void deploy(Step s, Supplier<ServiceView> service) {
    Release.Builder b = s.b;
    Stage stage = currentStage(b);
    b.environment = stage.environment();
    Release self = b.build();
    ServiceView given = service.get();
    ServiceView view = given == null ? ServiceView.empty(b.service) : given;
    var newer = view.newerContender(self, stage.environment());
    if (newer.isPresent()) {
      b.reason =
          "superseded by "
              + newer.get().id()
              + " ("
              + newer.get().state()
              + (b.config.path().size() > 1 ? " in " + newer.get().environment() : "")
              + ")";
      s.move(ReleaseState.SUPERSEDED, b.reason);
      return;
    }
    for (ServiceView.Entry older : view.olderDeploying(self, stage.environment())) {
      s.effect(new Effect.Supersede(older.id(), b.id));
    }
    Manifest.Deploy target = b.config.deploy();
    s.move(ReleaseState.DEPLOYING, environmentPrefix(b, stage) + "to " + stage.target());
    s.effect(
        new Effect.Deploy(
            stage.cluster(),
            stage.service(),
            target.container(),
            b.image.pinned(),
            stage.strategy(),
            stage.ecsBakes() ? stage.ecsBakeMinutes() : 0));
  }

  /** "staging: " when the release goes through more than one environment. */
  private static String environmentPrefix(Release.Builder b, Stage stage) {
    return b.config.path().size() > 1 ? stage.environment() + ": " : "";
  }

  /** The stage the release is in: its current environment's, the first before it deploys. */
  private static Stage currentStage(Release.Builder b) {
    List<Stage> path = b.config.path();
    return b.environment == null ? path.get(0) : b.config.stage(b.environment).orElse(path.get(0));
  }

  /**
   * The bake in the current environment is over: LIVE in the last one; in an earlier one, waiting
   * to be promoted, or promoted at once when the next environment takes releases by itself.
   */
  private static void baked(Step s, String why, Supplier<ServiceView> service) {
    Release.Builder b = s.b;
    Stage stage = currentStage(b);
    Optional<Stage> next = b.config.after(stage.environment());
    if (next.isEmpty()) {
      s.move(ReleaseState.LIVE, environmentPrefix(b, stage) + why);
      return;
    }
    s.move(
        ReleaseState.AWAITING_PROMOTION,
        stage.environment() + ": " + why + "; next: " + next.get().environment());
    // Only what runs in an environment (or past it) goes on from it: older releases waiting
    // here give way, so at most one per environment waits (and the reconciler reads no more).
    ServiceView others = service.get();
    if (others != null) {
      for (ServiceView.Entry older : others.olderWaiting(b.build(), stage.environment())) {
        s.effect(new Effect.Supersede(older.id(), b.id, stage.environment()));
      }
    }
    if (next.get().autoPromote()) {
      Input.Promoted auto = new Input.Promoted(null, next.get().environment(), null, null);
      Optional<String> refused = Promotion.refusal(b.build(), auto.to(), service.get(), s.now);
      if (refused.isPresent()) {
        s.note("not promoted to " + auto.to() + " automatically: " + refused.get());
      } else {
        promote(s, auto, service);
      }
    }
  }

  /**
   * Into the next environment, with the same image (never a rebuild): its deployment, or, for an
   * automatic promotion into an environment that needs a person, its approval.
   */
  private static void promote(Step s, Input.Promoted promoted, Supplier<ServiceView> service) {
    Release.Builder b = s.b;
    Stage from = currentStage(b);
    Stage to = b.config.stage(promoted.to()).orElseThrow();
    s.leave(from.environment());
    b.environment = to.environment();
    b.deployment = null;
    String how =
        promoted.by() == null
            ? "promoted from " + from.environment() + " automatically after its bake"
            : "promoted from "
                + from.environment()
                + " by "
                + promoted.by()
                + reasonSuffix(promoted.reason());
    s.effect(new Effect.Publish(SlipwayDetailType.RELEASE_PROMOTED, null));
    if (promoted.by() == null && to.approval()) {
      s.move(
          ReleaseState.AWAITING_APPROVAL,
          to.environment()
              + ": "
              + how
              + "; "
              + to.environment()
              + " needs a person's approval; who may approve: "
              + b.config.approversText());
      return;
    }
    s.note(to.environment() + ": " + how);
    deploy(s, service);
  }

  private static void deploymentEnded(
      Step s, Input.DeploymentEnded ended, Supplier<ServiceView> service) {
    Release.Builder b = s.b;
    if (b.state != ReleaseState.DEPLOYING
        || b.deployment == null
        || (b.deployment.deploymentId() != null
            && !b.deployment.deploymentId().equals(ended.deploymentId()))) {
      return;
    }
    if (!ended.completed()) {
      rollBack(s, "deployment " + ended.deploymentId() + " failed" + reasonSuffix(ended.reason()));
      return;
    }
    if (b.deployment.completedAt() != null) {
      return;
    }
    // With ECS's own strategy the bake was ECS's, before it reported the deployment complete.
    Stage stage = currentStage(b);
    Instant bakeUntil = s.now.plusSeconds(stage.ecsBakes() ? 0 : stage.bakeSeconds());
    b.deployment = b.deployment.ended(ended.deploymentId(), s.now, bakeUntil);
    s.touch();
    if (!s.now.isBefore(bakeUntil)) {
      baked(s, "deployment completed; no bake time", service);
    } else {
      s.effect(new Effect.WakeAt(bakeUntil)); // the bake ends at its time, not at a tick
    }
  }

  /** A person's rollback of a live release: ROLLED_BACK, and the service back where it was. */
  private static void rolledBackByHand(Step s, Input.RollbackRequested rollback) {
    Release.Builder b = s.b;
    if (b.state != ReleaseState.LIVE) {
      return;
    }
    Stage target = currentStage(b);
    String previous = b.deployment == null ? null : b.deployment.previousTaskDefinitionArn();
    String back = rollback.returnTo() != null ? rollback.returnTo() : previous;
    b.reason = "rolled back by hand by " + rollback.by() + reasonSuffix(rollback.reason());
    s.move(
        ReleaseState.ROLLED_BACK,
        "manual rollback by "
            + rollback.by()
            + reasonSuffix(rollback.reason())
            + (rollback.passedOver() ? "; passed over, back to " : "; back to ")
            + back);
    if (rollback.passedOver()) {
      return;
    }
    if (rollback.returnTo() != null) {
      s.effect(new Effect.ReturnTo(rollback.returnTo(), rollback.by()));
    } else if (previous != null) {
      s.effect(new Effect.RollBack(target.cluster(), target.service(), previous));
    }
  }

  /** A rollback of a newer release returns the service to this live one: deploy it again. */
  private static void returnedTo(Step s, Input.Returned returned) {
    Release.Builder b = s.b;
    if (b.state != ReleaseState.LIVE
        || b.deployment == null
        || b.deployment.taskDefinitionArn() == null) {
      return;
    }
    Stage target = currentStage(b);
    b.deployment =
        new Release.Deployment(
            b.deployment.taskDefinitionArn(),
            returned.fromTaskDefinitionArn(),
            null,
            s.now,
            null,
            null);
    s.note(
        "returning: "
            + returned.from()
            + " was rolled back by "
            + returned.by()
            + "; deploying "
            + b.deployment.taskDefinitionArn()
            + " again");
    s.effect(
        new Effect.Redeploy(target.cluster(), target.service(), b.deployment.taskDefinitionArn()));
  }

  /** The end of a rollback's deployment back to this live release. */
  private static void returnEnded(Step s, Input.DeploymentEnded ended) {
    Release.Builder b = s.b;
    if (b.deployment == null
        || b.deployment.completedAt() != null
        || (b.deployment.deploymentId() != null
            && !b.deployment.deploymentId().equals(ended.deploymentId()))) {
      return;
    }
    b.deployment = b.deployment.ended(ended.deploymentId(), s.now, s.now);
    if (ended.completed()) {
      b.reason = null;
      s.note("live again: deployment " + ended.deploymentId() + " completed");
      s.effect(new Effect.Publish(SlipwayDetailType.RELEASE_LIVE, null));
    } else {
      b.reason =
          "the return to this release failed: deployment "
              + ended.deploymentId()
              + " failed"
              + reasonSuffix(ended.reason())
              + "; the service needs a person";
      s.note(b.reason);
      s.effect(new Effect.Publish(SlipwayDetailType.RELEASE_FAILED, b.reason));
    }
  }

  private static void rollBack(Step s, String why) {
    Release.Builder b = s.b;
    Stage stage = currentStage(b);
    b.reason = environmentPrefix(b, stage) + why;
    s.move(ReleaseState.ROLLED_BACK, b.reason);
    String previous = b.deployment == null ? null : b.deployment.previousTaskDefinitionArn();
    if (previous != null) {
      s.effect(new Effect.RollBack(stage.cluster(), stage.service(), previous));
    }
  }

  private static String reasonSuffix(String reason) {
    return reason == null || reason.isBlank() ? "" : ": " + reason;
  }

  /** One decision in progress: the record being changed and the effects it asks for. */
  private static final class Step {
    final Release.Builder b;
    final Input input;
    final Instant now;
    final List<Effect> effects = new ArrayList<>();
    boolean changed;

    Step(Release current, Input input, Instant now) {
      this.b = current.toBuilder();
      this.input = input;
      this.now = now;
    }

    void touch() {
      changed = true;
    }

    void move(ReleaseState to, String detail) {
      if (!b.state.canMoveTo(to)) {
        throw new IllegalStateException("a release never moves from " + b.state + " to " + to);
      }
      b.history.add(new Release.Transition(now, b.state, to, input.eventId(), detail));
      b.state = to;
      changed = true;
      SlipwayDetailType announced = ANNOUNCED.get(to);
      if (announced != null) {
        effect(
            new Effect.Publish(
                announced,
                (to.isFinal() && to != ReleaseState.LIVE) || to == ReleaseState.AWAITING_APPROVAL
                    ? detail
                    : null));
      }
    }

    /** A history entry that is not a move: the state stays (a live release's return). */
    void note(String detail) {
      b.history.add(new Release.Transition(now, b.state, b.state, input.eventId(), detail));
      changed = true;
    }

    void effect(Effect effect) {
      changed = true;
      if (b.pending.stream().noneMatch(e -> e.key().equals(effect.key()))
          && effects.stream().noneMatch(e -> e.key().equals(effect.key()))) {
        effects.add(effect);
      }
    }

    /** The release leaves {@code environment}, live there, for the next one. */
    void leave(String environment) {
      track();
      for (int i = 0; i < b.tracks.size(); i++) {
        Release.Track t = b.tracks.get(i);
        if (t.environment().equals(environment)) {
          b.tracks.set(
              i,
              new Release.Track(
                  t.environment(), t.target(), t.state(), t.deployment(), t.enteredAt(), now));
        }
      }
    }

    /**
     * Brings the current environment's track up to date with the release's state and deployment
     * there (awaiting promotion is live there); it starts when the release enters the environment.
     */
    private void track() {
      if (b.environment == null || b.config == null) {
        return;
      }
      ReleaseState state = b.state == ReleaseState.AWAITING_PROMOTION ? ReleaseState.LIVE : b.state;
      String target = b.config.stage(b.environment).map(Stage::target).orElse(null);
      for (int i = 0; i < b.tracks.size(); i++) {
        Release.Track t = b.tracks.get(i);
        if (t.environment().equals(b.environment)) {
          if (t.leftAt() == null) {
            b.tracks.set(
                i,
                new Release.Track(
                    t.environment(), target, state, b.deployment, t.enteredAt(), null));
          }
          return;
        }
      }
      b.tracks.add(new Release.Track(b.environment, target, state, b.deployment, now, null));
    }

    Decision finish() {
      if (!changed) {
        return Decision.unchanged(b.build());
      }
      track();
      if (input.eventId() != null && !b.seenEvents.contains(input.eventId())) {
        b.seenEvents.add(input.eventId());
        while (b.seenEvents.size() > Release.SEEN_LIMIT) {
          b.seenEvents.remove(0);
        }
      }
      b.pending.addAll(effects);
      return new Decision(b.build(), effects, true);
    }
  }

  /** "compile build ARN FAILED", with the build's own error line when it is known. */
  private static String buildFailure(String kind, Input.BuildFinished finished) {
    return kind
        + " build "
        + finished.buildId()
        + " "
        + finished.status()
        + (finished.detail() != null ? ": " + finished.detail() : "");
  }
}
