package dev.slipway.event;

/**
 * A CodeBuild build changed state ({@code IN_PROGRESS}, {@code SUCCEEDED}, {@code FAILED}, {@code
 * STOPPED}, ...). {@code releaseId} is the build's {@code SLIPWAY_RELEASE_ID} environment variable,
 * null for builds Slipway did not start. {@code artifactSha256} is the SHA-256 CodeBuild reports
 * for the build's output artifact ({@code additional-information.artifact.sha256sum}, as
 * BatchGetBuilds' {@code artifacts.sha256sum}), null when the event carries none or not 64 hex
 * digits.
 */
public record CodeBuildBuildState(
    EventMeta meta,
    String project,
    String buildId,
    String status,
    String releaseId,
    String artifactSha256)
    implements PipelineEvent {
  /** The environment variable that ties a build to its release. */
  public static final String RELEASE_ID_VARIABLE = "SLIPWAY_RELEASE_ID";
}
