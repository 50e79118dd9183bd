package dev.slipway.event;

import java.util.Objects;

/** A CodeBuild build finished one phase; {@code phaseStatus} is null when AWS omits it. */
public record CodeBuildPhaseChange(
    EventMeta meta, String project, String buildId, String phase, String phaseStatus)
    implements PipelineEvent {
  public CodeBuildPhaseChange {
    Objects.requireNonNull(meta, "meta");
    Objects.requireNonNull(project, "project");
    Objects.requireNonNull(buildId, "buildId");
    Objects.requireNonNull(phase, "phase");
  }
}
