package dev.slipway.engine;

import java.util.Optional;

/**
 * What the reconciler asks the APIs directly when the best-effort events did not come: a build's
 * status (CodeBuild {@code BatchGetBuilds}) and a deployment's outcome (ECS {@code
 * DescribeServices}).
 */
public interface Observations {

  /** CodeBuild's status of a build (IN_PROGRESS, SUCCEEDED, FAILED, ...), or empty if unknown. */
  Optional<String> buildStatus(String buildId) throws Images.Unavailable;

  /**
   * The failed compile build's own last error line (the buildspec leaves its last lines beside the
   * release's build outputs), or empty when there is none to read.
   */
  default Optional<String> buildFailure(String releaseId) throws Images.Unavailable {
    return Optional.empty();
  }

  /** Which of {@code alarms} are in the ALARM state now (in case their event was lost). */
  java.util.List<String> alarmsFiring(java.util.List<String> alarms) throws Images.Unavailable;

  /** True when the deployment completed, false when it failed, empty while it runs. */
  Optional<Boolean> deploymentOutcome(String cluster, String service, String deploymentId)
      throws Images.Unavailable;
}
