package dev.slipway.event;

/**
 * One event the pipeline acts on, typed. {@link #eventKind()} is its entry in the registry of
 * kinds, {@link #kind()} its name in `slipway event inspect`. The records are made only by their
 * kind's reader ({@link EventKind}), which refuses an event missing a required field with that
 * field's path; they do not check again.
 */
public sealed interface PipelineEvent
    permits S3ObjectCreated,
        EcrImageAction,
        ImageScan,
        InspectorFinding,
        CodeBuildBuildState,
        CodeBuildPhaseChange,
        EcsDeploymentState,
        EcsServiceAction,
        EcsTaskState,
        AlarmStateChange,
        BakeTimer,
        SlipwayEvent {

  EventMeta meta();

  /** The registry entry of this event's kind. */
  default EventKind eventKind() {
    return EventKind.ofType(getClass());
  }

  /** The kind's name ({@link SlipwayEvent} names its detail-type too). */
  default String kind() {
    return eventKind().kind();
  }
}
