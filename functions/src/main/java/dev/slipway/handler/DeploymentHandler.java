package dev.slipway.handler;

import dev.slipway.engine.Pipeline;
import dev.slipway.event.Step;
import java.io.PrintStream;

/** The Lambda handler for the deployment step: completion, failure, and alarms during the bake. */
public final class DeploymentHandler extends SlipwayHandler {
  public DeploymentHandler() {
    super(Step.DEPLOYMENT);
  }

  /** For tests and the local runtime: an already wired pipeline. */
  public DeploymentHandler(Pipeline pipeline, PrintStream log) {
    super(Step.DEPLOYMENT, pipeline, log);
  }
}
