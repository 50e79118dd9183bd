package dev.slipway.event;

/**
 * An ECS service deployment changed state: {@code name} is the event name ({@code
 * SERVICE_DEPLOYMENT_IN_PROGRESS}, {@code _COMPLETED}, {@code _FAILED}); {@code serviceArn} is the
 * event's first resource.
 */
public record EcsDeploymentState(
    EventMeta meta, String name, String deploymentId, String serviceArn, String reason)
    implements PipelineEvent {}
