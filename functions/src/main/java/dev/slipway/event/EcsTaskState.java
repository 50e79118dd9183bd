package dev.slipway.event;

import java.util.List;

/** An ECS task changed state; for a stopped task, why it stopped and how each container exited. */
public record EcsTaskState(
    EventMeta meta,
    String taskArn,
    String lastStatus,
    String desiredStatus,
    String stopCode,
    String stoppedReason,
    List<Container> containers)
    implements PipelineEvent {
  public EcsTaskState {
    containers = List.copyOf(containers);
  }

  /** One container of the task; {@code exitCode} is null until it has exited. */
  public record Container(String name, Integer exitCode, String reason) {}
}
