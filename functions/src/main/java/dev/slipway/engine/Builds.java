package dev.slipway.engine;

import dev.slipway.release.Declarations;
import dev.slipway.release.Effect;
import dev.slipway.release.Release;
import java.util.Optional;

/** The build service (CodeBuild in AWS): a release's compile and image builds. */
public interface Builds {

  /**
   * Starts {@code kind}'s build of {@code release} of the declared {@code service} (at most once
   * per release and kind: a repeat answers the same build); the build's id as its events name it
   * (an ARN in AWS).
   */
  String start(Release release, Effect.BuildKind kind, Declarations.Service service)
      throws Unavailable, Refused;

  /**
   * Starts the build {@code build} asks for; an image build given the compile output's checksum
   * (from the compile build's end event) need not ask the build service for it.
   */
  default String start(Release release, Effect.StartBuild build, Declarations.Service service)
      throws Unavailable, Refused {
    return start(release, build.kind(), service);
  }

  /** Stops a build; one already finished is left as it is. */
  void stop(Release release, String buildId) throws Unavailable, Refused;

  /** The build's status (IN_PROGRESS, SUCCEEDED, FAILED, ...), or empty if unknown. */
  Optional<String> status(String buildId) throws Unavailable;
}
