package dev.slipway.event;

/** A CloudWatch alarm changed state ({@code OK}, {@code ALARM}, {@code INSUFFICIENT_DATA}). */
public record AlarmStateChange(
    EventMeta meta, String alarm, String state, String previousState, String reason)
    implements PipelineEvent {
  /** True when the alarm has just entered ALARM (the only change that triggers a rollback). */
  public boolean enteredAlarm() {
    return "ALARM".equals(state) && !"ALARM".equals(previousState);
  }
}
