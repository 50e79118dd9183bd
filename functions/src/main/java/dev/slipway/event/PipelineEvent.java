package dev.slipway.event;

/**
 * One event the pipeline acts on, typed; {@link #kind()} is its name in `slipway event inspect`.
 */
public sealed interface PipelineEvent
    permits S3ObjectCreated,
        EcrImageAction,
        EcrImageScan,
        InspectorScan,
        InspectorFinding,
        CodeBuildBuildState,
        CodeBuildPhaseChange,
        EcsDeploymentState,
        EcsServiceAction,
        EcsTaskState,
        AlarmStateChange,
        SlipwayEvent {

  EventMeta meta();

  String kind();
}
