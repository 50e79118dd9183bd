package dev.slipway.handler;

import dev.slipway.engine.Pipeline;
import java.io.PrintStream;
import java.util.Set;

/** The Lambda handler for the deployment step: completion, failure, and alarms during the bake. */
public final class DeploymentHandler extends SlipwayHandler {
  static final Set<String> KINDS = Set.of("ecs.deployment-state", "cloudwatch.alarm-state");

  public DeploymentHandler() {
    super(KINDS);
  }

  /** For tests and the local runtime: an already wired pipeline. */
  public DeploymentHandler(Pipeline pipeline, PrintStream log) {
    super(pipeline, KINDS, log);
  }
}
