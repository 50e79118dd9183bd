package dev.slipway.engine;

import java.util.List;

/** The alarms that guard deployments (CloudWatch in AWS). */
public interface Alarms {

  /** Which of {@code alarms} are in the ALARM state now (in case their event was lost). */
  List<String> firing(List<String> alarms) throws Unavailable;
}
