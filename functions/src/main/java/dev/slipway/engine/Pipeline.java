package dev.slipway.engine;

import dev.slipway.event.AlarmStateChange;
import dev.slipway.event.BakeTimer;
import dev.slipway.event.CodeBuildBuildState;
import dev.slipway.event.EcrImageAction;
import dev.slipway.event.EcsDeploymentState;
import dev.slipway.event.ImageScan;
import dev.slipway.event.PipelineEvent;
import dev.slipway.event.S3ObjectCreated;
import dev.slipway.event.SlipwayEvent;
import dev.slipway.release.Declarations;
import dev.slipway.release.Effect;
import dev.slipway.release.Finding;
import dev.slipway.release.Input;
import dev.slipway.release.ManifestGrammar;
import dev.slipway.release.Promotion;
import dev.slipway.release.Release;
import dev.slipway.release.ReleaseConfig;
import dev.slipway.release.ReleaseState;
import dev.slipway.release.ServiceView;
import dev.slipway.release.SourceRef;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Turns each typed event into an input for the release it concerns (by the join keys of
 * architecture §3) and applies it through the {@link ReleaseEngine}. Handlers are thin: they parse,
 * pick the kinds they own, and call {@link #handle}; a person's decisions and rollbacks come
 * through {@link #steer} and {@link #rollBack}. The join keys are {@link Joins}'; the scheduled
 * safety net is {@link Reconciler}.
 *
 * <p>Why this is long: one method per event kind (upload, builds, push with image-only releases,
 * scans, deployments, alarms, bake timers) and per steering action, each with the checks that make
 * it safe to repeat; they share the application through the engine.
 */
public final class Pipeline {
  static final Set<String> FINISHED_BUILD =
      Set.of("SUCCEEDED", "FAILED", "FAULT", "STOPPED", "TIMED_OUT");

  private final EngineConfig config;
  private final ReleaseLedger ledger;
  private final Ports ports;
  private final ReleaseEngine engine;
  private final Joins joins;
  private final Reconciler reconciler;
  private final Clock clock;

  /**
   * The world as the pipeline sees it, one port per API (the composition roots give the AWS
   * adapters, tests fakes): the ledger, the uploaded sources, the registry and its scanners, the
   * builds and what they leave, the deployments, the alarms, the effects' runner, and the priming
   * of the clients behind them before SnapStart's snapshot.
   */
  public record Ports(
      ReleaseLedger ledger,
      SourceArchives archives,
      Images images,
      Builds builds,
      BuildLogs buildLogs,
      Deployments deployments,
      Alarms alarms,
      EffectRunner effects,
      ClientPriming clientPriming) {}

  /**
   * Makes each call the adapters make without its reaching the world, so the clients behind them
   * are built and each operation loaded before a snapshot; returns how many calls it made. Fakes
   * have nothing to prime.
   */
  @FunctionalInterface
  public interface ClientPriming {
    int prime();
  }

  public Pipeline(EngineConfig config, Ports ports, Clock clock) {
    this.config = config;
    this.ledger = ports.ledger();
    this.ports = ports;
    this.clock = clock;
    this.joins = new Joins(ledger);
    this.engine =
        new ReleaseEngine(
            ledger, joins.linkingDeployments(ports.effects()), clock, config.claimTtl());
    this.reconciler = new Reconciler(config, ports, engine, joins, clock, this::requested);
  }

  /** What became of one event (not an effect's outcome: that is {@link EffectRunner.Outcome}). */
  public sealed interface Handled {
    /** The event reached a release; here it is afterwards. */
    record Applied(Release release) implements Handled {}

    /** The event concerns nothing Slipway tracks; {@code reason} says why. */
    record Ignored(String reason) implements Handled {}

    /** A person's request that cannot be carried out now; {@code reason} says why. */
    record Refused(String reason) implements Handled {}
  }

  /**
   * What the release engine makes of one event. The switch is over every kind in the registry: a
   * kind added to {@link EventKind} without a decision here does not compile.
   */
  public Handled handle(PipelineEvent event) throws Unavailable {
    ports.ledger().beginEvent(); // one event's repeated reads come from its own (ObjectLedger)
    try {
      return handleOne(event);
    } finally {
      ports.ledger().endEvent();
    }
  }

  private Handled handleOne(PipelineEvent event) throws Unavailable {
    return switch (event.eventKind()) {
      case S3_OBJECT_CREATED -> sourceUploaded((S3ObjectCreated) event);
      case CODEBUILD_BUILD_STATE -> buildState((CodeBuildBuildState) event);
      case ECR_IMAGE_ACTION -> imagePushed((EcrImageAction) event);
      case ECR_IMAGE_SCAN -> scanned((ImageScan) event, "COMPLETE");
      case INSPECTOR_SCAN -> scanned((ImageScan) event, "INITIAL_SCAN_COMPLETE");
      case ECS_DEPLOYMENT_STATE -> deploymentEnded((EcsDeploymentState) event);
      case ALARM_STATE_CHANGE -> alarmed((AlarmStateChange) event);
      case BAKE_TIMER -> {
        BakeTimer timer = (BakeTimer) event;
        if (!ManifestGrammar.SERVICE.matcher(timer.service()).matches()
            || SourceRef.serviceOfReleaseId(timer.releaseId()).isEmpty()) {
          yield new Handled.Ignored("bake timer names no release");
        }
        yield apply(
            new ReleaseLedger.ReleaseKey(timer.service(), timer.releaseId()),
            new Input.BakeDue(timer.meta().id()));
      }
      case SLIPWAY ->
          // Anyone allowed events:PutEvents could send an approval naming anyone: a decision
          // counts only through steer, behind the IAM-authenticated function URL (architecture §5).
          new Handled.Ignored(
              "Slipway's own "
                  + ((SlipwayEvent) event).type().detailType()
                  + " announcement (decisions come through the steering URL)");
      case CODEBUILD_PHASE_CHANGE, INSPECTOR_FINDING, ECS_SERVICE_ACTION, ECS_TASK_STATE ->
          new Handled.Ignored(event.kind() + " is not used by the release engine");
    };
  }

  private Handled scanned(ImageScan e, String complete) throws Unavailable {
    return scanned(e.meta().id(), e.repository(), e.digest(), e.status(), complete);
  }

  private Handled buildState(CodeBuildBuildState e) {
    String eventId = e.meta().id();
    Effect.BuildKind kind =
        e.project().equals(config.compileProject())
            ? Effect.BuildKind.COMPILE
            : e.project().equals(config.imageProject())
                ? Effect.BuildKind.IMAGE
                : e.project().equals(config.dockerfileProject())
                    ? Effect.BuildKind.DOCKERFILE
                    : null;
    if (kind == null || e.releaseId() == null) {
      return new Handled.Ignored(
          "build of project " + e.project() + " is not a Slipway release build");
    }
    String detail = null;
    if (FINISHED_BUILD.contains(e.status())
        && !e.status().equals("SUCCEEDED")
        && kind == Effect.BuildKind.COMPILE) {
      try {
        detail = ports.buildLogs().failure(e.releaseId()).orElse(null);
      } catch (Unavailable unavailable) {
        detail = null; // the reason without the build's line is still the truth
      }
    }
    Input input =
        FINISHED_BUILD.contains(e.status())
            ? new Input.BuildFinished(
                eventId, kind, e.buildId(), e.status(), detail, e.artifactSha256())
            : new Input.BuildStarted(eventId, kind, e.buildId());
    return apply(e.releaseId(), input);
  }

  private Handled imagePushed(EcrImageAction e) throws Unavailable {
    String eventId = e.meta().id();
    Optional<Declarations.Service> declared = config.services().serviceOfRepository(e.repository());
    if (!e.isSuccessfulPush() || declared.isEmpty() || e.tag() == null || e.digest() == null) {
      return new Handled.Ignored(
          e.action()
              + " "
              + e.result()
              + " of "
              + e.repository()
              + ":"
              + e.tag()
              + " starts nothing");
    }
    String serviceName = declared.get().name();
    if (REFERRERS_TAG.matcher(e.tag()).matches()) {
      // OCI's referrers tag schema (an SBOM or signature attached to an image): not an image.
      return new Handled.Ignored("tag " + e.tag() + " lists an image's referrers");
    }
    Optional<String> service = SourceRef.serviceOfReleaseId(e.tag());
    if (service.isPresent() && !serviceName.equals(service.get())) {
      // Each service pushes to its own repository: a release's tag in another's is not its push.
      return new Handled.Ignored(
          "tag " + e.tag() + " in " + e.repository() + " is not that repository's service's");
    }
    boolean built = service.isPresent() && ledger.read(service.get(), e.tag()).isPresent();
    if (!built) { // a release's own push needs no digest lookup (issue 19: one read a release)
      Optional<ReleaseLedger.ReleaseKey> already = joins.ofDigest(e.digest());
      if (already.isPresent()) {
        // The image of a release already known (its own tag, or an image-only push) under another
        // tag: a retag is not a new release.
        return new Handled.Ignored(
            "tag "
                + e.tag()
                + " names the image of release "
                + already.get().releaseId()
                + " again");
      }
    }
    String releaseId = built ? e.tag() : Release.imageOnlyId(serviceName, e.digest());
    List<String> platforms = ports.images().platformDigests(e.repository(), e.digest());
    ReleaseLedger.ReleaseKey key = new ReleaseLedger.ReleaseKey(serviceName, releaseId);
    String registry =
        e.meta().account() != null && e.meta().region() != null
            ? e.meta().account() + ".dkr.ecr." + e.meta().region() + ".amazonaws.com"
            : null;
    Input.ImagePushed image =
        new Input.ImagePushed(eventId, registry, e.repository(), e.digest(), platforms);
    Handled pushed;
    List<String> held;
    if (built) {
      // Linked first: a scan that ends now finds the release, which keeps it until the push.
      held = joins.image(key, e.digest(), platforms);
      pushed = apply(key, image);
    } else {
      // Created first: a scan that ends before the link finds none and leaves its mark, which is
      // applied below; linked first, it would find a release not yet there and be lost.
      pushed =
          apply(
              key,
              new Input.ImageOnlyPushed(
                  eventId,
                  e.meta().time() != null ? e.meta().time() : clock.instant(),
                  serviceName,
                  e.tag(),
                  imageOnlyConfig(declared.get()),
                  image));
      held = joins.image(key, e.digest(), platforms);
    }
    // A scan that ended before this event was handled left its mark at the digest's key, which
    // the link above found held (only a held key is read): apply it now, then the key is the
    // release's (a scan not readable yet is the reconciler's to ask the scanner about).
    for (String digest : held) {
      if (joins.scannedEarly(digest)) {
        Handled early =
            scanned(key, Joins.EARLY_SCAN + digest, e.repository(), digest, "COMPLETE", "COMPLETE");
        joins.takeOverMark(key, digest);
        if (early instanceof Handled.Applied) {
          pushed = early;
        }
      }
    }
    return pushed;
  }

  /**
   * How an image-only release is gated and deployed: as the service's newest release with a
   * manifest was (admitted again today, so an allowance since expired allows nothing), or, before
   * any, by the declarations alone: the organisation's floor as the policy, the first environment,
   * the container named after the service, the default bake and health paths.
   */
  private ReleaseConfig imageOnlyConfig(Declarations.Service service) {
    Optional<ReleaseConfig> latest =
        ledger.readIndex(service.name()).map(i -> i.value().releases()).orElse(List.of()).stream()
            .limit(IMAGE_CONFIG_LOOKBACK)
            .map(entry -> ledger.read(service.name(), entry.id()))
            .flatMap(Optional::stream)
            .map(v -> v.value().config())
            .filter(c -> c != null)
            .findFirst();
    if (latest.isPresent()) {
      Declarations.Admission admission =
          config.services().admit(service.name(), service.name(), latest.get(), today());
      if (admission instanceof Declarations.Admission.Admitted a) {
        return a.config();
      }
    }
    return config.services().defaultConfig(service);
  }

  /** The tag a registry without the referrers API lists an image's referrers under. */
  private static final java.util.regex.Pattern REFERRERS_TAG =
      java.util.regex.Pattern.compile("sha256-[0-9a-f]{64}");

  /** How many of a service's newest releases are read to find the configuration of the last. */
  private static final int IMAGE_CONFIG_LOOKBACK = 5;

  private Handled deploymentEnded(EcsDeploymentState e) throws Unavailable {
    String eventId = e.meta().id();
    boolean completed = e.name().equals("SERVICE_DEPLOYMENT_COMPLETED");
    if (!completed && !e.name().equals("SERVICE_DEPLOYMENT_FAILED")) {
      return new Handled.Ignored(e.name() + " changes nothing");
    }
    Optional<ReleaseLedger.ReleaseKey> key = deployingIn(e.serviceArn(), e.deploymentId());
    if (key.isEmpty()) {
      key = joins.ofDeployment(e.deploymentId()); // a return's redeploy is linked
    }
    if (key.isEmpty()) {
      return new Handled.Ignored("deployment " + e.deploymentId() + " is not a Slipway release's");
    }
    // ECS can finish before the deploy effect's result (the deployment id) is recorded: that
    // event would be ignored and the release left to the reconciler. Not applied (so not marked
    // seen), it fails to come again shortly, by which time the start is recorded.
    Optional<Release> current =
        ledger.read(key.get().service(), key.get().releaseId()).map(ReleaseLedger.Versioned::value);
    if (current.isPresent()
        && current.get().state() == ReleaseState.DEPLOYING
        && current.get().deployment() == null) {
      // The retries may all come while the handler that started the deployment is gone with
      // its claim (minutes, until the claim expires): leave a mark first, which the
      // reconciler applies once the start is recorded, so the end is not lost with them. The
      // mark is the event from then on: a delivery that finds it already there is done, so the
      // event does not fail on until it is dead-lettered (and the queue's alarm pages someone
      // for an end that is not lost).
      String early =
          "deployment "
              + e.deploymentId()
              + " ended before its start was recorded in "
              + key.get().releaseId();
      if (joins.endedEarly(key.get().releaseId(), e.deploymentId(), completed)) {
        return new Handled.Ignored(
            early + "; the reconciler applies the mark its first delivery left once the start is");
      }
      joins.markEndedEarly(key.get(), e.deploymentId(), completed);
      throw new Unavailable(early);
    }
    return apply(
        key.get(), new Input.DeploymentEnded(eventId, e.deploymentId(), completed, e.reason()));
  }

  /**
   * The release deploying in the ECS service {@code serviceArn} names, when the deployment is its
   * own (or its start is not recorded yet): found by the service's index, which this event reads
   * once and the write of the release's next state then starts from, so a release's own deploy
   * needs no join key of its own (issue 19: a PUT and a GET a release). One release deploys per
   * environment at most. Empty for a service no declared environment targets, an ARN without its
   * cluster (the old form), or a deployment that is not the deploying release's.
   */
  private Optional<ReleaseLedger.ReleaseKey> deployingIn(String serviceArn, String deploymentId) {
    int at = serviceArn == null ? -1 : serviceArn.indexOf(":service/");
    String[] names =
        at < 0 ? new String[0] : serviceArn.substring(at + ":service/".length()).split("/");
    if (names.length != 2) {
      return Optional.empty();
    }
    for (Declarations.Service declared : config.services().services()) {
      Optional<Declarations.Environment> environment = declared.target(names[0], names[1]);
      if (environment.isEmpty()) {
        continue;
      }
      boolean first = declared.first().equals(environment.get());
      for (ServiceView.Entry entry :
          ledger.readIndex(declared.name()).map(i -> i.value().deploying()).orElse(List.of())) {
        boolean here =
            environment.get().name().equals(entry.environment())
                || (entry.environment() == null && first);
        Optional<Release> release =
            here
                ? ledger.read(declared.name(), entry.id()).map(ReleaseLedger.Versioned::value)
                : Optional.empty();
        if (release.isPresent()
            && (release.get().deployment() == null
                || deploymentId.equals(release.get().deployment().deploymentId()))) {
          return Optional.of(new ReleaseLedger.ReleaseKey(declared.name(), entry.id()));
        }
      }
    }
    return Optional.empty();
  }

  private Handled alarmed(AlarmStateChange e) {
    String eventId = e.meta().id();
    String service = config.alarmServices().get(e.alarm());
    if (!e.enteredAlarm() || service == null) {
      return new Handled.Ignored("alarm " + e.alarm() + " " + e.state() + " guards no deployment");
    }
    List<ServiceView.Entry> deploying =
        ledger.readIndex(service).map(i -> i.value().deploying()).orElse(List.of());
    if (deploying.isEmpty()) {
      return new Handled.Ignored("no release of " + service + " is deploying");
    }
    // One release deploys per environment at most: the service's alarms guard each of them, an
    // environment's alarm only the one deploying there.
    Optional<String> only = config.services().alarmEnvironment(e.alarm());
    List<String> guarded =
        deploying.stream()
            .filter(
                entry ->
                    only.isEmpty()
                        || only.get().equals(entry.environment())
                        || (entry.environment() == null
                            && config
                                .services()
                                .service(service)
                                .map(s -> s.first().name().equals(only.get()))
                                .orElse(false)))
            .map(ServiceView.Entry::id)
            .toList();
    if (guarded.isEmpty()) {
      return new Handled.Ignored(
          "alarm " + e.alarm() + " guards " + only.orElse("?") + ", where nothing deploys");
    }
    Handled outcome = null;
    for (String id : guarded) {
      outcome =
          apply(
              new ReleaseLedger.ReleaseKey(service, id),
              new Input.AlarmFired(eventId, e.alarm(), e.reason()));
    }
    return outcome;
  }

  /** A person's decision on a release. */
  public enum Decision {
    APPROVE,
    REJECT
  }

  /**
   * Applies a person's decision: {@code by} is the identity AWS authenticated (the caller ARN of
   * the IAM-authorized steering URL), never a name the caller chose; {@code requestId} makes a
   * repeated request the same input.
   */
  public Handled steer(
      Decision decision, String releaseId, String by, String reason, String requestId) {
    String eventId = "steer:" + requestId;
    return apply(
        releaseId,
        decision == Decision.APPROVE
            ? new Input.Approved(eventId, by, reason)
            : new Input.Rejected(eventId, by, reason));
  }

  /**
   * A person's promotion of {@code releaseId} into environment {@code to} ({@code by}: the identity
   * AWS authenticated): the same image, deployed there with that environment's gate. Refused, with
   * the reason {@link Promotion#refusal} gives, when it is not live in the environment before, a
   * newer release is already there, or its scan verdict has expired; a repeated request is the same
   * input.
   */
  public Handled promote(String releaseId, String to, String by, String reason, String requestId) {
    String eventId = "steer:" + requestId;
    Optional<String> service = SourceRef.serviceOfReleaseId(releaseId);
    Optional<Release> release =
        service.flatMap(s -> ledger.read(s, releaseId)).map(ReleaseLedger.Versioned::value);
    if (release.isEmpty()) {
      return new Handled.Ignored("no release " + releaseId);
    }
    if (release.get().seenEvents().contains(eventId)) {
      return new Handled.Applied(release.get());
    }
    ServiceView view =
        ledger
            .readIndex(service.get())
            .map(i -> i.value().view())
            .orElse(ServiceView.empty(service.get()));
    Optional<String> refused = Promotion.refusal(release.get(), to, view, clock.instant());
    if (refused.isPresent()) {
      return new Handled.Refused(refused.get());
    }
    return apply(
        new ReleaseLedger.ReleaseKey(service.get(), releaseId),
        new Input.Promoted(eventId, to, by, reason));
  }

  /**
   * A person's rollback of {@code service} ({@code by}: the identity AWS authenticated): its live
   * release (the newest LIVE) becomes ROLLED_BACK and the service returns to {@code to} (a release
   * id), or, when {@code to} is null, to the newest live release before it (to the task definition
   * it replaced when there is none). Refused, with the reason, while a release of the service is
   * approved or deploying, or a return is still rolling out, and for a {@code to} that is not an
   * older live release of the service.
   */
  public Handled rollBack(String service, String to, String by, String reason, String requestId) {
    Optional<ServiceIndex> index = ledger.readIndex(service).map(ReleaseLedger.Versioned::value);
    if (config.services().service(service).isEmpty() || index.isEmpty()) {
      return new Handled.Ignored("no releases of " + service);
    }
    List<ServiceView.Entry> entries = index.get().releases(); // newest first
    Optional<ServiceView.Entry> busy =
        entries.stream()
            .filter(e -> e.state() == ReleaseState.DEPLOYING || e.state() == ReleaseState.APPROVED)
            .findFirst();
    if (busy.isPresent()) {
      return new Handled.Refused(
          busy.get().id()
              + " is "
              + busy.get().state()
              + ": a rollback waits until its deployment has ended");
    }
    List<Release> live =
        entries.stream()
            .filter(e -> e.state() == ReleaseState.LIVE)
            .map(e -> ledger.read(service, e.id()))
            .flatMap(Optional::stream)
            .map(ReleaseLedger.Versioned::value)
            .filter(r -> r.state() == ReleaseState.LIVE)
            .toList();
    if (live.isEmpty()) {
      return new Handled.Refused(service + " has no live release to roll back");
    }
    Optional<Release> returning =
        live.stream()
            .filter(r -> r.deployment() != null && r.deployment().completedAt() == null)
            .findFirst();
    if (returning.isPresent()) {
      return new Handled.Refused(
          "the return to "
              + returning.get().id()
              + " is still rolling out: a rollback waits until it has ended");
    }
    Release current = live.get(0);
    String target;
    if (to == null) {
      target = live.size() > 1 ? live.get(1).id() : null;
      if (target == null
          && (current.deployment() == null
              || current.deployment().previousTaskDefinitionArn() == null)) {
        return new Handled.Refused(
            current.id() + " records no task definition before it to return to");
      }
    } else {
      Optional<Release> chosen = live.stream().filter(r -> r.id().equals(to)).findFirst();
      if (to.equals(current.id())) {
        return new Handled.Refused(to + " is the live release itself");
      }
      if (chosen.isEmpty()) {
        return new Handled.Refused(
            to
                + " is not an earlier live release of "
                + service
                + " (live: "
                + live.stream().map(Release::id).collect(Collectors.joining(", "))
                + ")");
      }
      target = to;
      // Live releases between the two are rolled back too, first (a repeat after a crash finds
      // the live one still LIVE and does the rest), so the ledger never shows one as running.
      for (Release passed : live.subList(1, live.indexOf(chosen.get()))) {
        apply(
            new ReleaseLedger.ReleaseKey(service, passed.id()),
            new Input.RollbackRequested(
                "steer:" + requestId + ":" + passed.id(), by, reason, target, true));
      }
    }
    return apply(
        new ReleaseLedger.ReleaseKey(service, current.id()),
        new Input.RollbackRequested("steer:" + requestId, by, reason, target, false));
  }

  private Handled sourceUploaded(S3ObjectCreated e) {
    if (!e.bucket().equals(config.sourceBucket())) {
      return new Handled.Ignored("bucket " + e.bucket() + " is not the source bucket");
    }
    Optional<String> service = SourceRef.serviceOf(e.key());
    if (service.isEmpty()) {
      return new Handled.Ignored(
          "s3://"
              + e.bucket()
              + "/"
              + e.key()
              + " is not under sources/<service>/ with .zip or .tar.gz");
    }
    SourceRef source = new SourceRef(e.bucket(), e.key(), e.versionId(), e.etag());
    String releaseId = source.releaseId();
    // The release id is the upload's own version: its first delivery finds no record, so none is
    // read (issue 19); the create is conditional on absence. A repeated delivery's create fails,
    // and the engine reads the record and carries on with whatever it has pending (the archive is
    // read again then: the price of a repeat, not of every release).
    ledger.assumeAbsent(service.get(), releaseId);
    String eventId = e.meta().id() != null ? e.meta().id() : "s3:" + releaseId;
    Instant uploadedAt = e.meta().time() != null ? e.meta().time() : clock.instant();
    return requested(service.get(), source, eventId, uploadedAt);
  }

  /** A new upload of {@code service}: admitted against the declarations, then a release. */
  Handled requested(String serviceName, SourceRef source, String eventId, Instant uploadedAt) {
    String releaseId = source.releaseId();
    ReleaseConfig admitted = null;
    String invalidReason;
    Optional<Declarations.Admission.Refused> undeclared = config.services().undeclared(serviceName);
    if (undeclared.isPresent()) {
      invalidReason = undeclared.get().reason(); // not even read: nothing of it is trusted
    } else {
      SourceArchives.Checked checked = ports.archives().check(source);
      invalidReason = checked.invalidReason();
      if (invalidReason == null) {
        // The manifest is the uploader's: bound to the declarations (architecture §5) before it
        // counts.
        Declarations.Admission admission =
            config.services().admit(serviceName, checked.service(), checked.config(), today());
        if (admission instanceof Declarations.Admission.Admitted a) {
          admitted = a.config();
          if (admitted.dockerfile() != null && config.dockerfileRefusal() != null) {
            // Never silently build something else: refused, saying why (architecture §4).
            invalidReason = "slipway.json: dockerfile: " + config.dockerfileRefusal();
            admitted = null;
          }
        } else {
          invalidReason = ((Declarations.Admission.Refused) admission).reason();
        }
      }
    }
    return apply(
        releaseId, new Input.SourceUploaded(eventId, uploadedAt, source, admitted, invalidReason));
  }

  private LocalDate today() {
    return clock.instant().atZone(ZoneOffset.UTC).toLocalDate();
  }

  private Handled scanned(
      String eventId, String repository, String digest, String status, String complete)
      throws Unavailable {
    boolean completed = status.equals(complete) || status.equals("SCAN_COMPLETE");
    boolean ended = completed || status.equals("FAILED") || status.equals("UNSUPPORTED_IMAGE");
    Optional<ReleaseLedger.ReleaseKey> key = joins.ofDigest(digest);
    if (key.isEmpty() && ended && config.services().serviceOfRepository(repository).isPresent()) {
      // A scan can end before its image's push event is handled (two rules, two handlers).
      // Leave a mark at the digest's own key: of this handler and the push's, whichever writes
      // second is refused by its write's condition and so learns of the other, and the scan is
      // not lost.
      if (joins.markScannedEarly(digest)) {
        return new Handled.Ignored(
            "scan of " + digest + " ended before its push was handled: left for the push");
      }
      key = joins.ofDigest(digest); // taken in between: most likely the push's link
    }
    if (key.isEmpty()) {
      return new Handled.Ignored("scan of " + digest + " is not of a Slipway release's image");
    }
    return scanned(key.get(), eventId, repository, digest, status, complete);
  }

  /** A scan of {@code digest}, an image of {@code release}, ended with {@code status}. */
  private Handled scanned(
      ReleaseLedger.ReleaseKey release,
      String eventId,
      String repository,
      String digest,
      String status,
      String complete)
      throws Unavailable {
    boolean completed = status.equals(complete) || status.equals("SCAN_COMPLETE");
    List<Finding> findings;
    try {
      findings = ports.images().findings(repository, digest);
    } catch (Images.Unscannable e) {
      // An image the scanner will not scan is never taken as clean: the release fails, saying why.
      return apply(release, new Input.EffectFailed(eventId, "scan", e.getMessage()));
    }
    if (!completed) {
      if (status.equals("FAILED") || status.equals("UNSUPPORTED_IMAGE")) {
        return apply(
            release,
            new Input.EffectFailed(eventId, "scan", "the scan of " + digest + " ended " + status));
      }
      return new Handled.Ignored("scan status " + status);
    }
    if (findings == null) {
      return new Handled.Ignored("no findings to read yet for " + digest);
    }
    return apply(release, new Input.ScanCompleted(eventId, digest, findings));
  }

  private Handled apply(String releaseId, Input input) {
    Optional<String> service = SourceRef.serviceOfReleaseId(releaseId);
    if (service.isEmpty()) {
      return new Handled.Ignored(releaseId + " is not a release id");
    }
    return apply(new ReleaseLedger.ReleaseKey(service.get(), releaseId), input);
  }

  private Handled apply(ReleaseLedger.ReleaseKey key, Input input) {
    return engine
        .apply(key.service(), key.releaseId(), input)
        .<Handled>map(Handled.Applied::new)
        .orElseGet(() -> new Handled.Ignored("no release " + key.releaseId()));
  }

  /**
   * SnapStart priming (issue 19): one harmless real call, a read of the ledger index of a service
   * that cannot exist (its name is not a service name), so that the snapshot holds a built S3
   * client with its TLS set-up, credentials, signing and a real answer's parsing, as Powertools
   * primes (every handler reads the ledger at its first event); then every other call the adapters
   * make, without the network ({@link ClientPriming}). The read never fails: a refusal or an
   * unreachable endpoint primes almost as much. Returns how many calls the clients' priming made.
   */
  public int prime() {
    try {
      ledger.readIndex(PRIMING_SERVICE);
    } catch (RuntimeException ignored) {
      // priming is an optimisation
    }
    return ports.clientPriming().prime();
  }

  /** Not a service name (services start with a letter), so never a real service's index. */
  static final String PRIMING_SERVICE = "-slipway-priming";

  /**
   * The scheduled safety net ({@link Reconciler}): finishes pending effects, ends bakes that are
   * over, recovers lost events, marks stuck releases. Returns how many releases it moved.
   */
  public int reconcile() throws Unavailable {
    return reconciler.reconcile();
  }
}
