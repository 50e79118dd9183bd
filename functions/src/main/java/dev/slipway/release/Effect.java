package dev.slipway.release;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.slipway.event.SlipwayDetailType;
import java.util.Objects;

/**
 * Something the world must do because a release moved: values the state machine returns and the
 * engine carries out. They are kept in the release record until done (an outbox), so a crash
 * between the ledger write and the call repeats the call instead of losing it; every effect is
 * therefore safe to repeat.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "effect")
@JsonSubTypes({
  @JsonSubTypes.Type(value = Effect.StartBuild.class, name = "StartBuild"),
  @JsonSubTypes.Type(value = Effect.Publish.class, name = "Publish"),
  @JsonSubTypes.Type(value = Effect.Deploy.class, name = "Deploy"),
  @JsonSubTypes.Type(value = Effect.RollBack.class, name = "RollBack"),
  @JsonSubTypes.Type(value = Effect.Supersede.class, name = "Supersede"),
  @JsonSubTypes.Type(value = Effect.StopBuild.class, name = "StopBuild"),
  @JsonSubTypes.Type(value = Effect.ReturnTo.class, name = "ReturnTo"),
  @JsonSubTypes.Type(value = Effect.Redeploy.class, name = "Redeploy"),
  @JsonSubTypes.Type(value = Effect.WakeAt.class, name = "WakeAt")
})
public sealed interface Effect {

  /** A stable key, so the same effect is never queued twice. */
  String key();

  /**
   * A release's builds: Slipway's compile then image builds, or, for a manifest that names a
   * Dockerfile, the one Dockerfile build that pushes the image itself.
   */
  enum BuildKind {
    COMPILE,
    IMAGE,
    DOCKERFILE
  }

  /**
   * Start the compile or image build of a release (CodeBuild, with an idempotency token). An image
   * build's {@code compiledSha256} is the checksum the compile build's end event reported for its
   * output (the image build reads it pinned by it); null: the build service is asked for it.
   */
  record StartBuild(
      BuildKind kind, String releaseId, String service, SourceRef source, String compiledSha256)
      implements Effect {
    public StartBuild {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(releaseId, "releaseId");
    }

    public StartBuild(BuildKind kind, String releaseId, String service, SourceRef source) {
      this(kind, releaseId, service, source, null);
    }

    @Override
    public String key() {
      return "build:" + kind;
    }
  }

  /** Publish one of Slipway's own events about the release. */
  record Publish(SlipwayDetailType type, String reason) implements Effect {
    public Publish {
      Objects.requireNonNull(type, "type");
    }

    @Override
    public String key() {
      return "publish:" + type;
    }
  }

  /**
   * Clone the service's current task definition with {@code image} (pinned {@code repo@sha256:...})
   * for {@code container}, register it, and update the service; remember the previous one. With a
   * {@code strategy}, the update goes through that ECS deployment strategy, ECS baking {@code
   * bakeMinutes}; null keeps the service's own.
   */
  record Deploy(
      String cluster,
      String service,
      String container,
      String image,
      Manifest.Strategy strategy,
      int bakeMinutes)
      implements Effect {
    /** With the service's own deployment strategy. */
    public Deploy(String cluster, String service, String container, String image) {
      this(cluster, service, container, image, null, 0);
    }

    @Override
    public String key() {
      return "deploy";
    }
  }

  /** Put the service back on {@code taskDefinitionArn}. */
  record RollBack(String cluster, String service, String taskDefinitionArn) implements Effect {
    @Override
    public String key() {
      return "rollback";
    }
  }

  /**
   * Another (older) release of the service loses to this one: mark it SUPERSEDED; with an {@code
   * environment}, only while it is still waiting there (it may have been promoted on meanwhile).
   */
  record Supersede(String releaseId, String by, String environment) implements Effect {
    public Supersede(String releaseId, String by) {
      this(releaseId, by, null);
    }

    @Override
    public String key() {
      return "supersede:" + releaseId;
    }
  }

  /**
   * Stop a superseded release's build still running (CodeBuild StopBuild; a finished one stays).
   */
  record StopBuild(String buildId) implements Effect {
    public StopBuild {
      Objects.requireNonNull(buildId, "buildId");
    }

    @Override
    public String key() {
      return "stop:" + buildId;
    }
  }

  /**
   * A person's rollback of this release returns the service to the earlier live release {@code
   * releaseId}: the engine applies {@link Input.Returned} to it (as it applies a Supersede).
   */
  record ReturnTo(String releaseId, String by) implements Effect {
    @Override
    public String key() {
      return "return-to:" + releaseId;
    }
  }

  /** Wake the release at {@code at} (its bake's end), so the bake ends then, not at a tick. */
  record WakeAt(java.time.Instant at) implements Effect {
    public WakeAt {
      Objects.requireNonNull(at, "at");
    }

    @Override
    public String key() {
      return "wake:" + at;
    }
  }

  /**
   * Put the service back on this release's own task definition (a rollback returning to it); the
   * deployment that starts is this release's to follow.
   */
  record Redeploy(String cluster, String service, String taskDefinitionArn) implements Effect {
    @Override
    public String key() {
      return "redeploy";
    }
  }
}
