package dev.slipway.event;

import java.util.Objects;

/** A CloudWatch alarm changed state ({@code OK}, {@code ALARM}, {@code INSUFFICIENT_DATA}). */
public record AlarmStateChange(
    EventMeta meta, String alarm, String state, String previousState, String reason)
    implements PipelineEvent {
  public AlarmStateChange {
    Objects.requireNonNull(meta, "meta");
    Objects.requireNonNull(alarm, "alarm");
    Objects.requireNonNull(state, "state");
  }

  /** True when the alarm has just entered ALARM (the only change that triggers a rollback). */
  public boolean enteredAlarm() {
    return "ALARM".equals(state) && !"ALARM".equals(previousState);
  }
}
