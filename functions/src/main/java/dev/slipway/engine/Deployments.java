package dev.slipway.engine;

import dev.slipway.release.Declarations;
import dev.slipway.release.Effect;
import dev.slipway.release.Input;
import dev.slipway.release.Release;
import java.util.Optional;

/** The container service (ECS in AWS): deploying a release's image and rolling it back. */
public interface Deployments {

  /**
   * Deploys {@code deploy.image()} to the target, passing on only the roles {@code environment}
   * declares; safe to repeat (an image already deployed is not registered again). The start, for
   * the release to record.
   */
  Input.DeployStarted deploy(
      Release release, Effect.Deploy deploy, Declarations.Environment environment)
      throws Unavailable, Refused;

  /**
   * Puts the service {@code cluster}/{@code service} back on {@code taskDefinitionArn}; the id of
   * the deployment that starts (null when the service does not say).
   */
  String rollBack(Release release, String cluster, String service, String taskDefinitionArn)
      throws Unavailable, Refused;

  /** True when the deployment completed, false when it failed, empty while it runs. */
  Optional<Boolean> outcome(String cluster, String service, String deploymentId) throws Unavailable;
}
