package dev.slipway.release;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What can happen to a release, in the domain's words. Handlers turn AWS events (and the results of
 * effects, and the reconciler's observations) into these; {@code eventId} is the cause recorded in
 * the history and the key that makes a repeated delivery a no-op.
 */
public sealed interface Input {
  String eventId();

  /** The source was uploaded; {@code config} is null when the archive or manifest is bad. */
  record SourceUploaded(
      String eventId,
      Instant uploadedAt,
      SourceRef source,
      ReleaseConfig config,
      String invalidReason)
      implements Input {
    public SourceUploaded {
      Objects.requireNonNull(source, "source");
      Objects.requireNonNull(uploadedAt, "uploadedAt");
      if ((config == null) == (invalidReason == null)) {
        throw new IllegalArgumentException("exactly one of config and invalidReason");
      }
    }
  }

  /**
   * An image Slipway did not build was pushed to a declared service's repository under {@code tag}:
   * it starts an image-only release at IMAGE_READY ({@link Release#imageOnlyId}), configured as
   * {@code config} says (architecture §3).
   */
  record ImageOnlyPushed(
      String eventId,
      Instant pushedAt,
      String service,
      String tag,
      ReleaseConfig config,
      ImagePushed image)
      implements Input {
    public ImageOnlyPushed {
      Objects.requireNonNull(pushedAt, "pushedAt");
      Objects.requireNonNull(service, "service");
      Objects.requireNonNull(config, "config");
      Objects.requireNonNull(image, "image");
    }
  }

  /** A build was started (the result of a StartBuild effect). */
  record BuildStarted(String eventId, Effect.BuildKind kind, String buildId) implements Input {}

  /**
   * A build ended: {@code status} is CodeBuild's (SUCCEEDED, FAILED, FAULT, STOPPED, TIMED_OUT).
   */
  /** A build's end; {@code detail} is the build's own last error line when it failed, if known. */
  record BuildFinished(
      String eventId,
      Effect.BuildKind kind,
      String buildId,
      String status,
      String detail,
      String artifactSha256)
      implements Input {
    public BuildFinished(String eventId, Effect.BuildKind kind, String buildId, String status) {
      this(eventId, kind, buildId, status, null, null);
    }

    public BuildFinished(
        String eventId, Effect.BuildKind kind, String buildId, String status, String detail) {
      this(eventId, kind, buildId, status, detail, null);
    }

    public boolean succeeded() {
      return "SUCCEEDED".equals(status);
    }
  }

  /** The release's image index was pushed: its digest and the digests of its platform images. */
  record ImagePushed(
      String eventId,
      String registry,
      String repository,
      String digest,
      List<String> platformDigests)
      implements Input {
    public ImagePushed {
      platformDigests = List.copyOf(platformDigests);
    }
  }

  /** A scan of one image digest finished with these findings. */
  record ScanCompleted(String eventId, String digest, List<Finding> findings) implements Input {
    public ScanCompleted {
      findings = List.copyOf(findings);
    }
  }

  /** A person approved the release. */
  record Approved(String eventId, String by, String reason) implements Input {}

  /** A person rejected the release. */
  record Rejected(String eventId, String by, String reason) implements Input {}

  /**
   * A promotion into environment {@code to}: by a person through the steering URL ({@code by}: the
   * identity AWS authenticated), or, with {@code by} null, by the release itself after its bake in
   * the environment before (the manifest's {@code "promotion": "auto"}).
   */
  record Promoted(String eventId, String to, String by, String reason) implements Input {}

  /** The deployment started (the result of a Deploy effect). */
  record DeployStarted(
      String eventId,
      String taskDefinitionArn,
      String previousTaskDefinitionArn,
      String deploymentId)
      implements Input {}

  /** ECS reported the deployment's outcome. */
  record DeploymentEnded(String eventId, String deploymentId, boolean completed, String reason)
      implements Input {}

  /** One of the service's alarms entered ALARM. */
  record AlarmFired(String eventId, String alarm, String reason) implements Input {}

  /** An effect failed for good (refused, not throttled): the release cannot go on. */
  record EffectFailed(String eventId, String effectKey, String reason) implements Input {}

  /** A newer release of the service took over. */
  record Superseded(String eventId, String by, String environment) implements Input {
    public Superseded(String eventId, String by) {
      this(eventId, by, null);
    }
  }

  /**
   * A person rolled the live release back ({@code by}: the identity AWS authenticated): it returns
   * the service to the earlier live release {@code returnTo}, or, when no release of Slipway's ran
   * before it, to the task definition it replaced. {@code passedOver}: a live release between the
   * live one and {@code returnTo} (a rollback {@code --to} an older one): it ends ROLLED_BACK too,
   * and deploys nothing itself.
   */
  record RollbackRequested(
      String eventId, String by, String reason, String returnTo, boolean passedOver)
      implements Input {
    public RollbackRequested {
      Objects.requireNonNull(by, "by");
    }
  }

  /**
   * The release is live again: a person's rollback of the newer {@code from} (whose task definition
   * was {@code fromTaskDefinitionArn}) returns the service to it.
   */
  record Returned(String eventId, String from, String by, String fromTaskDefinitionArn)
      implements Input {}

  /**
   * The bake timer fired (a delayed message sent when the bake began): ends the bake when it is
   * over; one that came early (a delay is capped) is set again for what is left.
   */
  record BakeDue(String eventId) implements Input {}

  /**
   * The release has been in {@code state} since {@code since}, longer than that state's {@code
   * limit}: a person should look (the reconciler's finding; announced, and alarmed on).
   */
  record Stuck(String eventId, ReleaseState state, Instant since, java.time.Duration limit)
      implements Input {}

  /** Time passed (the reconciler's schedule): ends a finished bake. */
  record Tick(String eventId) implements Input {}
}
