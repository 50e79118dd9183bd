package dev.slipway.event;

/**
 * An ECS service action ({@code SERVICE_STEADY_STATE}, {@code SERVICE_TASK_START_IMPAIRED}, ...).
 */
public record EcsServiceAction(
    EventMeta meta, String name, String clusterArn, String serviceArn, String reason)
    implements PipelineEvent {}
