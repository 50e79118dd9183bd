package dev.slipway.event;

/** A CodeBuild build finished one phase; {@code phaseStatus} is null when AWS omits it. */
public record CodeBuildPhaseChange(
    EventMeta meta, String project, String buildId, String phase, String phaseStatus)
    implements PipelineEvent {}
